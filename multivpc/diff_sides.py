"""The two sides of ``multivpc diff``: a cdk.out folder, a config file, or ``GIT_REF:PATH``
of a config (read with ``git show``). Configs are synthesized on the fly, in-process and
without the CDK CLI, like ``multivpc synth`` but without cdk-nag and CDK's template
validation: the diff needs templates, not checks.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from multivpc.analysis import Assembly, AssemblyError, read_assembly
from multivpc.config import ConfigError
from multivpc.config.lockfile import lock_path
from multivpc.load import LoadedNetwork, load_network, parse_network
from multivpc.node_runtime import announce_end_of_life_node

GIT_TIMEOUT_SECONDS = 60


class SideError(Exception):
    """A side that cannot be read: every line to print, no traceback."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Side:
    assembly: Assembly
    warnings: tuple[str, ...] = ()


def read_side(spec: str, *, context: Mapping[str, object]) -> Side:
    """The stacks ``spec`` names; ``context`` is the CDK context (feature flags) a config
    is synthesized with. Raises ``SideError``."""
    path = Path(spec)
    if path.is_dir():
        try:
            return Side(read_assembly(path, source=spec))
        except AssemblyError as error:
            raise SideError([str(error)]) from None
    if path.is_file():
        return synthesize_side(_checked(lambda: load_network(path)), spec, context)
    ref, colon, file = spec.partition(":")
    if colon and ref and file:
        text = _git_show(ref, file, spec)
        # The lock committed beside it at that ref: the ranges and routing shards deployed
        # from it (without it, allocation would start afresh and show false changes).
        locked = lock_path(file).as_posix()
        lock_text = _git_show_if_present(ref, locked)
        return synthesize_side(
            _checked(
                lambda: parse_network(
                    text, spec, lock_text=lock_text, lock_source=f"{ref}:{locked}"
                )
            ),
            spec,
            context,
        )
    raise SideError(
        [f"{spec}: no such folder or file; give a cdk.out folder, a config file or GIT_REF:PATH"]
    )


def _checked(load: Callable[[], LoadedNetwork]) -> LoadedNetwork:
    try:
        return load()
    except ConfigError as error:
        raise SideError(error.lines()) from None


def _git_show_if_present(ref: str, file: str) -> str | None:
    """``git show REF:FILE``, or None when the file does not exist there."""
    try:
        return _git_show(ref, file, f"{ref}:{file}")
    except SideError:
        return None


def _git_show(ref: str, file: str, spec: str) -> str:
    try:
        shown = subprocess.run(
            ["git", "show", f"{ref}:{file}"],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SideError([f"{spec}: git show failed: {error}"]) from None
    if shown.returncode != 0:
        reason = shown.stderr.strip().splitlines()[-1] if shown.stderr.strip() else "failed"
        raise SideError(
            [f"{spec}: no such folder or file, and git show {ref}:{file} says: {reason}"]
        )
    return shown.stdout


def synthesize_side(loaded: LoadedNetwork, spec: str, context: Mapping[str, object]) -> Side:
    """A checked network synthesized in-process, without cdk-nag and CDK's validation."""
    # Read when the jsii node process starts (on the first aws_cdk import): off here.
    os.environ["CDK_VALIDATION"] = "false"
    announce_end_of_life_node()
    import aws_cdk as cdk

    from multivpc.stacks import add_network

    with tempfile.TemporaryDirectory(prefix="multivpc-diff-") as outdir:
        app = cdk.App(outdir=outdir, context=dict(context))
        add_network(app, loaded.network_plan(), checks=False)
        app.synth()
        assembly = read_assembly(Path(outdir), source=spec)
    return Side(assembly, tuple(loaded.warning_lines()))
