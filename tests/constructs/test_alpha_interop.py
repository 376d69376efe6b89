"""aws-ec2-alpha's Transit Gateway works on NetworkVpc's IVpc view: a CDK developer who
composes the alpha constructs keeps them and swaps the VPC."""

from __future__ import annotations

import aws_cdk as cdk
import aws_cdk.aws_ec2_alpha as ec2_alpha
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from multivpc.constructs import NetworkVpc, Router, RouteSpec, SubnetGroup

ZONES = ["us-east-1a", "us-east-1b"]


def test_alpha_transit_gateway_attaches_the_ivpc_view_in_the_chosen_subnets() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=cdk.Environment(account="111111111111", region="us-east-1"))
    network = NetworkVpc.from_groups(
        stack,
        "core",
        cidr="10.0.0.0/16",
        zones=ZONES,
        groups=[SubnetGroup("app", "isolated", 20), SubnetGroup("transit", "isolated", 28)],
    )
    gateway = ec2_alpha.TransitGateway(stack, "Tgw")
    selection = network.vpc.select_subnets(subnet_group_name="transit")
    attachment = gateway.attach_vpc("Attachment", vpc=network.vpc, subnets=selection.subnets)
    # the alpha gateway as a route target of the multivpc VPC, through the one route shape
    for zone in ZONES:
        route = network.add_route(
            RouteSpec(
                group="app",
                zone=zone,
                destination="10.0.0.0/8",
                id="ToHub",
                target=Router(ec2.RouterType.TRANSIT_GATEWAY, gateway.transit_gateway_id),
            )
        )
        route.node.add_dependency(attachment)

    resources = Template.from_stack(stack).to_json()["Resources"]
    (vpc_id,) = [k for k, r in resources.items() if r["Type"] == "AWS::EC2::VPC"]
    transit = {
        k
        for k, r in resources.items()
        if r["Type"] == "AWS::EC2::Subnet"
        and {"Key": "aws-cdk:subnet-name", "Value": "transit"} in r["Properties"]["Tags"]
    }
    (cfn_attachment,) = [
        (k, r) for k, r in resources.items() if r["Type"] == "AWS::EC2::TransitGatewayAttachment"
    ]
    logical_id, props = cfn_attachment[0], cfn_attachment[1]["Properties"]
    assert props["VpcId"] == {"Ref": vpc_id}
    assert {ref["Ref"] for ref in props["SubnetIds"]} == transit
    routes = [r for r in resources.values() if r["Type"] == "AWS::EC2::Route"]
    assert len(routes) == 2
    for route in routes:
        assert route["Properties"]["DestinationCidrBlock"] == "10.0.0.0/8"
        assert logical_id in route["DependsOn"]
        assert "TransitGatewayId" in route["Properties"]
