"""Running a custom-resource handler whose code multivpc inlines into templates (ZipFile),
outside Lambda: its module loaded from its source file with a ``cfnresponse`` that records
the answers. Used by the handler tests and by the emulator (tests/deploy/emulator.py)."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any


class Answers:
    """What a handler sent back through ``cfnresponse.send``: (status, physical id, reason)."""

    SUCCESS = "SUCCESS"
    FAILED = "FAILED"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(
        self,
        event: Any,
        context: Any,
        status: str,
        data: Any,
        physical_id: str,
        reason: str = "",
        **_: Any,
    ) -> None:
        self.sent.append((status, physical_id, reason))


class Context:
    """The Lambda context a handler reads: how much time it has left."""

    def __init__(self, remaining_ms: int = 600_000) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def load_handler(source_file: Path, answers: Answers) -> dict[str, Any]:
    """The handler's module namespace; it never sleeps (``time.sleep`` does nothing)."""
    module = types.ModuleType("cfnresponse")
    module.__dict__.update(SUCCESS=answers.SUCCESS, FAILED=answers.FAILED, send=answers.send)
    saved = sys.modules.get("cfnresponse")
    sys.modules["cfnresponse"] = module
    try:
        namespace: dict[str, Any] = {"__name__": "index"}
        source = source_file.read_text(encoding="utf-8")
        exec(compile(source, str(source_file), "exec"), namespace)
    finally:
        if saved is None:
            sys.modules.pop("cfnresponse", None)
        else:
            sys.modules["cfnresponse"] = saved
    namespace["time"] = types.SimpleNamespace(sleep=lambda _: None)
    return namespace
