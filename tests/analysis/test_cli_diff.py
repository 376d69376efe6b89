"""``multivpc diff`` as a user runs it: exit codes, formats, and each kind of side."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from multivpc.cli import main
from multivpc.config.lockfile import lock_path
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "hub-and-spoke.yaml"


def _write(path: Path, data: dict[str, object], lock_of: Path | None = EXAMPLE) -> Path:
    """An edit of an example, with the example's lock (its routing shards) beside it, as a
    config repository has: under CI=true a missing lock is an error."""
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    if lock_of is not None:
        lock_path(path).write_text(lock_path(lock_of).read_text(), encoding="utf-8")
    return path


def _with_one_more_az(data: dict[str, object]) -> dict[str, object]:
    for vpc in data["vpcs"]:  # type: ignore[attr-defined]
        vpc["availability_zones"].append("us-east-1c")
    return data


def _with_prod_app_renumbered(data: dict[str, object]) -> dict[str, object]:
    [prod] = [v for v in data["vpcs"] if v["name"] == "prod-app"]  # type: ignore[attr-defined]
    prod["cidr"] = "10.9.0.0/16"
    for group in prod["subnets"]:
        group["cidr"] = group["cidr"].replace("10.1.", "10.9.", 1)
    return data


@pytest.fixture(scope="module")
def configs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("configs")

    def example() -> dict[str, object]:
        data: dict[str, object] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        return data

    return {
        "az": _write(folder / "one-more-az.yaml", _with_one_more_az(example())),
        "cidr": _write(folder / "renumbered.yaml", _with_prod_app_renumbered(example())),
    }


@pytest.fixture(scope="module")
def outs(tmp_path_factory: pytest.TempPathFactory, configs: dict[str, Path]) -> dict[str, Path]:
    """cdk.out folders of the example and of its renumbered copy, by `multivpc synth`."""
    folder = tmp_path_factory.mktemp("outs")
    made = {}
    for name, config in {"before": EXAMPLE, "cidr": configs["cidr"]}.items():
        assert main(["synth", str(config), "--no-checks", "--out", str(folder / name)]) == 0
        made[name] = folder / name
    return made


def test_one_more_az_exits_0_and_removes_and_replaces_nothing(
    configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(EXAMPLE), str(configs["az"])]) == 0
    out = capsys.readouterr().out
    assert "ok: nothing removed or replaced" in out
    assert "replace " not in out and "remove " not in out and "move " not in out
    assert "add  " in out  # the new subnets


def test_one_more_az_shows_the_added_subnets_in_the_in_place_changes(
    configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Each spoke's attachment gains the new zone's transit subnet: text names it on a
    line of its own (not cut at a prefix both sides share), JSON gives whole values."""
    main(["diff", str(EXAMPLE), str(configs["az"])])
    blocks = capsys.readouterr().out.split("\n\n")
    for vpc, group in (
        ("prod-app", "transit"),
        ("dev-app", "transit"),
        ("dev-tools", "transit"),
        ("shared-services", "transit"),
    ):
        [block] = [b for b in blocks if b.startswith(f"hub-and-spoke-{vpc} (")]
        lines = block.splitlines()
        [row] = [i for i, line in enumerate(lines) if "TransitGatewayAttachment " in line]
        assert lines[row].endswith("SubnetIds: 1 added"), lines[row]
        added = lines[row + 1].strip()
        prefix = vpc.replace("-", "")
        assert added.startswith(f"+ Ref {prefix}{group}useast1cSubnet"), added
        assert len(lines[row + 1]) <= 110
        if vpc == "prod-app":  # the documented example, whitespace aside
            readme = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
            snippet = readme.split("`prod-app` of `examples/hub-and-spoke.yaml` shows, among")[1]
            shown = [line for line in snippet.split("```\n", 2)[1].splitlines() if line.strip()]
            assert [" ".join(line.split()) for line in shown] == [
                " ".join(line.split()) for line in lines[row : row + 2]
            ]
    main(["diff", str(EXAMPLE), str(configs["az"]), "--json"])
    report = json.loads(capsys.readouterr().out)
    [prod] = [s for s in report["stacks"] if s["name"] == "hub-and-spoke-prod-app"]
    [attachment] = [c for c in prod["changes"] if c["type"] == "AWS::EC2::TransitGatewayAttachment"]
    [value] = attachment["values"]
    assert value["property"] == "SubnetIds"
    before, after = value["before"], value["after"]
    assert before.count("Ref ") == 2 and after.count("Ref ") == 3
    assert "..." not in before + after
    assert "prodapptransituseast1cSubnet" in after and "useast1c" not in before


