"""multivpc's reader of cfn-lint's resource schemas agrees with cfn-lint's own loader."""

from __future__ import annotations

from typing import Any

import pytest

from multivpc.analysis.schemas import create_only_properties, provider_permissions

TYPES = [
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::NatGateway",
    "AWS::EC2::EIP",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::FlowLog",
    "AWS::EC2::TransitGateway",
    "AWS::EC2::TransitGatewayAttachment",
    "AWS::EC2::TransitGatewayVpcAttachment",
    "AWS::EC2::TransitGatewayRouteTable",
    "AWS::EC2::TransitGatewayRouteTableAssociation",
    "AWS::EC2::TransitGatewayRouteTablePropagation",
    "AWS::EC2::TransitGatewayRoute",
    "AWS::EC2::TransitGatewayPeeringAttachment",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::TransitGatewayConnectPeer",  # a path through a list: .../BgpConfigurations/*/PeerAsn
    "AWS::RAM::ResourceShare",
    "AWS::Logs::LogGroup",
    "AWS::KMS::Key",
    "AWS::IAM::Role",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::Lambda::Function",
    "AWS::SSM::Parameter",
    "AWS::S3::Bucket",
    "Custom::AWS",
]


@pytest.fixture(scope="module")
def cfn_lint_manager() -> Any:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER  # type: ignore[import-untyped]  # ~5 s: sympy

    return PROVIDER_SCHEMA_MANAGER


@pytest.mark.parametrize("resource_type", TYPES)
def test_create_only_properties_match_cfn_lint(cfn_lint_manager: Any, resource_type: str) -> None:
    schema = cfn_lint_manager.get_resource_schema("us-east-1", resource_type)
    expected = tuple(
        tuple(pointer.split("/")[2:]) for pointer in schema.schema.get("createOnlyProperties", [])
    )
    assert create_only_properties(resource_type) == expected


def test_facts_worth_knowing_hold() -> None:
    """FACTS.md: a TransitGatewayRoute's Blackhole is create-only, a VPC attachment's
    SubnetIds are, an attachment's (AWS::EC2::TransitGatewayAttachment) are not."""
    assert ("Blackhole",) in (create_only_properties("AWS::EC2::TransitGatewayRoute") or ())
    assert ("SubnetIds",) in (create_only_properties("AWS::EC2::TransitGatewayVpcAttachment") or ())
    assert ("SubnetIds",) not in (
        create_only_properties("AWS::EC2::TransitGatewayAttachment") or ()
    )
    assert ("DnsOptions", "PrivateDnsPreference") in (
        create_only_properties("AWS::EC2::VPCEndpoint") or ()
    )


def test_an_unknown_type_has_no_schema() -> None:
    assert create_only_properties("AWS::Nothing::Here") is None


@pytest.mark.parametrize("resource_type", TYPES)
def test_provider_permissions_match_cfn_lint(cfn_lint_manager: Any, resource_type: str) -> None:
    """What CloudFormation's create, read, update and delete handlers call; custom
    resources have none of their own (their function is invoked)."""
    if resource_type.startswith("Custom::"):
        assert provider_permissions(resource_type) is None
        return
    handlers = cfn_lint_manager.get_resource_schema("us-east-1", resource_type).schema["handlers"]
    expected = {
        action
        for handler in ("create", "read", "update", "delete")
        for action in handlers.get(handler, {}).get("permissions", [])
    }
    assert provider_permissions(resource_type) == frozenset(expected)
    assert expected  # every type multivpc creates declares its permissions


def test_an_unknown_type_has_no_permissions() -> None:
    assert provider_permissions("AWS::Nothing::Here") is None
