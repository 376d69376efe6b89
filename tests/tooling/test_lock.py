"""The lock files and pyproject.toml cannot drift apart: every declared requirement is
locked at a version inside its declared range (no network; `make lock` fixes a failure)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.support.cdk_cli import ROOT

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)", re.MULTILINE)
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def locked(path: Path) -> dict[str, Version]:
    """{canonical name: pinned version} of a lock written by `uv pip compile`."""
    pins: dict[str, Version] = {
        canonicalize_name(m["name"]): Version(m["version"])
        for m in PIN.finditer(path.read_text(encoding="utf-8"))
    }
    assert pins, f"no pins in {path}"
    return pins


def declared(requirements: list[str]) -> list[Requirement]:
    return [Requirement(text) for text in requirements]


def unsatisfied(requirements: list[Requirement], pins: dict[str, Version]) -> list[str]:
    problems = []
    for requirement in requirements:
        version = pins.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement}: not in the lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement}: locked at {version}")
    return problems


DEV_LOCK = locked(ROOT / "requirements" / "dev.lock")


@pytest.mark.parametrize(
    "texts",
    [PYPROJECT["project"]["dependencies"], PYPROJECT["project"]["optional-dependencies"]["dev"]],
    ids=["dependencies", "dev"],
)
def test_dev_lock_satisfies_pyproject(texts: list[str]) -> None:
    assert unsatisfied(declared(texts), DEV_LOCK) == []


def test_library_dependencies_are_ranges() -> None:
    """Apps importing multivpc.constructs choose their own versions: no exact pins there."""
    pinned = [
        str(r)
        for r in declared(PYPROJECT["project"]["dependencies"])
        if any(s.operator in {"==", "==="} for s in r.specifier)
    ]
    assert pinned == []


def test_checkov_lock_satisfies_its_input() -> None:
    source = (ROOT / "requirements" / "checkov.in").read_text(encoding="utf-8")
    texts = [line.split("#")[0].strip() for line in source.splitlines()]
    requirements = declared([t for t in texts if t])
    assert [r.name for r in requirements] == ["checkov"]
    assert unsatisfied(requirements, locked(ROOT / "requirements" / "checkov.lock")) == []


def test_the_check_catches_drift() -> None:
    pins = {"aws-cdk-lib": Version("2.274.0")}
    assert unsatisfied(declared(["aws-cdk-lib>=2.275.0,<3", "PyYAML>=6"]), pins) == [
        "aws-cdk-lib<3,>=2.275.0: locked at 2.274.0",
        "PyYAML>=6: not in the lock",
    ]


def test_locks_carry_hashes() -> None:
    """`--require-hashes` installs need a hash for every pin."""
    for name in ("dev.lock", "checkov.lock"):
        text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        assert all("--hash=sha256:" in entry for entry in entries if "==" in entry), name
