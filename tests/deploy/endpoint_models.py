"""``AWS::EC2::VPCEndpoint`` and ``AWS::IAM::Role`` for the emulator (gaps 10 and 11 of
``tests/deploy/emulator.py``).

moto 5.2's own model creates endpoints (a gateway endpoint's prefix-list routes included,
and a network interface per subnet of an interface endpoint), but keeps CloudFormation's
``PolicyDocument`` object where its API expects JSON text (DescribeVpcEndpoints then
answers a Python repr), drops ``Tags``, and ignores updates: a deploy that adds a route
table to a gateway endpoint would report success and change nothing. This model creates
through moto's EC2 backend with the policy as JSON and the tags, and applies updates of
``RouteTableIds`` (routes added and removed), ``SubnetIds`` (network interfaces),
``SecurityGroupIds``, ``PolicyDocument`` and ``PrivateDnsEnabled`` as AWS does in place.
A change of a create-only property (service, type, VPC) fails loudly instead: replacement
is not emulated.

moto's ``AWS::IAM::Role`` ignores ``ManagedPolicyArns``, and moto loads no AWS managed
policies unless told to. ``RoleWithManagedPolicies`` attaches each one after moto's model
created the role, taking an AWS managed policy from the copy of AWS's managed policies
moto ships (so a misspelt policy name fails the deploy, as in AWS).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import ServiceException
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCEndPoint
from moto.ec2.utils import random_private_ip
from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, Role, iam_backends

from tests.deploy.shim import Shim

CREATE_ONLY = ("ServiceName", "VpcEndpointType", "VpcId")


class EndpointRefused(ServiceException):
    code = "ValidationError"


def _policy(properties: dict[str, Any]) -> str | None:
    document = properties.get("PolicyDocument")
    return json.dumps(document) if isinstance(document, dict) else document


class VpcEndpointModel(Shim, CloudFormationModel):
    """AWS::EC2::VPCEndpoint with JSON policies, tags and in-place updates."""

    CFN_TYPE = "AWS::EC2::VPCEndpoint"
    ATTRIBUTES = frozenset({"Id"})

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> VPCEndPoint:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        endpoint: VPCEndPoint = backend.create_vpc_endpoint(
            vpc_id=properties["VpcId"],
            service_name=properties["ServiceName"],
            endpoint_type=properties.get("VpcEndpointType", "Gateway"),
            policy_document=_policy(properties),
            route_table_ids=list(properties.get("RouteTableIds", [])),
            subnet_ids=list(properties.get("SubnetIds", [])),
            security_group_ids=list(properties.get("SecurityGroupIds", [])),
            private_dns_enabled=properties.get("PrivateDnsEnabled"),
            tags={tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])},
        )
        return endpoint

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: VPCEndPoint,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> VPCEndPoint:
        properties = cloudformation_json["Properties"]
        endpoint = original_resource
        backend = ec2_backends[account_id][region_name]
        now = {
            "ServiceName": endpoint.service_name,
            "VpcEndpointType": endpoint.vpc_endpoint_type,
            "VpcId": endpoint.vpc_id,
        }
        for key in CREATE_ONLY:
            if properties.get(key, now[key]) != now[key]:
                raise EndpointRefused(
                    f"the emulator does not replace VPC endpoints ({key} changed; "
                    "tests/deploy/endpoint_models.py)"
                )
        tables = list(properties.get("RouteTableIds", []))
        prefix_list = endpoint.destination_prefix_list_id
        for table in [t for t in endpoint.route_table_ids if t not in tables]:
            if prefix_list:
                backend.delete_route(table, "", destination_prefix_list_id=prefix_list)
        for table in [t for t in tables if t not in endpoint.route_table_ids]:
            if prefix_list:
                backend.create_route(
                    table, None, gateway_id=endpoint.id, destination_prefix_list_id=prefix_list
                )
        endpoint.route_table_ids = tables
        subnets = list(properties.get("SubnetIds", []))
        if (
            endpoint.vpc_endpoint_type or ""
        ).lower() == "interface" and subnets != endpoint.subnet_ids:
            for eni_id in endpoint.network_interface_ids:
                backend.enis.pop(eni_id, None)
            endpoint.network_interface_ids = [
                backend.create_network_interface(subnet_id, random_private_ip()).id
                for subnet_id in subnets
            ]
        endpoint.subnet_ids = subnets
        endpoint.security_group_ids = list(properties.get("SecurityGroupIds", []))
        endpoint.policy_document = _policy(properties) or json.dumps(VPCEndPoint.DEFAULT_POLICY)
        endpoint.private_dns_enabled = properties.get("PrivateDnsEnabled")
        return endpoint

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        ec2_backends[account_id][region_name].delete_vpc_endpoints([resource_name])


class RoleWithManagedPolicies(Shim, CloudFormationModel):
    """AWS::IAM::Role with its ManagedPolicyArns attached; the rest is moto's."""

    CFN_TYPE = "AWS::IAM::Role"
    NAME_TYPE = "RoleName"
    ATTRIBUTES_OF = Role

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Role:
        role = Role.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        backend = iam_backends[account_id][role.partition]
        aws_policies = json.loads(aws_managed_policies_data)
        for arn in cloudformation_json["Properties"].get("ManagedPolicyArns", []):
            name = arn.rsplit("/", 1)[-1]
            if arn not in backend.managed_policies and ":iam::aws:policy/" in arn:
                if name not in aws_policies:
                    raise EndpointRefused(f"{arn} is no AWS managed policy")
                policy = AWSManagedPolicy.from_data(
                    name, account_id, region_name, aws_policies[name]
                )
                backend.managed_policies[policy.arn] = policy
            backend.attach_role_policy(arn, role.name)
        return role

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Role,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Role:
        return Role.update_from_cloudformation_json(
            original_resource, new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        Role.delete_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name
        )


# moto finds models through CloudFormationModel.__subclasses__(), the later definition
# winning per type; under moto's packages like its own (see emulator.py).
VpcEndpointModel.__module__ = "moto.ec2.models.vpcs"
RoleWithManagedPolicies.__module__ = "moto.iam.models"
