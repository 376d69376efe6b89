"""The `multivpc` command as a user runs it: exit codes, one line per finding, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, run_multivpc
from tests.support.builder import base, network

_run = run_multivpc


def test_validate_examples_prints_one_summary_each() -> None:
    result = _run("validate", *[str(p.relative_to(ROOT)) for p in EXAMPLES])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(EXAMPLES)
    assert "examples/single-vpc.yaml: ok: network single-vpc, 1 VPC, 9 subnets" in result.stdout
    assert (
        "examples/local-zones.yaml: ok: network local-zones, 1 VPC, 8 subnets (2 in Local Zones)"
        in result.stdout
    )


def test_overlapping_vpcs_exit_2_with_one_line_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "overlap.yaml"
    both = network().vpc("app-prod", cidr="10.0.0.0/16").vpc("app-dev", cidr="10.0.0.0/16")
    path.write_text(both.yaml())
    result = _run("validate", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    overlap = [
        line
        for line in result.stderr.splitlines()
        if "overlaps" in line and "app-dev" in line and "app-prod" in line
    ]
    assert len(overlap) == 1
    assert overlap[0].startswith(f"{path}:")
    assert (
        "vpcs[app-dev].cidr: 10.0.0.0/16 overlaps vpcs[app-prod] 10.0.0.0/16; pick a free range"
        in overlap[0]
    )


def test_valid_and_invalid_files_together(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    result = _run("validate", str(EXAMPLES[0]), str(broken), str(tmp_path / "missing.yaml"))
    assert result.returncode == 2
    assert "ok: network" in result.stdout
    errors = result.stderr.splitlines()
    assert len(errors) == 2 and "Traceback" not in result.stderr
    assert errors[0].startswith(f"{broken}:2: YAML syntax error")
    assert "missing.yaml: cannot read the file" in errors[1]


def test_synth_refuses_invalid_config_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(base().set(cidr="10.0.0.0/8").yaml())
    out = tmp_path / "out"
    result = _run("synth", str(path), "--out", str(out))
    assert result.returncode == 2
    assert "vpcs[app].cidr: 10.0.0.0/8 is a /8" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("flags", "file"),
    [((), "multivpc.schema.json"), (("--lock",), "lock/multivpc-lock.schema.json")],
)
def test_schema_file_is_in_sync(flags: tuple[str, ...], file: str) -> None:
    result = _run("schema", *flags)
    assert result.returncode == 0
    committed = (ROOT / "schema" / file).read_text()
    assert result.stdout == committed, f"run `make schema` and commit schema/{file}"


def test_cdk_app_refuses_invalid_config_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(base().set(availability_zones=["us-east-1a", "eu-west-1b"]).yaml())
    out = tmp_path / "cdk.out"
    # What `npx cdk synth -c config=...` hands to app.py.
    env = {
        **os.environ,
        "CDK_CONTEXT_JSON": json.dumps({"config": str(path)}),
        "CDK_OUTDIR": str(out),
    }
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "eu-west-1b is in eu-west-1, not in the VPC's region us-east-1" in result.stderr
    assert not list(out.glob("*.template.json"))


def test_synth_writes_templates_with_checks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _run("synth", "examples/local-zones.yaml", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"examples/local-zones.yaml: synthesized 1 stack into {out}"
    template = json.loads((out / "local-zones-media.template.json").read_text())
    zones = {
        r["Properties"]["AvailabilityZone"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::EC2::Subnet"
    }
    assert zones == {"us-west-2a", "us-west-2b", "us-west-2-lax-1a"}
    report = json.loads((out / "validation-report.json").read_text())
    # AwsSolutions runs (tests/stacks/test_nag.py proves it fails synth on a finding) and
    # reports nothing: every plugin that reports at all concludes success.
    assert all(p["conclusion"] == "success" for p in report["pluginReports"]), report


def _warned_config(tmp_path: Path) -> Path:
    """A valid config with one warning-level finding (a NAT gateway in a Local Zone)."""
    zones = ["us-east-1a", "us-east-1b", "us-east-1-bos-1a"]
    path = tmp_path / "warned.yaml"
    path.write_text(
        base()
        .set(local_zones=[{"name": "us-east-1-bos-1a", "nat_gateway": True}])
        .group("public", zones=zones)
        .yaml()
    )
    return path


WARNING = (
    "warning: {path}:30: vpcs[app].local_zones[us-east-1-bos-1a].nat_gateway: NAT gateway "
    "availability varies per Local Zone; us-east-1-bos-1a may not offer one; check the Local "
    "Zone's features page before deploying, or set nat_gateway: false to route through a NAT "
    "gateway of the region"
)


def test_warnings_print_and_exit_0(tmp_path: Path) -> None:
    path = _warned_config(tmp_path)
    result = _run("validate", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [WARNING.format(path=path)]
    assert result.stdout.strip().endswith("3 NAT gateways, 1 stack, 1 warning")


def test_strict_turns_warnings_into_failures(tmp_path: Path) -> None:
    path = _warned_config(tmp_path)
    result = _run("validate", "--strict", str(path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [WARNING.format(path=path)]
    assert result.stdout == ""


def test_strict_passes_a_config_without_findings() -> None:
    result = _run("validate", "--strict", *[str(p.relative_to(ROOT)) for p in EXAMPLES])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_errors_and_warnings_are_reported_together(tmp_path: Path) -> None:
    path = _warned_config(tmp_path)
    path.write_text(path.read_text().replace("account: network", "account: nowhere"))
    result = _run("validate", str(path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"warning: {path}:30:") for line in lines), lines
    assert any("account nowhere is not defined" in line for line in lines), lines


def test_billion_laughs_exits_2_quickly_and_small(tmp_path: Path) -> None:
    from tests.config.test_limits import BILLION_LAUGHS

    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    # `multivpc validate`, then the process's peak memory in KiB (VmHWM: Linux only; not
    # ru_maxrss, which keeps the high-water mark of the pytest process it was forked from).
    script = (
        "import re, sys\n"
        "from pathlib import Path\n"
        "from multivpc.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "print(re.search(r'VmHWM:\\s*(\\d+) kB', Path('/proc/self/status').read_text())[1])\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=10,  # it used to run until killed
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"{path}:6: aliases repeat more than 100,000 values, the limit that stops alias bombs "
        "(here *e); write the shared values out, or reuse anchors less"
    ]
    assert int(result.stdout) < 200 * 1024, f"peak memory {result.stdout.strip()} KiB"


def test_json_trailing_comma_exits_2_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "network.json"
    path.write_text('{\n  "name": "x",\n  "accounts": {"network": "111111111111",}\n}\n')
    result = _run("validate", str(path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{path}:3: JSON syntax error at column 41: a trailing comma before }}; remove the "
        "comma (JSON allows no trailing commas)"
    ]


def _open_ssh(tmp_path: Path, internet_facing: bool) -> Path:
    path = tmp_path / "ssh.yaml"
    group: dict[str, object] = {
        "name": "bastion",
        "description": "Bastion",
        "ingress": [
            {"protocol": "tcp", "port": 22, "peer": "0.0.0.0/0", "description": "SSH from anywhere"}
        ],
    }
    if internet_facing:
        group["internet_facing"] = True
    path.write_text(base().set(security_groups=[group]).yaml())
    return path


def test_validate_refuses_ssh_open_to_the_internet_naming_the_rule(tmp_path: Path) -> None:
    path = _open_ssh(tmp_path, internet_facing=False)
    result = _run("validate", str(path))
    assert result.returncode == 2
    finding = "security_groups[bastion].ingress[0]: security group bastion admits tcp port 22"
    assert f"{finding} with 0.0.0.0/0, the whole internet" in result.stderr
    assert "Traceback" not in result.stderr


def test_synth_that_fails_its_checks_says_so_without_a_traceback(tmp_path: Path) -> None:
    """internet_facing turns the error into a warning; cdk-nag still reports port 22 open to
    the internet, and the synth ends with exit 2, a line per finding and where the report
    is (CloudFormation's own validation adds W2508 when CDK_VALIDATION is on)."""
    path = _open_ssh(tmp_path, internet_facing=True)
    out = tmp_path / "out"
    result = _run("synth", str(path), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    [start] = [i for i, line in enumerate(lines) if "the synthesized templates fail" in line]
    assert lines[start].startswith(f"{path}: the synthesized templates fail ")
    rule = "app/SecurityGroups/bastion-In-tcp-22-From-0-0-0-0-0"
    assert lines[start + 1].startswith("  AwsSolutions-EC23: ") and rule in lines[start + 1]
    assert lines[-1].endswith(f"the report: {out.resolve() / 'validation-report.json'}")