def test_a_changed_vpc_cidr_exits_1_naming_the_vpc_and_its_dependents(
    configs: dict[str, Path], outs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(EXAMPLE), str(configs["cidr"])]) == 1
    out = capsys.readouterr().out
    assert "CidrBlock: 10.1.0.0/16 -> 10.9.0.0/16" in out
    template = json.loads((outs["before"] / "hub-and-spoke-prod-app.template.json").read_text())
    dependents = [
        lid
        for lid, r in template["Resources"].items()
        if r["Type"] in {"AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::Route"}
    ]
    lines = out.splitlines()
    for logical_id in dependents:
        assert any(line.split()[:3][-1:] == [logical_id] and "replace" in line for line in lines)
    assert "blocked:" in out


def test_json_shape(outs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(outs["before"]), str(outs["cidr"]), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {
        "before",
        "after",
        "exit_code",
        "summary",
        "blocking",
        "unused_allowances",
        "stacks",
    }
    assert report["exit_code"] == 1
    assert set(report["summary"]) == {
        "move",
        "remove",
        "replace",
        "may_replace",
        "update",
        "add",
        "blocking",
    }
    [prod] = [s for s in report["stacks"] if s["name"] == "hub-and-spoke-prod-app"]
    assert prod["environment"] == "222222222222/us-east-1"
    assert prod["status"] == "changed"
    vpc = next(c for c in prod["changes"] if c["type"] == "AWS::EC2::VPC")
    assert vpc == {
        "logical_id": vpc["logical_id"],
        "type": "AWS::EC2::VPC",
        "action": "replace",
        "reasons": ["CidrBlock: 10.1.0.0/16 -> 10.9.0.0/16"],
        "notes": [],
        "allowed": False,
        "blocking": True,
        # Whole values, never cut.
        "values": [{"property": "CidrBlock", "before": "10.1.0.0/16", "after": "10.9.0.0/16"}],
    }
    assert {"stack": prod["name"], "logical_id": vpc["logical_id"], "action": "replace"} in (
        report["blocking"]
    )


def test_markdown(outs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(outs["before"]), str(outs["cidr"]), "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("## multivpc diff\n")
    assert "### hub-and-spoke-prod-app (222222222222/us-east-1)" in out
    assert "| action | type | logical id | why |" in out
    assert "| **replace** | `AWS::EC2::VPC` |" in out


def test_allow_replace_turns_exit_1_into_0(
    outs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["diff", str(outs["before"]), str(outs["cidr"]), "--json"])
    blocking = json.loads(capsys.readouterr().out)["blocking"]
    allow = [arg for c in blocking for arg in ("--allow-replace", c["logical_id"])]
    assert main(["diff", str(outs["before"]), str(outs["cidr"]), *allow]) == 0
    assert "allowed by --allow-replace" in capsys.readouterr().out


def test_the_same_folder_twice_has_no_changes(
    outs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(outs["before"]), str(outs["before"])]) == 0
    assert "summary: no changes" in capsys.readouterr().out


def test_a_missing_side_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert main(["diff", str(missing), str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: no such folder or file" in err
    assert "Traceback" not in err


def test_a_folder_without_templates_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["diff", str(tmp_path / "empty"), str(tmp_path / "empty")]) == 2
    assert "no CloudFormation templates" in capsys.readouterr().err


def test_an_invalid_config_prints_its_findings_and_exits_2(
    tmp_path: Path, outs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["vpcs"][1]["cidr"] = data["vpcs"][0]["cidr"]  # two VPCs overlap
    bad = _write(tmp_path / "bad.yaml", data)
    assert main(["diff", str(outs["before"]), str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:" in err and "overlaps" in err
    assert "Traceback" not in err


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_a_git_ref_side_is_read_with_git_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    config = repo / "network.yaml"
    config.write_text((ROOT / "examples" / "single-vpc.yaml").read_text(), encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "network.yaml")
    _git(repo, "commit", "-qm", "network")
    data = yaml.safe_load(config.read_text())
    data["vpcs"][0]["cidr"] = "10.7.0.0/16"
    for group in data["vpcs"][0]["subnets"]:
        group["cidr"] = group["cidr"].replace("10.0.", "10.7.", 1)
    _write(config, data, lock_of=None)
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD:network.yaml", "network.yaml", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["before"] == "HEAD:network.yaml"
    assert report["summary"]["replace"] > 0
    assert main(["diff", "HEAD:network.yaml", "HEAD:network.yaml"]) == 0
    capsys.readouterr()
    assert main(["diff", "HEAD:nothing.yaml", "network.yaml"]) == 2
    assert "git show HEAD:nothing.yaml says:" in capsys.readouterr().err


def test_the_readme_example_output_is_what_the_diff_prints(
    outs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    block = readme.split("prints, among others:\n\n```\n", 1)[1].split("```\n", 1)[0]
    main(["diff", str(outs["before"]), str(outs["cidr"])])
    printed = capsys.readouterr().out.splitlines()
    for line in block.splitlines():
        if line.strip() == "...":
            continue
        if line.startswith("blocked: "):
            head, tail = line.split("...", 1)
            assert any(p.startswith(head) and p.endswith(tail) for p in printed), line
        else:
            assert line in printed, line


def test_a_git_ref_side_reads_the_lock_committed_beside_its_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lock whose ranges differ from what allocating afresh gives: the ref side must use
    it, or the same config at HEAD and in the work tree would differ."""
    repo = tmp_path / "repo"
    repo.mkdir()
    example = ROOT / "examples" / "address-pools.yaml"
    config = repo / "network.yaml"
    config.write_text(example.read_text(), encoding="utf-8")
    moved = lock_path(example).read_text().replace("10.66.", "10.67.")  # shared: 10.67.0.0/20
    lock_path(config).write_text(moved, encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "network.yaml", "network.lock.yaml")
    _git(repo, "commit", "-qm", "network")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("CI", raising=False)  # the work tree may allocate
    assert main(["diff", "HEAD:network.yaml", "network.yaml", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["replace"] == 0
    lock_path(config).unlink()  # the work tree allocates afresh: shared moves to 10.66.0.0/20
    assert main(["diff", "HEAD:network.yaml", "network.yaml", "--json"]) == 1


def test_growth_across_a_routing_shard_boundary_moves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One routing stack full to its budget, then one spoke more: with the shards locked,
    the diff adds a routing stack and moves nothing (without the lock every spoke's routing
    would move to two new stacks)."""
    from tests.plan.test_plan_edges import FOUR, sharded

    monkeypatch.delenv("CI", raising=False)  # the lock is written here, as a user would
    before, after = tmp_path / "before" / "net.yaml", tmp_path / "after" / "net.yaml"
    before.parent.mkdir()
    after.parent.mkdir()
    before.write_text(sharded(FOUR, 379).yaml(), encoding="utf-8")
    assert main(["plan", str(before), "--write-lock"]) == 0
    after.write_text(sharded([*FOUR, "spoke-2"], 379).yaml(), encoding="utf-8")
    lock_path(after).write_text(lock_path(before).read_text(), encoding="utf-8")
    assert main(["plan", str(after), "--write-lock"]) == 0
    capsys.readouterr()
    assert main(["diff", str(before), str(after), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["move"] == 0 and report["summary"]["replace"] == 0
    added = {s["name"] for s in report["stacks"] if s["status"] == "added"}
    assert added == {"net-spoke-2", "net-tgw-hub-routing-1"}
