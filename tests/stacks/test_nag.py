"""cdk-nag on every synth: AwsSolutions always, compliance packs on request, and every
finding the constructs cause on purpose acknowledged with a reason."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk import aws_ec2 as ec2

from multivpc.cdk_app import nag_packs
from multivpc.load import load_network
from multivpc.plan import plan
from multivpc.stacks import add_network
from multivpc.vocabulary import NagPack
from tests.conftest import EXAMPLES
from tests.support.builder import base

ALL_PACKS: tuple[NagPack, ...] = ("nist-800-53-r5", "hipaa-security", "pci-dss-3.2.1")
SHARED = {"IAMNoInlinePolicy", "LambdaInsideVPC", "VPCDefaultSecurityGroupClosed",
          "VPCNoUnrestrictedRouteToIGW"}  # fmt: skip
# What each pack finds on the examples, all acknowledged in the constructs (written down).
ACKNOWLEDGED = {
    "NIST.800.53.R5": SHARED | {"LambdaConcurrency", "LambdaDLQ"},
    "HIPAA.Security": SHARED | {"LambdaConcurrency", "LambdaDLQ"},
    "PCI.DSS.321": SHARED,
}


def _raw(example: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(example.read_text())
    return data


# Read from each example's YAML, so a new example needs no entry here. Without a public
# subnet group there is no route to an internet gateway to acknowledge.
WITHOUT_INTERNET = {
    example.stem
    for example in EXAMPLES
    if not any(g["tier"] == "public" for v in _raw(example)["vpcs"] for g in v["subnets"])
}
# Examples with Transit Gateway routing: their custom-resource functions hold IAM
# wildcards that AwsSolutions finds (IAM5) and the constructs acknowledge.
WITH_INLINE_FUNCTIONS = {
    example.stem for example in EXAMPLES if _raw(example).get("transit_gateways")
}


def _report(app: cdk.App, outdir: str) -> dict[str, Any]:
    try:
        app.synth()
    except RuntimeError as error:
        assert "ValidationFailed" in str(error)
    report: dict[str, Any] = json.loads((Path(outdir) / "validation-report.json").read_text())
    return {p["pluginName"]: p for p in report["pluginReports"]}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_compliance_packs_find_only_acknowledged_things(example: Path) -> None:
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir)
        add_network(app, plan(load_network(example).topology), extra_nag_packs=ALL_PACKS)
        plugins = _report(app, outdir)
    # AwsSolutions reports only when it has something to say: acknowledged findings.
    assert set(plugins) - {"AwsSolutions"} == set(ACKNOWLEDGED)
    if "AwsSolutions" in plugins:
        report = plugins["AwsSolutions"]
        assert report["violations"] == []
        assert all(len(v["reason"]) > 30 for v in report["suppressedViolations"])
    if example.stem in WITH_INLINE_FUNCTIONS:
        rules = {
            v["ruleName"].split("[", 1)[0] for v in plugins["AwsSolutions"]["suppressedViolations"]
        }
        assert "AwsSolutions-IAM5" in rules
    for pack, acknowledged in ACKNOWLEDGED.items():
        expected = acknowledged
        if example.stem in WITHOUT_INTERNET:
            expected = acknowledged - {"VPCNoUnrestrictedRouteToIGW"}
        assert plugins[pack]["conclusion"] == "success"
        assert plugins[pack]["violations"] == []
        suppressed = plugins[pack]["suppressedViolations"]
        assert {v["ruleName"].split("-", 1)[1] for v in suppressed} == expected
        assert all(len(v["reason"]) > 30 for v in suppressed), suppressed


def test_aws_solutions_runs_on_every_synth() -> None:
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir)
        [stack] = add_network(app, plan(base().load().topology))
        ec2.CfnVPC(stack, "Unlogged", cidr_block="10.9.0.0/16")  # no flow logs: AwsSolutions-VPC7
        plugins = _report(app, outdir)
    assert plugins["AwsSolutions"]["conclusion"] == "failure"
    [violation] = plugins["AwsSolutions"]["violations"]
    assert violation["ruleName"] == "AwsSolutions-VPC7"


def test_config_nag_packs_turn_a_pack_on() -> None:
    builder = base().top(nag_packs=["nist-800-53-r5"]).group("public", map_public_ip_on_launch=True)
    network = plan(builder.load().topology)
    assert network.nag_packs == ("nist-800-53-r5",)
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir)
        add_network(app, network)
        plugins = _report(app, outdir)
    nist = plugins["NIST.800.53.R5"]
    assert nist["conclusion"] == "failure"
    rules = {v["ruleName"] for v in nist["violations"]}
    assert rules == {"NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled"}
    assert "HIPAA.Security" not in plugins


def test_checks_off_runs_no_plugin() -> None:
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir)
        [stack] = add_network(app, plan(base().load().topology), checks=False)
        ec2.CfnVPC(stack, "Unlogged", cidr_block="10.9.0.0/16")
        app.synth()
        assert not (Path(outdir) / "validation-report.json").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        ("", []),
        ("pci-dss-3.2.1, nist-800-53-r5", ["nist-800-53-r5", "pci-dss-3.2.1"]),
        (",".join(ALL_PACKS), list(ALL_PACKS)),
    ],
)
def test_nag_packs_context_value(value: str | None, expected: list[str]) -> None:
    assert nag_packs(value) == expected


def test_unknown_nag_pack_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown pack nist; use any of nist-800-53-r5, hipaa"):
        nag_packs("nist")


def test_the_example_lists_read_from_the_configs() -> None:
    # What the lists held when they were written by hand, plus multi-account.
    assert {
        "hub-and-spoke",
        "tgw-peering",
        "local-endpoints",
        "peering",
        "multi-account",
    } == WITHOUT_INTERNET
    assert {"hub-and-spoke", "tgw-peering", "multi-account"} == WITH_INLINE_FUNCTIONS
