"""Node.js past jsii's end of life: multivpc's commands print one line instead of jsii's
banner (which jsii's Python side prints as raw b'!!...' lines)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from multivpc.node_runtime import SILENCE, node_major, quiet_jsii_banner
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("version", "major"), [("v20.20.2\n", 20), ("v24.1.0", 24), ("", None), ("vX", None)]
)
def test_node_major(version: str, major: int | None) -> None:
    assert node_major(version) == major


def test_an_end_of_life_node_is_silenced_and_named_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SILENCE, "18")
    notice = quiet_jsii_banner("v20.20.2\n")
    assert notice is not None and "Node.js v20.20.2" in notice and "22 or 24" in notice
    assert os.environ[SILENCE] == "18,20"
    assert quiet_jsii_banner("v20.20.2") is None  # already silenced: the user's choice


@pytest.mark.parametrize("version", ["v22.11.0", "v24.1.0"])
def test_a_supported_node_changes_nothing(version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SILENCE, raising=False)
    assert quiet_jsii_banner(version) is None
    assert SILENCE not in os.environ


def test_synth_prints_no_raw_banner(tmp_path: Path) -> None:
    """On this machine's Node, without the variable the Makefile sets."""
    env = {k: v for k, v in os.environ.items() if k != SILENCE}
    out = str(tmp_path / "out")
    command = [sys.executable, "-m", "multivpc.cli", "synth", "examples/single-vpc.yaml"]
    result = subprocess.run(
        [*command, "--no-checks", "--out", out],
        cwd=ROOT,
        env={**env, "CDK_VALIDATION": "false"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "b'!!" not in result.stderr + result.stdout
    version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    eol = node_major(version) in (14, 16, 18, 20)
    assert ("past its end of life" in result.stderr) is eol
