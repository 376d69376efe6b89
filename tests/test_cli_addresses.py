"""Address pools through the `multivpc` command: `plan` prints the address plan and writes
the lock only with --write-lock, `validate` never writes it, `synth` does, and under
CI=true or --locked a lock that would change is an error. The acceptance flow of issue 12:
a config that gives only sizes synthesizes and writes its lock, and a second synth after
adding a group leaves every earlier range unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from multivpc.cli import main
from tests.support.builder import NetworkBuilder, network

CONFIG = "network.yaml"
LOCK = "network.lock.yaml"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, outside CI (whatever the environment running the tests)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    return tmp_path


def sized() -> NetworkBuilder:
    return (
        network("sized")
        .top(address_pools=[{"name": "corp", "cidr": "10.0.0.0/14"}])
        .vpc("app", cidr=None, pool="corp", size=16, nat="none")
        .set(
            subnets=[
                {"name": "web", "tier": "isolated", "size": 24},
                {"name": "db", "tier": "isolated", "size": 26},
            ]
        )
    )


def write(builder: NetworkBuilder, path: Path) -> None:
    path.write_text(builder.yaml(), encoding="utf-8")


def test_plan_prints_the_address_plan_and_writes_only_when_asked(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(sized(), workdir / CONFIG)
    assert main(["plan", CONFIG]) == 0
    assert not (workdir / LOCK).exists()
    assert capsys.readouterr().out.splitlines() == [
        "network.yaml: address plan of network sized",
        "pools:",
        "  corp 10.0.0.0/14: 1 VPC; free: 196,608 addresses (75%), largest block /15: "
        "10.1.0.0/16 10.2.0.0/15",
        "vpcs:",
        "  app 10.0.0.0/16 (new, pool corp)",
        "    group  tier      zone        cidr          from",
        "    web    isolated  us-east-1a  10.0.0.0/24   new",
        "    web    isolated  us-east-1b  10.0.1.0/24   new",
        "    db     isolated  us-east-1a  10.0.2.0/26   new",
        "    db     isolated  us-east-1b  10.0.2.64/26  new",
        "    free: 64,896 addresses (99%), largest block /17: 10.0.2.128/25 10.0.3.0/24 "
        "10.0.4.0/22 10.0.8.0/21 and 4 more",
        "network.lock.yaml: would be created (5 new ranges); run with --write-lock to write it",
    ]
    assert main(["plan", CONFIG, "--write-lock"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "network.lock.yaml: written (5 new ranges)"
    lock = yaml.safe_load((workdir / LOCK).read_text())
    assert lock["vpcs"]["app"] == {
        "cidr": "10.0.0.0/16",
        "pool": "corp",
        "subnets": {
            "db": {"us-east-1a": "10.0.2.0/26", "us-east-1b": "10.0.2.64/26"},
            "web": {"us-east-1a": "10.0.0.0/24", "us-east-1b": "10.0.1.0/24"},
        },
    }
    assert main(["plan", CONFIG]) == 0
    out = capsys.readouterr().out
    assert "  app 10.0.0.0/16 (lock, pool corp)" in out
    assert "    web    isolated  us-east-1b  10.0.1.0/24   lock" in out
    assert out.splitlines()[-1] == "network.lock.yaml: up to date"


def test_validate_never_writes_the_lock(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(sized(), workdir / CONFIG)
    assert main(["validate", CONFIG]) == 0
    assert not (workdir / LOCK).exists()
    assert capsys.readouterr().out.splitlines()[1] == (
        "network.lock.yaml: would be created (5 new ranges); `multivpc plan --write-lock` or "
        "`multivpc synth` writes it"
    )


@pytest.mark.parametrize("how", ["--locked", "CI=true"])
def test_locked_or_ci_refuses_a_lock_that_would_change(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    write(sized(), workdir / CONFIG)
    flags = ["--locked"] if how == "--locked" else []
    if how == "CI=true":
        monkeypatch.setenv("CI", "true")
    for command in (["validate"], ["plan", "--write-lock"], ["synth", "--out", "out"]):
        assert main([*command, CONFIG, *flags]) == 2, command
        assert capsys.readouterr().err.splitlines() == [
            "network.lock.yaml: the lock file network.lock.yaml is missing and --locked (or "
            "CI=true) forbids allocating; run `multivpc plan --write-lock` (or `multivpc "
            "synth`) locally to create it, review and commit it"
        ]
        assert not (workdir / LOCK).exists()
        assert not (workdir / "out").exists()
    monkeypatch.delenv("CI", raising=False)
    assert main(["plan", CONFIG, "--write-lock"]) == 0
    if how == "CI=true":
        monkeypatch.setenv("CI", "true")
    assert main(["validate", CONFIG, *flags]) == 0  # an up-to-date lock passes
    write(sized().group("cache", tier="isolated", size=28), workdir / CONFIG)
    capsys.readouterr()
    assert main(["validate", CONFIG, *flags]) == 2
    assert "the lock file network.lock.yaml is out of date" in capsys.readouterr().err


def test_explicit_configs_need_no_lock(workdir: Path) -> None:
    write(network("plain").vpc("app", nat="none"), workdir / CONFIG)
    assert main(["plan", CONFIG, "--write-lock"]) == 0
    assert not (workdir / LOCK).exists()


def _subnet_cidrs(out: Path) -> dict[str, str]:
    template = json.loads((out / "sized-app.template.json").read_text())
    return {
        logical: r["Properties"]["CidrBlock"]
        for logical, r in template["Resources"].items()
        if r["Type"] in ("AWS::EC2::Subnet", "AWS::EC2::VPC")
    }


def test_sizes_only_synth_writes_the_lock_and_a_new_group_moves_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(sized(), workdir / CONFIG)
    assert main(["synth", CONFIG, "--out", "first", "--no-checks"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "network.yaml: synthesized 1 stack into first",
        "network.lock.yaml: written (5 new ranges)",
    ]
    first_lock = (workdir / LOCK).read_text()
    first = _subnet_cidrs(workdir / "first")
    assert sorted(first.values()) == [
        "10.0.0.0/16",
        "10.0.0.0/24",
        "10.0.1.0/24",
        "10.0.2.0/26",
        "10.0.2.64/26",
    ]
    # A new group that, allocated from scratch, would sort first and take 10.0.0.0/24.
    write(sized().group("api", tier="isolated", size=23), workdir / CONFIG)
    assert main(["synth", CONFIG, "--out", "second", "--no-checks"]) == 0
    second = _subnet_cidrs(workdir / "second")
    assert {k: second[k] for k in first} == first
    added = sorted(set(second.values()) - set(first.values()))
    assert added == ["10.0.4.0/23", "10.0.6.0/23"]
    second_lock = (workdir / LOCK).read_text()
    assert second_lock != first_lock
    assert [line for line in first_lock.splitlines() if line not in second_lock] == []
    # A third synth of the same config changes nothing, byte for byte.
    assert main(["synth", CONFIG, "--out", "third", "--no-checks"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1] == "network.yaml: synthesized 1 stack into third"
    )
    assert (workdir / LOCK).read_text() == second_lock


def test_a_removed_group_is_held_back_until_forgotten(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Remove db and add cache of the same size in one change: cache gets new ranges and
    db's stay released through every later synth, until --forget-released."""
    write(sized(), workdir / CONFIG)
    assert main(["plan", CONFIG, "--write-lock"]) == 0
    edited = sized().set(
        subnets=[
            {"name": "web", "tier": "isolated", "size": 24},
            {"name": "cache", "tier": "isolated", "size": 26},
        ]
    )
    write(edited, workdir / CONFIG)
    capsys.readouterr()
    assert main(["plan", CONFIG, "--write-lock"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "    cache  isolated  us-east-1a  10.0.2.128/26  new" in out
    assert out[-5:-1] == [
        "released (not free until `multivpc plan --write-lock --forget-released` after the "
        "deploy that removes them):",
        "  cidr          was",
        "  10.0.2.0/26   vpcs.app.subnets.db.us-east-1a",
        "  10.0.2.64/26  vpcs.app.subnets.db.us-east-1b",
    ]
    assert out[-1] == "network.lock.yaml: written (2 new ranges, 2 released)"
    lock = yaml.safe_load((workdir / LOCK).read_text())
    assert lock["released"] == [
        {"cidr": "10.0.2.0/26", "was": "vpcs.app.subnets.db.us-east-1a"},
        {"cidr": "10.0.2.64/26", "was": "vpcs.app.subnets.db.us-east-1b"},
    ]
    assert main(["plan", CONFIG]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "network.lock.yaml: up to date"
    assert main(["plan", CONFIG, "--forget-released", "--write-lock"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "network.lock.yaml: written (2 released before, taken back or forgotten)"
    )
    assert "released" not in yaml.safe_load((workdir / LOCK).read_text())
