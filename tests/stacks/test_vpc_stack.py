"""Stacks built from configs: env, determinism, identity stability, Local Zones."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from multivpc.load import load_config
from tests.conftest import EXAMPLES, Templates, plan_of, synthesize
from tests.support.builder import base, network, standard_groups


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_one_stack_per_vpc_named_after_network_and_vpc(
    example_templates: dict[str, Templates],
) -> None:
    assert sorted(example_templates["single-vpc"]) == ["single-vpc-app"]
    assert sorted(example_templates["local-zones"]) == ["local-zones-media"]


def test_stack_env_comes_from_config() -> None:
    import aws_cdk as cdk

    from multivpc.stacks import add_network

    app = cdk.App()
    [stack] = add_network(app, plan_of(base().build()), checks=False)
    assert (stack.account, stack.region) == ("111111111111", "us-east-1")


def test_local_zone_example_places_subnets_but_no_nat_there(
    example_templates: dict[str, Templates],
) -> None:
    template = Template.from_json(example_templates["local-zones"]["local-zones-media"])
    subnets = template.find_resources(
        "AWS::EC2::Subnet", {"Properties": {"AvailabilityZone": "us-west-2-lax-1a"}}
    )
    assert len(subnets) == 2
    template.resource_count_is("AWS::EC2::NatGateway", 1)
    nat_subnets = [
        nat["Properties"]["SubnetId"]["Ref"]
        for nat in template.find_resources("AWS::EC2::NatGateway").values()
    ]
    raw = example_templates["local-zones"]["local-zones-media"]["Resources"]
    assert [raw[s]["Properties"]["AvailabilityZone"] for s in nat_subnets] == ["us-west-2a"]


def test_single_vpc_example_has_nat_per_az(example_templates: dict[str, Templates]) -> None:
    template = Template.from_json(example_templates["single-vpc"]["single-vpc-app"])
    template.resource_count_is("AWS::EC2::NatGateway", 3)
    template.resource_count_is("AWS::EC2::Subnet", 9)
    template.has_resource_properties(
        "AWS::EC2::VPC", {"CidrBlock": "10.0.0.0/16", "EnableDnsHostnames": True}
    )
    template.has_resource_properties(
        "AWS::Logs::LogGroup", {"RetentionInDays": 365, "KmsKeyId": Match.any_value()}
    )


def test_two_synths_are_byte_identical() -> None:
    config = load_config(EXAMPLES[0])
    first = json.dumps(synthesize(config, checks=False), sort_keys=False)
    second = json.dumps(synthesize(config, checks=False), sort_keys=False)
    assert first == second


def _subnets_by_id(templates: Templates) -> dict[str, str]:
    [template] = templates.values()
    return {
        k: v["Properties"]["CidrBlock"] for k, v in _resources(template, "AWS::EC2::Subnet").items()
    }


def _unchanged(before: Templates, after: Templates) -> list[str]:
    """Logical IDs present before whose resource changed in any way after."""
    [old] = before.values()
    [new] = after.values()
    return [
        logical_id
        for logical_id, resource in old["Resources"].items()
        if new["Resources"].get(logical_id) != resource
    ]


def test_adding_a_zone_keeps_existing_subnets() -> None:
    before = synthesize(base().build(), checks=False)
    added = base().set(availability_zones=["us-east-1c", "us-east-1a", "us-east-1b"])
    after = synthesize(added.build(), checks=False)
    old, new = _subnets_by_id(before), _subnets_by_id(after)
    assert {k: new.get(k) for k in old} == old
    assert len(new) == len(old) + 2
    changed = _unchanged(before, after)
    # Only the published subnet lists of the grown groups change, in place (a parameter's
    # value is no create-only property): they now name the new zone's subnets too.
    assert sorted(changed) == [
        "PublishedprivateSubnetIds356B54B0",
        "PublishedpublicSubnetIdsB239AE91",
    ], f"resources changed by adding a zone: {changed}"


def test_adding_a_subnet_group_keeps_existing_resources() -> None:
    before = synthesize(base().build(), checks=False)
    data = {"name": "data", "tier": "isolated", "cidr": "10.0.32.0/20", "prefix_length": 24}
    added = base().set(subnets=[data, *standard_groups("10.0.0.0/16")])
    after = synthesize(added.build(), checks=False)
    assert _unchanged(before, after) == []
    assert len(_subnets_by_id(after)) == len(_subnets_by_id(before)) + 2


def test_adding_a_vpc_leaves_other_stacks_alone() -> None:
    before = synthesize(base().build(), checks=False)
    # The new VPC goes in front, so app's position in the list changes too.
    added = network().vpc("other", cidr="10.1.0.0/16").vpc("app", cidr="10.0.0.0/16")
    after = synthesize(added.build(), checks=False)
    assert after["test-app"] == before["test-app"]
    assert sorted(after) == ["test-app", "test-other"]
