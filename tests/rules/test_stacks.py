"""Stack rules on the plan: one object per stack name, names CloudFormation accepts."""

from __future__ import annotations

import dataclasses

import pytest

from multivpc.rules import stacks
from tests.rules.cases import Case, case_tests
from tests.support.builder import NetworkBuilder, network

LONGEST_NAME = "a" * 48
"""The longest name the config accepts."""


def beside_a_peering(
    vpc: str, *, name: str = "test", peering: str = "x", shared_account: str = "network"
) -> NetworkBuilder:
    """VPCs app and shared (in ``shared_account``) joined by VPC peering ``peering``, and a
    third VPC ``vpc``."""
    return (
        network(name)
        .top(
            peerings=[{"name": peering, "requester": {"vpc": "app"}, "accepter": {"vpc": "shared"}}]
        )
        .vpc("app", cidr="10.0.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
        .vpc("shared", cidr="10.1.0.0/16", nat="none", account=shared_account)
        .group("private", tier="isolated")
        .drop_group("public")
        .vpc(vpc, cidr="10.2.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
    )


def at_the_limit(sources: int) -> NetworkBuilder:
    """One VPC across six AZs with 15 isolated groups, S3 and SSM endpoints and ``sources``
    sources: 500 resources with 16 sources (its synthesized template says so, in
    tests/plan/test_resources.py)."""
    zones = [f"us-east-1{letter}" for letter in "abcdef"]
    groups = [
        {"name": f"g{i}", "tier": "isolated", "cidr": f"10.0.{16 * i}.0/20", "prefix_length": 23}
        for i in range(15)
    ]
    return network().vpc(
        "app",
        nat="none",
        availability_zones=zones,
        groups=groups,
        endpoints={
            "gateway": ["s3"],
            "interface": ["ssm"],
            "sources": [f"10.{100 + i}.0.0/16" for i in range(sources)],
        },
    )


CASES = {
    "stack-names": Case(
        beside_a_peering("peering-y"),
        beside_a_peering("peering-x"),
        "peerings[x]: its stack test-peering-x has the name of a stack of vpcs[peering-x]; "
        "rename one of the two (vpcs[peering-x] or peerings[x])",
    ),
    "stack-resources": Case(
        at_the_limit(16),
        at_the_limit(17),
        "vpcs[app]: stack test-app would hold 501 resources, more than CloudFormation's 500 "
        "per stack; split the VPC's subnet groups or zones over two VPCs",
    ),
}

test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


def test_the_longest_names_give_stack_names_within_128() -> None:
    loaded = beside_a_peering(
        LONGEST_NAME[:-1] + "b", name=LONGEST_NAME, peering=LONGEST_NAME, shared_account="apps"
    ).load()
    longest = max(len(s.name) for s in loaded.network_plan().stacks)
    # network + "-peering-" + peering + "-accepter-routes" (across accounts: three stacks)
    assert longest == 48 + 9 + 48 + 16 <= stacks.STACK_NAME_LENGTH


@pytest.mark.parametrize(("length", "reported"), [(128, False), (129, True)])
def test_stack_name_length_boundary(length: int, reported: bool) -> None:
    loaded = beside_a_peering("other").load()
    network = loaded.network_plan()
    first = network.stacks[0]
    renamed = dataclasses.replace(first, name="n" * length)
    edited = dataclasses.replace(network, stacks=(renamed, *network.stacks[1:]))
    findings = list(stacks.stack_names.check(loaded.topology, edited))
    assert bool(findings) is reported, findings
    if reported:
        assert findings[0].path == stacks.origin(first)
        assert "has 129 characters, more than CloudFormation's 128" in findings[0].problem


@pytest.mark.parametrize(("name", "valid"), [("a-1B", True), ("1a", False), ("a_b", False)])
def test_stack_name_pattern(name: str, valid: bool) -> None:
    loaded = beside_a_peering("other").load()
    network = loaded.network_plan()
    edited = dataclasses.replace(
        network, stacks=(dataclasses.replace(network.stacks[0], name=name), *network.stacks[1:])
    )
    assert (list(stacks.stack_names.check(loaded.topology, edited)) == []) is valid


def test_a_vpc_named_like_a_hub_stack_clashes_with_the_transit_gateway() -> None:
    builder = (
        network()
        .top(transit_gateways=[{"name": "hub", "segments": [{"name": "apps"}]}])
        .vpc("tgw-hub", cidr="10.0.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
    )
    findings = [f for f in builder.findings() if f.startswith("stack-names ")]
    assert len(findings) == 1, findings
    assert "stack test-tgw-hub has the name of a stack of" in findings[0]
    assert "transit_gateways[hub]" in findings[0] and "vpcs[tgw-hub]" in findings[0]
