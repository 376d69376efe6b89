"""Findings about a config and the error that carries them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning"]
"""error: the config cannot be built. warning: it can, but probably not as meant; printed,
and fatal only with ``multivpc validate --strict``."""


@dataclass(frozen=True)
class Finding:
    """One problem in a config: where it is, what is wrong, and how to fix it.

    ``path`` holds keys and selected items, such as ``("vpcs", "[app]", "cidr")``, shown
    as ``vpcs[app].cidr``; ``line`` is the 1-based line in the file when it is known.
    A warning is printed with the prefix ``warning:``.
    """

    path: tuple[str, ...]
    problem: str
    fix: str
    rule: str = ""
    line: int | None = None
    level: Level = "error"

    @property
    def location(self) -> str:
        return ".".join(self.path).replace(".[", "[")

    def format(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        location = f" {self.location}:" if self.location else ""
        prefix = "warning: " if self.level == "warning" else ""
        return f"{prefix}{where}:{location} {self.problem}; {self.fix}"


@dataclass
class ConfigError(Exception):
    """Raised by ``load_config`` with every finding at once, never just the first.

    ``findings`` holds the errors and, beside them, any warnings, in file order.
    """

    source: str
    findings: Sequence[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def lines(self) -> list[str]:
        return [finding.format(self.source) for finding in self.findings]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def display_path(path: Path) -> str:
    """A path as the user wrote it, relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
