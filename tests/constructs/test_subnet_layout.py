"""NetworkVpc.from_groups and subnet_layout: the short form, against ec2.Vpc itself.

The oracle for addresses and default routes is aws-cdk-lib's ec2.Vpc, synthesized with
the same groups, zones, masks and NAT count: both templates are read the same way (each
subnet by its ``aws-cdk:subnet-name`` tag and zone), never through the specs the layout
returned.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template

from multivpc.constructs import (
    ConstructArgumentError,
    NetworkVpc,
    Router,
    RouteSpec,
    SubnetGroup,
    VpcGateway,
    subnet_layout,
)
from tests.support.cdk_cli import ROOT

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
ENV = cdk.Environment(account="111111111111", region="us-east-1")
_CDK_TYPES = {
    "public": ec2.SubnetType.PUBLIC,
    "private": ec2.SubnetType.PRIVATE_WITH_EGRESS,
    "isolated": ec2.SubnetType.PRIVATE_ISOLATED,
}

LAYOUTS: dict[str, tuple[str, list[tuple[str, str, int]], int]] = {
    # name: (VPC cidr, [(group, tier, mask)], NAT gateways)
    "three-tier": (
        "10.0.0.0/16",
        [("web", "public", 24), ("app", "private", 20), ("db", "isolated", 24)],
        3,
    ),
    # a small group before a large one: the large one starts at its next aligned address
    "aligned": ("10.1.0.0/16", [("edge", "public", 28), ("app", "private", 18)], 1),
    "masks": ("172.16.0.0/16", [("big", "private", 18), ("tiny", "isolated", 28)], 0),
    "isolated-only": ("10.2.0.0/22", [("db", "isolated", 24)], 0),
}


def _template(build: Any) -> dict[str, Any]:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=ENV)
    build(stack)
    return Template.from_stack(stack).to_json()["Resources"]  # type: ignore[no-any-return]


def _by_ref(resources: dict[str, Any], value: Any) -> dict[str, Any]:
    return resources[value["Ref"]]  # type: ignore[no-any-return]


def _subnet_key(subnet: dict[str, Any]) -> tuple[str, str]:
    tags = {t["Key"]: t["Value"] for t in subnet["Properties"]["Tags"]}
    return tags["aws-cdk:subnet-name"], subnet["Properties"]["AvailabilityZone"]


def _observed(resources: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str]]:
    """(group, zone) -> (cidr, where 0.0.0.0/0 goes: igw, nat@ZONE or none), read from
    the template: route -> route table -> association -> subnet; NAT -> its subnet's zone."""
    table_to_subnet = {
        p["RouteTableId"]["Ref"]: _by_ref(resources, p["SubnetId"])
        for r in resources.values()
        if r["Type"] == "AWS::EC2::SubnetRouteTableAssociation"
        for p in [r["Properties"]]
    }
    result: dict[tuple[str, str], tuple[str, str]] = {}
    for resource in resources.values():
        if resource["Type"] == "AWS::EC2::Subnet":
            result[_subnet_key(resource)] = (resource["Properties"]["CidrBlock"], "none")
    for resource in resources.values():
        props = resource["Properties"]
        if resource["Type"] != "AWS::EC2::Route" or props["DestinationCidrBlock"] != "0.0.0.0/0":
            continue
        key = _subnet_key(table_to_subnet[props["RouteTableId"]["Ref"]])
        if "GatewayId" in props:
            target = "igw"
        else:
            nat_subnet = _by_ref(
                resources, _by_ref(resources, props["NatGatewayId"])["Properties"]["SubnetId"]
            )
            target = f"nat@{nat_subnet['Properties']['AvailabilityZone']}"
        result[key] = (result[key][0], target)
    return result


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_short_form_lays_out_what_ec2_vpc_does(name: str) -> None:
    cidr, groups, nats = LAYOUTS[name]
    ours = _template(
        lambda stack: NetworkVpc.from_groups(
            stack,
            "Vpc",
            cidr=cidr,
            zones=ZONES,
            groups=[SubnetGroup(name=g, tier=t, mask=m) for g, t, m in groups],  # type: ignore[arg-type]
            nat_gateways=nats,
        )
    )
    theirs = _template(
        lambda stack: ec2.Vpc(
            stack,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            availability_zones=ZONES,
            nat_gateways=nats,
            subnet_configuration=[
                ec2.SubnetConfiguration(name=g, subnet_type=_CDK_TYPES[t], cidr_mask=m)
                for g, t, m in groups
            ],
        )
    )
    assert _observed(ours) == _observed(theirs)
    assert len(_observed(ours)) == len(groups) * len(ZONES)


