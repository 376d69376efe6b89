"""TransitGatewayVpcAttachment given a NetworkVpc and a group: its subnets come from the
group, and every route to the gateway waits for the attachment (public API only)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from multivpc.constructs import (
    ConstructArgumentError,
    NetworkVpc,
    Router,
    RouteSpec,
    SubnetSpec,
    TransitGatewayVpcAttachment,
)

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
GATEWAY = "tgw-0123456789abcdef0"


def _network(stack: cdk.Stack, routes: list[RouteSpec] | None = None) -> NetworkVpc:
    specs = [
        SubnetSpec(group="app", tier="isolated", zone=z, cidr=f"10.0.{i}.0/24")
        for i, z in enumerate(ZONES)
    ]
    specs += [
        SubnetSpec(group="transit", tier="isolated", zone=z, cidr=f"10.0.{16 + i}.0/28")
        for i, z in enumerate(ZONES)
    ]
    specs.append(
        SubnetSpec(
            group="transit", tier="isolated", zone="us-east-1-bos-1a", cidr="10.0.20.0/28",
            local_zone=True,
        )
    )  # fmt: skip
    return NetworkVpc(stack, "core", cidr="10.0.0.0/16", subnets=specs, routes=routes or [])


def _stack() -> cdk.Stack:
    return cdk.Stack(
        cdk.App(), "Net", env=cdk.Environment(account="111111111111", region="us-east-1")
    )


def _resources(template: Template, kind: str) -> dict[str, Any]:
    return dict(template.find_resources(kind))


def test_subnets_come_from_the_group_and_routes_wait_for_the_attachment() -> None:
    stack = _stack()
    to_gateway = Router(ec2.RouterType.TRANSIT_GATEWAY, GATEWAY)
    network = _network(
        stack,
        routes=[
            RouteSpec(group="app", zone="us-east-1a", destination="0.0.0.0/0", target=to_gateway)
        ],
    )
    attachment = TransitGatewayVpcAttachment(
        stack, "Attachment", transit_gateway_id=GATEWAY, network=network, subnet_group="transit"
    )
    later = attachment.add_route(
        group="app", zone="us-east-1b", destination="10.8.0.0/16", id="ToHub"
    )
    template = Template.from_stack(stack)
    [(attachment_id, resource)] = _resources(template, "AWS::EC2::TransitGatewayAttachment").items()
    subnets = {
        logical_id: r["Properties"]["AvailabilityZone"]
        for logical_id, r in _resources(template, "AWS::EC2::Subnet").items()
    }
    attached = [subnets[ref["Ref"]] for ref in resource["Properties"]["SubnetIds"]]
    assert attached == ZONES  # transit in each Availability Zone; the Local Zone cannot
    assert resource["Properties"]["VpcId"] == stack.resolve(network.cfn_vpc.ref)
    routes = _resources(template, "AWS::EC2::Route")
    waiting = {
        (r["Properties"]["DestinationCidrBlock"], tuple(r.get("DependsOn", [])))
        for r in routes.values()
    }
    assert waiting == {("0.0.0.0/0", (attachment_id,)), ("10.8.0.0/16", (attachment_id,))}
    assert stack.resolve(later.transit_gateway_id) == GATEWAY


def test_zones_choose_and_order_the_subnets() -> None:
    stack = _stack()
    network = _network(stack)
    TransitGatewayVpcAttachment(
        stack,
        "Attachment",
        transit_gateway_id=GATEWAY,
        network=network,
        subnet_group="transit",
        zones=["us-east-1c", "us-east-1a"],
    )
    template = Template.from_stack(stack)
    subnets = {
        logical_id: r["Properties"]["AvailabilityZone"]
        for logical_id, r in _resources(template, "AWS::EC2::Subnet").items()
    }
    [resource] = _resources(template, "AWS::EC2::TransitGatewayAttachment").values()
    assert [subnets[ref["Ref"]] for ref in resource["Properties"]["SubnetIds"]] == [
        "us-east-1c",
        "us-east-1a",
    ]


def test_a_route_elsewhere_does_not_wait() -> None:
    stack = _stack()
    elsewhere = Router(ec2.RouterType.TRANSIT_GATEWAY, "tgw-0other")
    network = _network(
        stack,
        routes=[
            RouteSpec(group="app", zone="us-east-1a", destination="0.0.0.0/0", target=elsewhere)
        ],
    )
    TransitGatewayVpcAttachment(
        stack, "Attachment", transit_gateway_id=GATEWAY, network=network, subnet_group="transit"
    )
    [route] = _resources(Template.from_stack(stack), "AWS::EC2::Route").values()
    assert "DependsOn" not in route


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Net/Attachment: give network and subnet_group, or vpc_id and subnet_ids"),
        (
            {"network": True, "subnet_group": "transit", "vpc_id": "vpc-1", "subnet_ids": ["s"]},
            "Net/Attachment: give network and subnet_group, or vpc_id and subnet_ids",
        ),
        (
            {"network": True, "subnet_group": "trnsit"},
            "Net/Attachment: no subnet group named 'trnsit'; groups: app, transit",
        ),
        (
            {"network": True, "subnet_group": "transit", "zones": ["us-east-1d"]},
            "Net/Attachment: group transit has no subnet in us-east-1d; it has us-east-1a, "
            "us-east-1b, us-east-1c",
        ),
        ({"vpc_id": "vpc-1", "subnet_ids": []}, "Net/Attachment: an attachment needs subnets"),
    ],
)
def test_bad_arguments_name_the_attachment(kwargs: dict[str, Any], message: str) -> None:
    stack = _stack()
    if kwargs.get("network"):
        kwargs = {**kwargs, "network": _network(stack)}
    with pytest.raises(ConstructArgumentError) as raised:
        TransitGatewayVpcAttachment(stack, "Attachment", transit_gateway_id=GATEWAY, **kwargs)
    assert str(raised.value) == message


def test_add_route_needs_the_network() -> None:
    stack = _stack()
    attachment = TransitGatewayVpcAttachment(
        stack, "Attachment", transit_gateway_id=GATEWAY, vpc_id="vpc-1", subnet_ids=["subnet-1"]
    )
    with pytest.raises(ConstructArgumentError, match="add_route needs the attachment to be given"):
        attachment.add_route(group="app", zone="us-east-1a", destination="0.0.0.0/0")
