"""Every config option, from the YAML to the template: each option changes exactly what it
says, checked against values written down here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aws_cdk.assertions import Template

from tests.conftest import synthesize
from tests.support.builder import NetworkBuilder, base


def _template(builder: NetworkBuilder) -> Template:
    [template] = synthesize(builder.build(), checks=False).values()
    return Template.from_json(template)


def _only(template: Template, kind: str) -> dict[str, Any]:
    [resource] = template.find_resources(kind).values()
    return dict(resource)


@pytest.fixture(scope="module")
def default() -> Template:
    return _template(base())


@pytest.mark.parametrize(
    ("dns", "support", "hostnames"),
    [
        ({}, True, True),
        ({"support": False}, False, True),
        ({"hostnames": False}, True, False),
        ({"support": False, "hostnames": False}, False, False),
    ],
)
def test_dns(dns: dict[str, bool], support: bool, hostnames: bool) -> None:
    vpc = _only(_template(base().set(dns=dns)), "AWS::EC2::VPC")["Properties"]
    assert (vpc["EnableDnsSupport"], vpc["EnableDnsHostnames"]) == (support, hostnames)


def test_flow_logs_defaults(default: Template) -> None:
    flow_log = _only(default, "AWS::EC2::FlowLog")["Properties"]
    assert flow_log["LogDestinationType"] == "cloud-watch-logs"
    assert flow_log["TrafficType"] == "ALL"
    default.has_resource_properties(
        "AWS::Logs::LogGroup",
        {"LogGroupName": "/multivpc/test/app/flow-logs", "RetentionInDays": 365},
    )
    default.resource_count_is("AWS::S3::Bucket", 0)


def test_flow_logs_disabled() -> None:
    template = _template(base().set(flow_logs={"enabled": False}))
    template.resource_count_is("AWS::EC2::FlowLog", 0)
    # Only the key of the SDK-call provider's logs (no flow-log key to share).
    [key] = template.find_resources("AWS::KMS::Key").values()
    assert key["Properties"]["Description"] == "Encrypts the logs of the stack's AWS SDK calls"
    assert not template.find_resources(
        "AWS::Logs::LogGroup", {"Properties": {"LogGroupName": "/multivpc/test/app/flow-logs"}}
    )


@pytest.mark.parametrize("traffic", ["ACCEPT", "REJECT"])
def test_flow_logs_traffic_type(traffic: str) -> None:
    template = _template(base().set(flow_logs={"traffic_type": traffic}))
    assert _only(template, "AWS::EC2::FlowLog")["Properties"]["TrafficType"] == traffic


@pytest.mark.parametrize("days", [1, 90, 3653])
def test_flow_logs_retention(days: int) -> None:
    template = _template(base().set(flow_logs={"retention_days": days}))
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {"LogGroupName": "/multivpc/test/app/flow-logs", "RetentionInDays": days},
    )


def test_flow_logs_to_s3() -> None:
    template = _template(base().set(flow_logs={"destination": "s3", "retention_days": 30}))
    flow_log = _only(template, "AWS::EC2::FlowLog")["Properties"]
    assert flow_log["LogDestinationType"] == "s3"
    bucket = _only(template, "AWS::S3::Bucket")["Properties"]
    assert bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 30
    assert "VersioningConfiguration" not in bucket
    sse = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    keys = [
        k["Properties"]["Description"] for k in template.find_resources("AWS::KMS::Key").values()
    ]
    assert keys == ["Encrypts the logs of the stack's AWS SDK calls"]


def test_flow_logs_to_s3_versioned_with_kms() -> None:
    flow_logs = {"destination": "s3", "s3_versioning": True, "s3_encryption": "kms"}
    template = _template(base().set(flow_logs=flow_logs))
    bucket = _only(template, "AWS::S3::Bucket")["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    sse = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    keys = [
        k["Properties"]["Description"] for k in template.find_resources("AWS::KMS::Key").values()
    ]
    assert sorted(keys) == [
        "Encrypts VPC flow logs in S3",
        "Encrypts the logs of the stack's AWS SDK calls",
    ]


def test_public_ip_on_launch_is_opt_in_per_group() -> None:
    builder = base().group("public", map_public_ip_on_launch=True)
    template = _template(builder)
    mapped = {
        s["Properties"]["CidrBlock"]: s["Properties"]["MapPublicIpOnLaunch"]
        for s in template.find_resources("AWS::EC2::Subnet").values()
    }
    assert mapped == {
        "10.0.0.0/24": True,
        "10.0.1.0/24": True,
        "10.0.16.0/24": False,
        "10.0.17.0/24": False,
    }


def test_public_ip_on_launch_off_by_default(default: Template) -> None:
    subnets = default.find_resources("AWS::EC2::Subnet").values()
    assert [s["Properties"]["MapPublicIpOnLaunch"] for s in subnets] == [False] * 4


def test_public_ip_on_launch_refused_on_a_private_group() -> None:
    findings = base().group("private", map_public_ip_on_launch=True).findings()
    assert any(
        "vpcs[app].subnets[private]: map_public_ip_on_launch is for public groups, and this "
        "group is private; remove it or make the group public" in f
        for f in findings
    ), findings


@pytest.mark.parametrize("keys", [{}, {"internet_gateway": True, "nat": "none"}])
def test_internet_gateway_routes_public_subnets(keys: dict[str, Any]) -> None:
    template = _template(base().set(**keys))
    template.resource_count_is("AWS::EC2::InternetGateway", 1)
    routes = template.find_resources("AWS::EC2::Route").values()
    assert len([r for r in routes if "GatewayId" in r["Properties"]]) == 2


def test_no_internet_gateway_without_public_groups() -> None:
    template = _template(
        base().set(nat="none").drop_group("public").group("private", tier="isolated")
    )
    template.resource_count_is("AWS::EC2::InternetGateway", 0)
    template.resource_count_is("AWS::EC2::Route", 0)


@pytest.mark.parametrize(
    ("keys", "nat_zones"),
    [
        ({"nat": "none"}, []),
        ({"nat": "single"}, ["us-east-1a"]),
        ({"nat": "single", "nat_zone": "us-east-1b"}, ["us-east-1b"]),
        ({"nat": "per-az"}, ["us-east-1a", "us-east-1b"]),
    ],
)
def test_nat_modes(keys: dict[str, Any], nat_zones: list[str]) -> None:
    template = _template(base().set(**keys))
    resources = template.to_json()["Resources"]
    zones = sorted(
        resources[nat["Properties"]["SubnetId"]["Ref"]]["Properties"]["AvailabilityZone"]
        for nat in template.find_resources("AWS::EC2::NatGateway").values()
    )
    assert zones == nat_zones
    template.resource_count_is("AWS::EC2::EIP", len(nat_zones))


def test_ids_are_published_under_the_network_and_vpc_name(default: Template) -> None:
    names = {
        p["Properties"]["Name"] for p in default.find_resources("AWS::SSM::Parameter").values()
    }
    assert "/multivpc/test/app/vpc-id" in names
    assert "/multivpc/test/app/subnets/private/us-east-1b/subnet-id" in names
    assert "/multivpc/test/app/subnet-groups/public/subnet-ids" in names
    assert len(names) == 2 + 4 * 2 + 2


def _tags(resource: Mapping[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource["Properties"].get("Tags", [])}


def test_tags_at_network_vpc_and_group_level() -> None:
    builder = (
        base()
        .top(tags={"team": "network", "cost-center": "42"})
        .set(tags={"team": "platform", "env": "prod"})
        .group("private", tags={"env": "prod-data"})
    )
    template = _template(builder)
    vpc = _tags(_only(template, "AWS::EC2::VPC"))
    assert vpc == {"Name": "test-app", "team": "platform", "cost-center": "42", "env": "prod"}
    for subnet in template.find_resources("AWS::EC2::Subnet").values():
        tags = _tags(subnet)
        private = subnet["Properties"]["CidrBlock"] in {"10.0.16.0/24", "10.0.17.0/24"}
        expected_env = "prod-data" if private else "prod"
        assert tags["env"] == expected_env, tags
        assert tags["team"] == "platform"
        assert tags["aws-cdk:subnet-name"] in {"public", "private"}
    flow_key = [
        k
        for k in template.find_resources("AWS::KMS::Key").values()
        if _tags(k).get("Name") == "test-app-flow-logs"
    ]
    assert len(flow_key) == 1 and _tags(flow_key[0])["cost-center"] == "42"


def test_name_tags(default: Template) -> None:
    names = sorted(
        (resource["Type"].split("::")[-1], _tags(resource)["Name"])
        for resource in default.to_json()["Resources"].values()
        if "Name" in _tags(resource)
    )
    expected = [
        ("EIP", "test-app-nat-us-east-1a"),
        ("EIP", "test-app-nat-us-east-1b"),
        ("FlowLog", "test-app-flow-logs"),
        ("InternetGateway", "test-app-igw"),
        ("Key", "test-app-flow-logs"),
        ("LogGroup", "test-app-flow-logs"),
        ("NatGateway", "test-app-nat-us-east-1a"),
        ("NatGateway", "test-app-nat-us-east-1b"),
    ]
    expected += [
        (kind, f"test-app-{group}-{zone}")
        for kind in ("RouteTable", "Subnet")
        for group in ("private", "public")
        for zone in ("us-east-1a", "us-east-1b")
    ]
    expected.append(("VPC", "test-app"))
    assert [n for n in names if n[0] != "Parameter"] == sorted(expected)


def test_tags_change_no_logical_id(default: Template) -> None:
    tagged = _template(
        base().top(tags={"a": "1"}).set(tags={"b": "2"}).group("public", tags={"c": "3"})
    )
    assert sorted(tagged.to_json()["Resources"]) == sorted(default.to_json()["Resources"])


def test_reserved_tag_keys_are_refused() -> None:
    findings = base().top(tags={"aws:owner": "me"}).findings()
    assert any(
        "tags[aws:owner]: tag key aws:owner starts with aws:, which AWS reserves; rename it" in f
        for f in findings
    ), findings