def test_nat_gateways_default_to_one_per_zone_when_a_private_group_needs_them() -> None:
    layout = subnet_layout(
        cidr="10.0.0.0/16",
        zones=ZONES,
        groups=[SubnetGroup("web", "public", 24), SubnetGroup("app", "private", 20)],
    )
    assert [(n.zone, n.group) for n in layout.nat_gateways] == [(z, "web") for z in ZONES]
    # only isolated groups beside the public one: no NAT gateway to pay for
    quiet = subnet_layout(
        cidr="10.0.0.0/16",
        zones=ZONES,
        groups=[SubnetGroup("web", "public", 24), SubnetGroup("db", "isolated", 24)],
    )
    assert quiet.nat_gateways == ()


def test_a_zone_without_a_nat_gateway_always_uses_the_same_one() -> None:
    """Two NAT gateways for three zones: zone index 2 uses nat_zones[2 % 2], for every
    private group (ec2.Vpc picks round robin over subnets, so two groups in one zone can
    use two NAT gateways)."""
    layout = subnet_layout(
        cidr="10.0.0.0/16",
        zones=ZONES,
        groups=[
            SubnetGroup("web", "public", 24),
            SubnetGroup("app", "private", 20),
            SubnetGroup("batch", "private", 20),
        ],
        nat_gateways=2,
    )
    targets = {(r.group, r.zone): r.target for r in layout.routes}
    expected_nat = {
        "us-east-1a": "us-east-1a",
        "us-east-1b": "us-east-1b",
        "us-east-1c": "us-east-1a",
    }
    for group in ("app", "batch"):
        for zone, nat_zone in expected_nat.items():
            assert targets[(group, zone)] == VpcGateway.nat(nat_zone)
    assert all(targets[("web", z)] == VpcGateway.internet() for z in ZONES)


