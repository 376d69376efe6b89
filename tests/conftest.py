"""Shared fixtures. Synthesized apps are cached per session: every synth costs jsii time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

# Before aws_cdk starts its node process: CDK's own template validation costs ~3 s per
# process and is covered by the end-to-end test instead.
os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import pytest

from multivpc.config import NetworkConfig
from multivpc.feature_flags import app_context
from multivpc.plan import NetworkPlan, plan
from multivpc.topology import topology
from tests.support.cdk_cli import ROOT, cdk_cli_env

__all__ = ["ROOT", "cdk_cli_env"]

EXAMPLES = sorted(
    path for path in (ROOT / "examples").glob("*.yaml") if not path.name.endswith(".lock.yaml")
)
"""Every example config; address lock files (``NAME.lock.yaml``) sit beside them."""

Templates = dict[str, dict[str, Any]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first (deploy and end-to-end: 30-50 s each, the rest mostly under
    one): with two workers fed one test at a time, they start at once on both workers and
    never trail at the end of the run. The order is otherwise kept."""
    items.sort(
        key=lambda item: (
            0 if item.get_closest_marker("deploy") or item.get_closest_marker("e2e") else 1
        )
    )


def run_multivpc(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m multivpc.cli ARGS`` as a user runs it, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "multivpc.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )


def run_cdk_app(cwd: Path, context: dict[str, object]) -> subprocess.CompletedProcess[str]:
    """``python -m multivpc.cdk_app`` as the CDK CLI starts it (context in
    CDK_CONTEXT_JSON, templates into ``cwd/cdk.out``), validation off as in snapshots."""
    env = {
        **os.environ,
        "CDK_CONTEXT_JSON": json.dumps(context),
        "CDK_OUTDIR": str(cwd / "cdk.out"),
        "CDK_VALIDATION": "false",
    }
    return subprocess.run(
        [sys.executable, "-m", "multivpc.cdk_app"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def snapshot_templates(example: str) -> dict[str, Any]:
    """The committed templates of an example (recorded by `make snapshot-update`)."""
    folder = ROOT / "tests" / "stacks" / "__snapshots__" / "test_snapshots"
    path = folder / f"test_example_templates_match_snapshot[{example}].json"
    snapshot: dict[str, Any] = json.loads(path.read_text())
    return snapshot


def plan_of(config: NetworkConfig) -> NetworkPlan:
    """The plan of a config that passed the rules."""
    return plan(topology(config))


CDK_CONTEXT = app_context(ROOT / "cdk.json")
"""multivpc's feature flags under cdk.json's context: what `npx cdk synth` applies, so
in-process synths and snapshots show what users get."""


def synthesize(
    config: NetworkConfig, *, checks: bool = True, context: dict[str, Any] | None = None
) -> Templates:
    """Synthesize a config in-process, with cdk.json's feature flags (and ``context``);
    returns {stack name: template}."""
    import aws_cdk as cdk

    from multivpc.stacks import add_network

    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir, context={**CDK_CONTEXT, **(context or {})})
        add_network(app, plan_of(config), checks=checks)
        assembly = app.synth()
        return {
            stack.stack_name: json.loads(Path(stack.template_full_path).read_text())
            for stack in assembly.stacks
        }


def joined(value: Any, partition: str = "aws") -> Any:
    """``value`` with each ``Fn::Join`` of strings and ``AWS::Partition`` written out as the
    string it makes (the partition as ``partition``); anything else left as it is."""
    if isinstance(value, list):
        return [joined(item, partition) for item in value]
    if not isinstance(value, dict):
        return value
    if value == {"Ref": "AWS::Partition"}:
        return partition
    if set(value) == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        parts = joined(parts, partition)
        if all(isinstance(part, str) for part in parts):
            return str(separator).join(parts)
        return {"Fn::Join": [separator, parts]}
    return {key: joined(item, partition) for key, item in value.items()}


def sdk_role(region: str, stack: str) -> str:
    """The SDK-call role a stack creates, named as the README says: ``mvpc-sdk-`` and the
    crc32 of ``region/stack`` in hex (written here, not imported, as the tests' oracle)."""
    return f"mvpc-sdk-{zlib.crc32(f'{region}/{stack}'.encode()):08x}"


def ssm_parameter_read(template: dict[str, Any], value: Any) -> str | None:
    """The SSM parameter ``value`` reads, when it is a ``Ref`` to a template parameter of an
    SSM parameter type (how a stack reads an id of its own account and region); else None."""
    if not (isinstance(value, dict) and set(value) == {"Ref"}):
        return None
    parameter = template.get("Parameters", {}).get(value["Ref"])
    if parameter is None or not parameter["Type"].startswith("AWS::SSM::Parameter::Value<"):
        return None
    return str(parameter["Default"])


def changed_resources(before: Templates, after: Templates) -> list[str]:
    """``stack/logical id`` of every resource of ``before`` that ``after`` changes or
    lacks."""
    return [
        f"{stack}/{logical_id}"
        for stack, template in before.items()
        for logical_id, resource in template["Resources"].items()
        if after.get(stack, {}).get("Resources", {}).get(logical_id) != resource
    ]


@pytest.fixture(scope="session")
def example_templates() -> dict[str, Templates]:
    """Every example, synthesized once with cdk-nag on: {example file stem: templates}."""
    from multivpc.load import load_config

    return {path.stem: synthesize(load_config(path)) for path in EXAMPLES}
