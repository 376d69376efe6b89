"""Ids published for other apps: SSM parameters, outputs, and the tags from_lookup reads."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from multivpc.constructs import (
    ConstructArgumentError,
    NatGatewaySpec,
    NetworkVpc,
    PublishedIds,
    RouteSpec,
    SubnetSpec,
    VpcGateway,
)

SPECS = [
    SubnetSpec(group="web", tier="public", zone="us-east-1a", cidr="10.0.0.0/24"),
    SubnetSpec(group="app", tier="private", zone="us-east-1a", cidr="10.0.16.0/24"),
    SubnetSpec(group="app", tier="private", zone="us-east-1b", cidr="10.0.17.0/24"),
    SubnetSpec(group="db", tier="isolated", zone="us-east-1a", cidr="10.0.32.0/24"),
    SubnetSpec(group="quiet", tier="private", zone="us-east-1a", cidr="10.0.48.0/24"),
]


def _build(prefix: str = "/multivpc/estate/core") -> tuple[NetworkVpc, cdk.Stack, Template]:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=cdk.Environment(account="111111111111", region="us-east-1"))
    routes = [RouteSpec(group="web", zone="us-east-1a", destination="0.0.0.0/0",
                        target=VpcGateway.internet())]  # fmt: skip
    routes += [
        RouteSpec(group="app", zone=z, destination="0.0.0.0/0", target=VpcGateway.nat("us-east-1a"))
        for z in ("us-east-1a", "us-east-1b")
    ]
    vpc = NetworkVpc(
        stack,
        "core",
        cidr="10.0.0.0/16",
        subnets=SPECS,
        nat_gateways=[NatGatewaySpec(zone="us-east-1a", group="web")],
        routes=routes,
    )
    PublishedIds(stack, "Published", network_vpc=vpc, prefix=prefix)
    return vpc, stack, Template.from_stack(stack)


@pytest.fixture(scope="module")
def built() -> tuple[NetworkVpc, cdk.Stack, Template]:
    return _build()


def _parameters(template: Template) -> dict[str, object]:
    return {
        p["Properties"]["Name"]: p["Properties"]["Value"]
        for p in template.find_resources("AWS::SSM::Parameter").values()
    }


def test_parameter_names_are_stable_paths(built: tuple[NetworkVpc, cdk.Stack, Template]) -> None:
    _, _, template = built
    prefix = "/multivpc/estate/core"
    expected = {f"{prefix}/vpc-id", f"{prefix}/cidr"}
    for group, zone in [("web", "us-east-1a"), ("app", "us-east-1a"), ("app", "us-east-1b"),
                        ("db", "us-east-1a"), ("quiet", "us-east-1a")]:  # fmt: skip
        expected |= {
            f"{prefix}/subnets/{group}/{zone}/subnet-id",
            f"{prefix}/subnets/{group}/{zone}/route-table-id",
        }
    expected |= {f"{prefix}/subnet-groups/{g}/subnet-ids" for g in ("web", "app", "db", "quiet")}
    assert set(_parameters(template)) == expected


def test_parameter_values_are_the_ids(built: tuple[NetworkVpc, cdk.Stack, Template]) -> None:
    vpc, stack, template = built
    values = _parameters(template)
    prefix = "/multivpc/estate/core"
    assert values[f"{prefix}/cidr"] == "10.0.0.0/16"
    assert values[f"{prefix}/vpc-id"] == stack.resolve(vpc.cfn_vpc.ref)
    subnet = vpc.subnets[("app", "us-east-1b")]
    assert values[f"{prefix}/subnets/app/us-east-1b/subnet-id"] == stack.resolve(subnet.subnet_id)
    assert values[f"{prefix}/subnets/app/us-east-1b/route-table-id"] == stack.resolve(
        subnet.route_table.route_table_id
    )
    app_ids = [
        stack.resolve(vpc.subnets[("app", z)].subnet_id) for z in ("us-east-1a", "us-east-1b")
    ]
    assert values[f"{prefix}/subnet-groups/app/subnet-ids"] == {"Fn::Join": [",", app_ids]}
    [listed] = template.find_resources(
        "AWS::SSM::Parameter", {"Properties": {"Name": f"{prefix}/subnet-groups/app/subnet-ids"}}
    ).values()
    assert listed["Properties"]["Type"] == "StringList"


def test_outputs(built: tuple[NetworkVpc, cdk.Stack, Template]) -> None:
    vpc, stack, template = built
    outputs = template.to_json()["Outputs"]
    values = {k: v["Value"] for k, v in outputs.items()}
    assert stack.resolve(vpc.cfn_vpc.ref) in values.values()
    assert len(outputs) == 1 + 4


def test_subnets_carry_the_tags_from_lookup_groups_by(
    built: tuple[NetworkVpc, cdk.Stack, Template],
) -> None:
    _, _, template = built
    tags = {}
    for subnet in template.find_resources("AWS::EC2::Subnet").values():
        by_key = {t["Key"]: t["Value"] for t in subnet["Properties"]["Tags"]}
        tags[subnet["Properties"]["CidrBlock"]] = (
            by_key["aws-cdk:subnet-name"],
            by_key["aws-cdk:subnet-type"],
        )
    assert tags == {
        "10.0.0.0/24": ("web", "Public"),
        "10.0.16.0/24": ("app", "Private"),
        "10.0.17.0/24": ("app", "Private"),
        "10.0.32.0/24": ("db", "Isolated"),
        # private, but without a route out: what from_lookup calls it must say so
        "10.0.48.0/24": ("quiet", "Isolated"),
    }


@pytest.mark.parametrize("prefix", ["multivpc/x", "/multivpc/x/", "/a b", "/a//b"])
def test_invalid_prefix_is_refused(prefix: str) -> None:
    with pytest.raises(ConstructArgumentError, match="is not an SSM parameter path"):
        _build(prefix)
