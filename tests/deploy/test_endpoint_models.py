"""The emulator's VPC endpoint and role models (tests/deploy/endpoint_models.py) do what
AWS does: JSON policies, prefix-list routes that follow RouteTableIds on update, network
interfaces that follow SubnetIds, AWS managed policies attached, create-only changes
refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.deploy.emulator import Emulator

pytestmark = pytest.mark.deploy

REGION, ACCOUNT = "us-east-1", "111111111111"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}],
}


def _template(tables: list[str], subnets: list[str], service: str = "s3") -> str:
    resources: dict[str, Any] = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                },
                "ManagedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
            },
        },
    }
    for name in ("A", "B"):
        resources[f"Table{name}"] = {
            "Type": "AWS::EC2::RouteTable",
            "Properties": {"VpcId": {"Ref": "Vpc"}},
        }
    for i, name in enumerate(("A", "B")):
        resources[f"Subnet{name}"] = {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": f"10.0.{i}.0/24",
                "AvailabilityZone": f"{REGION}{'ab'[i]}",
            },
        }
    resources["Gateway"] = {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {
            "VpcId": {"Ref": "Vpc"},
            "ServiceName": f"com.amazonaws.{REGION}.{service}",
            "VpcEndpointType": "Gateway",
            "RouteTableIds": [{"Ref": f"Table{t}"} for t in tables],
            "PolicyDocument": POLICY,
            "Tags": [{"Key": "Name", "Value": "gateway"}],
        },
    }
    resources["Interface"] = {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {
            "VpcId": {"Ref": "Vpc"},
            "ServiceName": f"com.amazonaws.{REGION}.ssm",
            "VpcEndpointType": "Interface",
            "SubnetIds": [{"Ref": f"Subnet{s}"} for s in subnets],
            "PrivateDnsEnabled": True,
        },
    }
    return json.dumps({"Resources": resources})


def _state(emulator: Emulator) -> dict[str, Any]:
    cloudformation = emulator.client("cloudformation", REGION, ACCOUNT)
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cloudformation.describe_stack_resources(StackName="endpoints")["StackResources"]
    }
    names = {v: k for k, v in physical.items()}
    ec2 = emulator.client("ec2", REGION, ACCOUNT)
    endpoints = {
        names[e["VpcEndpointId"]]: e
        for e in ec2.describe_vpc_endpoints(
            VpcEndpointIds=[physical["Gateway"], physical["Interface"]]
        )["VpcEndpoints"]
    }
    tables = ec2.describe_route_tables(RouteTableIds=[physical["TableA"], physical["TableB"]])
    routed = sorted(
        names[t["RouteTableId"]]
        for t in tables["RouteTables"]
        for r in t["Routes"]
        if r.get("GatewayId") == physical["Gateway"] and "DestinationPrefixListId" in r
    )
    interfaces = ec2.describe_network_interfaces(
        NetworkInterfaceIds=endpoints["Interface"]["NetworkInterfaceIds"]
    )["NetworkInterfaces"]
    iam = emulator.client("iam", REGION, ACCOUNT)
    attached = iam.list_attached_role_policies(RoleName=physical["Role"])["AttachedPolicies"]
    return {
        "policy": json.loads(endpoints["Gateway"]["PolicyDocument"]),
        "tags": [t for t in endpoints["Gateway"]["Tags"] if not t["Key"].startswith("aws:")],
        "gateway_route_tables": sorted(names[t] for t in endpoints["Gateway"]["RouteTableIds"]),
        "routed": routed,
        "interface_subnets": sorted(names[i["SubnetId"]] for i in interfaces),
        "role_policies": [p["PolicyName"] for p in attached],
    }


def _wait(emulator: Emulator, status: str) -> dict[str, Any]:
    cloudformation = emulator.client("cloudformation", REGION, ACCOUNT)
    [stack] = cloudformation.describe_stacks(StackName="endpoints")["Stacks"]
    assert stack["StackStatus"] == status, stack
    return dict(stack)


def test_endpoints_are_created_and_updated_in_place(emulator: Emulator) -> None:
    cloudformation = emulator.client("cloudformation", REGION, ACCOUNT)
    cloudformation.create_stack(
        StackName="endpoints", TemplateBody=_template(["A"], ["A"]), Capabilities=["CAPABILITY_IAM"]
    )
    _wait(emulator, "CREATE_COMPLETE")
    assert _state(emulator) == {
        "policy": POLICY,
        "tags": [{"Key": "Name", "Value": "gateway"}],
        "gateway_route_tables": ["TableA"],
        "routed": ["TableA"],
        "interface_subnets": ["SubnetA"],
        "role_policies": ["AmazonSSMManagedInstanceCore"],
    }
    cloudformation.update_stack(
        StackName="endpoints",
        TemplateBody=_template(["B"], ["A", "B"]),
        Capabilities=["CAPABILITY_IAM"],
    )
    _wait(emulator, "UPDATE_COMPLETE")
    state = _state(emulator)
    assert (state["gateway_route_tables"], state["routed"]) == (["TableB"], ["TableB"])
    assert state["interface_subnets"] == ["SubnetA", "SubnetB"]


def test_a_create_only_change_fails_instead_of_passing_silently(emulator: Emulator) -> None:
    cloudformation = emulator.client("cloudformation", REGION, ACCOUNT)
    cloudformation.create_stack(
        StackName="endpoints", TemplateBody=_template(["A"], ["A"]), Capabilities=["CAPABILITY_IAM"]
    )
    _wait(emulator, "CREATE_COMPLETE")
    with pytest.raises(ClientError, match="the emulator does not replace VPC endpoints"):
        cloudformation.update_stack(
            StackName="endpoints",
            TemplateBody=_template(["A"], ["A"], service="dynamodb"),
            Capabilities=["CAPABILITY_IAM"],
        )
