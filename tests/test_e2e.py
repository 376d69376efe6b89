"""End to end through the real CDK CLI, with CDK's built-in template validation on."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, cdk_cli_env

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(shutil.which("npx") is None, reason="needs Node.js (npx)")
def test_cdk_cli_synth_local_zones(tmp_path: Path) -> None:
    # No credentials anywhere: synth must not need them.
    env = cdk_cli_env(tmp_path)
    out = tmp_path / "cdk.out"
    result = subprocess.run(
        [
            "npx",
            "--no-install",
            "cdk",
            "synth",
            "--quiet",
            "--no-notices",
            "--output",
            str(out),
            "-c",
            "config=examples/local-zones.yaml",
            "-c",
            "nag_packs=nist-800-53-r5,hipaa-security,pci-dss-3.2.1",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    template = json.loads((out / "local-zones-media.template.json").read_text())
    resources = template["Resources"].values()
    local = [
        r
        for r in resources
        if r["Type"] == "AWS::EC2::Subnet"
        and r["Properties"]["AvailabilityZone"] == "us-west-2-lax-1a"
    ]
    assert len(local) == 2
    report = json.loads((out / "validation-report.json").read_text())
    plugins = {p["pluginName"]: p for p in report["pluginReports"]}
    # Every compliance pack ran and found only what the constructs acknowledge, with reasons.
    for pack in ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"):
        assert plugins[pack]["conclusion"] == "success", plugins[pack]
        assert plugins[pack]["suppressedViolations"], pack
    assert "AwsSolutions" not in plugins or plugins["AwsSolutions"]["conclusion"] == "success"
    assert plugins["CloudFormation Validate"]["conclusion"] == "success", "built-in validation ran"
    manifest = json.loads((out / "manifest.json").read_text())
    assert "missing" not in manifest, "synth recorded a context lookup"
