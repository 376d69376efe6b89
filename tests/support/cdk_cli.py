"""The one way tests and benchmarks run the CDK CLI: its environment and its command line.

Quiet and offline (no version check, telemetry, notices, instance-metadata probes or
end-of-life banners) and blind to the machine's AWS credentials and config, so a run
proves that synth needs none. ``CDK_VALIDATION`` is dropped: CDK's template validation
is on, as users have it, unless a caller sets it again.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cdk_cli_env(scratch: Path) -> dict[str, str]:
    """Environment for ``npx cdk``; ``scratch`` is a folder for the (absent) AWS files."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CDK_VALIDATION", "NODE_OPTIONS"} and not key.startswith("AWS_")
    }
    env.update(
        CDK_DISABLE_VERSION_CHECK="1",
        CDK_DISABLE_CLI_TELEMETRY="true",
        AWS_EC2_METADATA_DISABLED="true",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        AWS_CONFIG_FILE=str(scratch / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(scratch / "no-aws-credentials"),
    )
    return env


def venv_python() -> Path:
    """The project's virtualenv Python (what cdk.json's app command uses), else this one."""
    candidate = ROOT / ".venv" / "bin" / "python"
    return candidate if candidate.exists() else Path(sys.executable)


def cdk_command(*args: str) -> list[str]:
    """``npx --no-install cdk ARGS --no-notices``: the pinned CLI from package.json only."""
    return ["npx", "--no-install", "cdk", *args, "--no-notices"]


def synth_command(
    config: Path | str, outdir: Path, *, app: str | None = None, extra: Sequence[str] = ()
) -> list[str]:
    """``cdk synth`` of ``config`` into ``outdir``; ``app`` overrides cdk.json's app command."""
    args = ["synth", "--quiet", "--output", str(outdir)]
    if app is not None:
        args += ["--app", app]
    return cdk_command(*args, "-c", f"config={config}", *extra)
