"""End to end through the real CDK CLI, with CDK's built-in template validation on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(shutil.which("npx") is None, reason="needs Node.js (npx)")
def test_cdk_cli_synth_local_zones(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CDK_VALIDATION"} and not key.startswith("AWS_")
    }
    env.update(
        CDK_DISABLE_VERSION_CHECK="1",
        CDK_DISABLE_CLI_TELEMETRY="true",
        AWS_EC2_METADATA_DISABLED="true",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        # No credentials anywhere: synth must not need them.
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
    )
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
    assert plugins["AwsSolutions"]["conclusion"] == "success"
    assert plugins["CloudFormation Validate"]["conclusion"] == "success", "built-in validation ran"
    manifest = json.loads((out / "manifest.json").read_text())
    assert "missing" not in manifest, "synth recorded a context lookup"
