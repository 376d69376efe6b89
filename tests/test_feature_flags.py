"""multivpc's CDK feature flags are part of its app: a config repository without them in
its cdk.json gets the templates this checkout snapshots, and a cdk.json that overrides one
is warned about."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from multivpc.feature_flags import FEATURE_FLAGS, app_context, overridden
from tests.conftest import ROOT, run_cdk_app, snapshot_templates

EXAMPLE = ROOT / "examples" / "single-vpc.yaml"
FLAG = "@aws-cdk/aws-iam:minimizePolicies"


def _templates(out: Path) -> dict[str, Any]:
    return {
        path.name.removesuffix(".template.json"): json.loads(path.read_text())
        for path in sorted(out.glob("*.template.json"))
    }


def test_app_without_cdk_json_flags_synthesizes_the_snapshot(tmp_path: Path) -> None:
    result = run_cdk_app(tmp_path, {"config": str(EXAMPLE)})
    assert result.returncode == 0, result.stderr
    assert "feature flag" not in result.stderr
    assert _templates(tmp_path / "cdk.out") == snapshot_templates("single-vpc")


def test_the_flags_change_templates() -> None:
    """Without them the same config synthesizes other templates: the test above would
    catch an app that dropped them."""
    import aws_cdk as cdk

    from multivpc.load import load_network
    from multivpc.stacks import add_network

    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir)
        add_network(app, load_network(EXAMPLE).network_plan(), checks=False)
        app.synth()
        bare = _templates(Path(outdir))
    assert bare.keys() == snapshot_templates("single-vpc").keys()
    assert bare != snapshot_templates("single-vpc")


def test_a_cdk_json_entry_that_differs_is_warned_about_and_wins(tmp_path: Path) -> None:
    result = run_cdk_app(tmp_path, {"config": str(EXAMPLE), FLAG: False})
    assert result.returncode == 0, result.stderr
    assert (
        f"warning: the CDK context sets feature flag {FLAG} to false; multivpc builds and "
        "tests its templates with true, so they differ from the documented ones. Fix: "
        "remove the entry from cdk.json (or -c)."
    ) in result.stderr.splitlines()
    assert _templates(tmp_path / "cdk.out") != snapshot_templates("single-vpc")


def test_an_entry_with_the_same_value_is_quiet() -> None:
    context = {**FEATURE_FLAGS, "config": "x.yaml"}
    assert overridden(context.get) == []


def test_every_differing_flag_is_named_once() -> None:
    context = {**FEATURE_FLAGS, FLAG: False, "@aws-cdk/core:target-partitions": ["aws"]}
    lines = overridden(context.get)
    assert len(lines) == 2
    assert [FLAG in line for line in lines].count(True) == 1
    assert any('to ["aws"]; ' in line for line in lines)


def test_app_context_lays_cdk_json_over_the_flags(tmp_path: Path) -> None:
    assert app_context(tmp_path / "absent.json") == dict(FEATURE_FLAGS)
    cdk_json = tmp_path / "cdk.json"
    cdk_json.write_text(json.dumps({"app": "x", "context": {FLAG: False, "config": "n.yaml"}}))
    assert app_context(cdk_json) == {**FEATURE_FLAGS, FLAG: False, "config": "n.yaml"}
    cdk_json.write_text("not json")
    assert app_context(cdk_json) == dict(FEATURE_FLAGS)


def test_the_checkout_cdk_json_sets_no_flag() -> None:
    """One place for the flags: the checkout's cdk.json relies on the app's."""
    context = json.loads((ROOT / "cdk.json").read_text()).get("context", {})
    assert not set(context) & set(FEATURE_FLAGS)