def test_nat_group_places_the_gateways_in_another_public_group() -> None:
    layout = subnet_layout(
        cidr="10.0.0.0/16",
        zones=ZONES[:2],
        groups=[
            SubnetGroup("lb", "public", 24),
            SubnetGroup("egress", "public", 28),
            SubnetGroup("app", "private", 20),
        ],
        nat_group="egress",
    )
    assert {n.group for n in layout.nat_gateways} == {"egress"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"groups": [SubnetGroup("a", "private", 15)]}, "group a: mask 15 is outside /16 to /28"),
        ({"groups": [SubnetGroup("a", "private", 29)]}, "group a: mask 29 is outside /16 to /28"),
        (
            {"cidr": "10.0.0.0/24", "groups": [SubnetGroup("a", "isolated", 25)]},
            "group a does not fit: its /25 in us-east-1c would start at 10.0.1.0, past the end "
            "of 10.0.0.0/24",
        ),
        (
            {"groups": [SubnetGroup("a", "private", 24), SubnetGroup("a", "isolated", 24)]},
            "two subnet groups named 'a'",
        ),
        ({"groups": [SubnetGroup("a", "Private", 24)]}, "group a: tier 'Private' is none of"),  # type: ignore[arg-type]
        ({"zones": []}, "a layout needs at least one zone"),
        (
            {"zones": ["us-east-1a", "us-east-1a"]},
            "zones name us-east-1a twice; give each zone once",
        ),
        ({"groups": []}, "a layout needs at least one subnet group"),
        ({"nat_gateways": 4}, "nat_gateways=4: give 0 to 3 (at most one per zone)"),
        ({"nat_gateways": -1}, "nat_gateways=-1: give 0 to 3"),
        (
            {"groups": [SubnetGroup("app", "private", 24)], "nat_gateways": 1},
            "nat_gateways=1 needs a public group to hold them; there is none",
        ),
        (
            {"groups": [SubnetGroup("web", "public", 24)], "nat_gateways": 1},
            "nat_gateways=1: no private group would use them",
        ),
        ({"nat_group": "app"}, "nat_group 'app' is not a public group; public groups: web"),
        ({"cidr": "10.0.0.0/33"}, "cidr '10.0.0.0/33' is not an IPv4 CIDR"),
    ],
)
def test_a_layout_it_cannot_build_is_refused_before_anything_is_created(
    kwargs: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {
        "cidr": "10.0.0.0/16",
        "zones": ZONES,
        "groups": [SubnetGroup("web", "public", 24), SubnetGroup("app", "private", 20)],
        **kwargs,
    }
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=ENV)
    with pytest.raises(
        ConstructArgumentError, match=f"^Net/Vpc: {message}".replace("(", r"\(").replace(")", r"\)")
    ):
        NetworkVpc.from_groups(stack, "Vpc", **arguments)
    assert stack.node.try_find_child("Vpc") is None


def test_the_boundaries_that_fit_are_accepted() -> None:
    """/16 and /28 subnets, and a group that fills the VPC to its last address."""
    layout = subnet_layout(
        cidr="10.0.0.0/24",
        zones=["us-east-1a", "us-east-1b"],
        groups=[SubnetGroup("half", "isolated", 25)],
    )
    assert [s.cidr for s in layout.subnets] == ["10.0.0.0/25", "10.0.0.128/25"]
    whole = subnet_layout(
        cidr="10.0.0.0/16", zones=["us-east-1a"], groups=[SubnetGroup("all", "isolated", 16)]
    )
    assert [s.cidr for s in whole.subnets] == ["10.0.0.0/16"]
    small = subnet_layout(
        cidr="10.0.0.0/28", zones=["us-east-1a"], groups=[SubnetGroup("s", "isolated", 28)]
    )
    assert [s.cidr for s in small.subnets] == ["10.0.0.0/28"]


def test_options_reach_the_vpc() -> None:
    resources = _template(
        lambda stack: NetworkVpc.from_groups(
            stack,
            "Vpc",
            cidr="10.0.0.0/16",
            zones=ZONES[:1],
            groups=[SubnetGroup("db", "isolated", 24)],
            flow_logs=None,
            name="core",
        )
    )
    types = {r["Type"] for r in resources.values()}
    assert "AWS::EC2::FlowLog" not in types
    (vpc,) = [r for r in resources.values() if r["Type"] == "AWS::EC2::VPC"]
    assert {"Key": "Name", "Value": "core"} in vpc["Properties"]["Tags"]


def _function_in(group: str, extra_route: bool = False) -> tuple[dict[str, Any], list[str]]:
    """A Lambda function placed in ``group``; its DependsOn, and the template."""
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=ENV)
    network = NetworkVpc.from_groups(
        stack,
        "Vpc",
        cidr="10.0.0.0/16",
        zones=ZONES[:2],
        groups=[
            SubnetGroup("web", "public", 24),
            SubnetGroup("app", "private", 20),
            SubnetGroup("db", "isolated", 24),
            SubnetGroup("hub", "private", 24),
        ],
        nat_gateways=0 if extra_route else 1,
    )
    if extra_route:
        # a private group whose way out is a Transit Gateway (central egress)
        for zone in ZONES[:2]:
            network.add_route(
                RouteSpec(
                    group="hub",
                    zone=zone,
                    destination="0.0.0.0/0",
                    target=Router(ec2.RouterType.TRANSIT_GATEWAY, "tgw-0123456789abcdef0"),
                )
            )
    function = lambda_.Function(
        stack,
        "Worker",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        vpc=network.vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_group_name=group),
    )
    template = Template.from_stack(stack).to_json()["Resources"]
    logical_id = stack.get_logical_id(function.node.default_child)  # type: ignore[arg-type]
    return template, sorted(template[logical_id].get("DependsOn", []))


