"""Least privilege and logging in what the constructs create (issue: hardening)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from multivpc.constructs import (
    ConstructArgumentError,
    FlowLogSettings,
    NetworkVpc,
    RouteSpec,
    SubnetSpec,
    VpcGateway,
)

ACCOUNT = {"Ref": "AWS::AccountId"}
PARTITION = {"Ref": "AWS::Partition"}
REGION = {"Ref": "AWS::Region"}


def _specs(map_public: bool = False) -> list[SubnetSpec]:
    return [
        SubnetSpec(
            group="web",
            tier="public",
            zone="us-east-1a",
            cidr="10.0.0.0/24",
            map_public_ip_on_launch=map_public,
        ),
        SubnetSpec(group="web", tier="public", zone="us-east-1b", cidr="10.0.1.0/24"),
        SubnetSpec(group="db", tier="isolated", zone="us-east-1a", cidr="10.0.16.0/24"),
    ]


def _template(**kwargs: Any) -> Template:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=cdk.Environment(account="111111111111", region="us-east-1"))
    kwargs.setdefault("subnets", _specs())
    NetworkVpc(stack, "core", cidr="10.0.0.0/16", **kwargs)
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def default() -> Template:
    return _template(
        routes=[
            RouteSpec(group="web", zone=z, destination="0.0.0.0/0", target=VpcGateway.internet())
            for z in ("us-east-1a", "us-east-1b")
        ]
    )


def _join(*parts: Any) -> dict[str, Any]:
    return {"Fn::Join": ["", list(parts)]}


def test_public_ip_on_launch_only_where_asked() -> None:
    template = _template(subnets=_specs(map_public=True))
    subnets = template.find_resources("AWS::EC2::Subnet")
    mapped = {
        s["Properties"]["CidrBlock"]
        for s in subnets.values()
        if s["Properties"]["MapPublicIpOnLaunch"]
    }
    assert mapped == {"10.0.0.0/24"}


def test_public_ip_on_launch_refused_outside_public_subnets() -> None:
    specs = [SubnetSpec(group="db", tier="isolated", zone="us-east-1a", cidr="10.0.16.0/24",
                        map_public_ip_on_launch=True)]  # fmt: skip
    with pytest.raises(ConstructArgumentError, match="subnet db/us-east-1a is isolated; only"):
        _template(subnets=specs)


def test_flow_log_role_trusts_only_this_accounts_flow_logs(default: Template) -> None:
    default.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": ACCOUNT},
                            "ArnLike": {
                                "aws:SourceArn": _join(
                                    "arn:",
                                    PARTITION,
                                    ":ec2:",
                                    REGION,
                                    ":",
                                    ACCOUNT,
                                    ":vpc-flow-log/*",
                                )
                            },
                        },
                    }
                ]
            }
        },
    )


def test_flow_log_group_has_a_deterministic_name_and_the_key_serves_only_it(
    default: Template,
) -> None:
    default.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/vpc-flow-logs/Net/core", "RetentionInDays": 365}
    )
    [key] = default.find_resources("AWS::KMS::Key").values()
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    logs_statements = [s for s in statements if "Service" in s.get("Principal", {})]
    conditions = [s["Condition"] for s in logs_statements]
    expected_arn = "arn:{}:logs:{}:{}:log-group:{}"
    assert {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": _join(
                "arn:",
                PARTITION,
                ":logs:",
                REGION,
                ":",
                ACCOUNT,
                ":log-group:/vpc-flow-logs/Net/core",
            )
        }
    } in conditions, expected_arn
    assert not any("log-group:*" in str(c) for c in conditions)


def test_explicit_flow_log_group_name() -> None:
    template = _template(flow_log_group_name="/multivpc/estate/app/flow-logs")
    template.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/multivpc/estate/app/flow-logs"}
    )


def test_invalid_flow_log_group_name_is_refused() -> None:
    with pytest.raises(ConstructArgumentError, match="'bad name' is not a log group name"):
        _template(flow_log_group_name="bad name")


def test_flow_log_permissions_are_a_managed_policy_on_the_group_only(default: Template) -> None:
    default.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": [
                            "logs:CreateLogStream",
                            "logs:PutLogEvents",
                            "logs:DescribeLogStreams",
                        ],
                        "Effect": "Allow",
                        "Resource": {
                            "Fn::GetAtt": [Match.string_like_regexp("FlowLogsLogGroup"), "Arn"]
                        },
                    }
                ]
            },
            "Roles": [{"Ref": Match.string_like_regexp("FlowLogsRole")}],
        },
    )


def test_no_aws_managed_policy_anywhere(default: Template) -> None:
    for role in default.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"], role


def test_custom_resource_provider_logs_to_its_own_encrypted_group(default: Template) -> None:
    groups = default.find_resources(
        "AWS::Logs::LogGroup",
        {"Properties": {"LogGroupName": "/multivpc/Net/sdk-calls"}},
    )
    [(group_id, group)] = groups.items()
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["Properties"]["KmsKeyId"]["Fn::GetAtt"][0].startswith("coreFlowLogsKey")
    default.has_resource_properties(
        "AWS::Lambda::Function", {"LoggingConfig": {"LogGroup": {"Ref": group_id}}}
    )
    default.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Effect": "Allow",
                        "Resource": {"Fn::GetAtt": [group_id, "Arn"]},
                    }
                ]
            }
        },
    )
    [key] = default.find_resources("AWS::KMS::Key").values()
    assert "log-group:/multivpc/Net/sdk-calls" in str(key["Properties"]["KeyPolicy"])


def test_s3_flow_logs_declare_log_delivery_grants() -> None:
    template = _template(flow_logs=FlowLogSettings(destination="s3"))
    [policy] = template.find_resources("AWS::S3::BucketPolicy").values()
    statements = {s.get("Sid"): s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    write = statements["AWSLogDeliveryWrite"]
    assert write["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert write["Action"] == "s3:PutObject"
    assert write["Condition"]["StringEquals"] == {
        "aws:SourceAccount": ACCOUNT,
        "s3:x-amz-acl": "bucket-owner-full-control",
    }
    assert "AWSLogs/" in str(write["Resource"])
    check = statements["AWSLogDeliveryCheck"]
    assert check["Action"] == ["s3:GetBucketAcl", "s3:ListBucket"]
    assert check["Condition"]["ArnLike"] == {
        "aws:SourceArn": _join("arn:", PARTITION, ":logs:", REGION, ":", ACCOUNT, ":*")
    }
    [bucket] = template.find_resources("AWS::S3::Bucket").values()
    assert "VersioningConfiguration" not in bucket["Properties"]
    sse = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


def test_s3_flow_logs_with_versioning_and_kms() -> None:
    template = _template(
        flow_logs=FlowLogSettings(destination="s3", bucket_versioning=True, bucket_encryption="kms")
    )
    [bucket] = template.find_resources("AWS::S3::Bucket").values()
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    sse = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert sse["BucketKeyEnabled"] is True
    # The bucket's key, beside the key of the stack's SDK-call logs.
    [key] = [
        k
        for k in template.find_resources("AWS::KMS::Key").values()
        if k["Properties"]["Description"] == "Encrypts VPC flow logs in S3"
    ]
    delivery = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Principal") == {"Service": "delivery.logs.amazonaws.com"}
    ]
    assert len(delivery) == 1
    assert "kms:GenerateDataKey*" in delivery[0]["Action"]