def _default_routes_of(resources: dict[str, Any], group: str) -> list[str]:
    """Logical ids of the 0.0.0.0/0 routes of the group's subnets (through their tables)."""
    tables = {
        r["Properties"]["RouteTableId"]["Ref"]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::SubnetRouteTableAssociation"
        and _subnet_key(_by_ref(resources, r["Properties"]["SubnetId"]))[0] == group
    }
    return sorted(
        logical_id
        for logical_id, r in resources.items()
        if r["Type"] == "AWS::EC2::Route"
        and r["Properties"]["RouteTableId"]["Ref"] in tables
        and r["Properties"]["DestinationCidrBlock"] == "0.0.0.0/0"
    )


def test_a_workload_in_private_subnets_waits_for_their_nat_routes_as_with_ec2_vpc() -> None:
    resources, depends_on = _function_in("app")
    nat_routes = _default_routes_of(resources, "app")
    assert len(nat_routes) == 2
    assert set(nat_routes) <= set(depends_on)


def test_a_workload_in_isolated_subnets_waits_for_no_route() -> None:
    resources, depends_on = _function_in("db")
    routes = {k for k, r in resources.items() if r["Type"] == "AWS::EC2::Route"}
    assert not routes & set(depends_on)
    assert not any(resources[d]["Type"] == "AWS::EC2::VPCGatewayAttachment" for d in depends_on)


def test_a_default_route_to_a_transit_gateway_is_a_way_out_too() -> None:
    resources, depends_on = _function_in("hub", extra_route=True)
    tgw_routes = _default_routes_of(resources, "hub")
    assert len(tgw_routes) == 2
    assert all("TransitGatewayId" in resources[r]["Properties"] for r in tgw_routes)
    assert set(tgw_routes) <= set(depends_on)


def _call_in_docs(opening: str) -> str:
    """The statement of docs/constructs/network-vpc.md that starts with ``opening``, to its closing
    parenthesis, as the page shows it."""
    text = (ROOT / "docs" / "constructs" / "network-vpc.md").read_text()
    start = text.index(opening)
    depth = 0
    for end in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        if text[end] == ")" and depth == 0:
            return text[start : end + 1]
    raise AssertionError(f"{opening} does not close in docs/constructs/network-vpc.md")


def test_the_docs_short_form_takes_no_more_lines_than_ec2_vpc_for_the_same_network() -> None:
    ours = _call_in_docs("network = NetworkVpc.from_groups(")
    theirs = _call_in_docs("vpc = ec2.Vpc(")
    assert len(ours.splitlines()) <= len(theirs.splitlines())
    names = {"ec2": ec2, "NetworkVpc": NetworkVpc, "SubnetGroup": SubnetGroup}
    ours_built = _template(lambda stack: exec(ours, {**names, "stack": stack}))
    theirs_built = _template(lambda stack: exec(theirs, {**names, "stack": stack}))
    observed = _observed(ours_built)
    assert observed == _observed(theirs_built)
    # three groups across three zones, a NAT gateway per zone
    assert len(observed) == 9
    assert {target for _, target in observed.values()} == {
        "igw",
        "none",
        "nat@us-east-1a",
        "nat@us-east-1b",
        "nat@us-east-1c",
    }
