"""VPC flow logs to a KMS-encrypted CloudWatch log group or an encrypted S3 bucket.

Least privilege throughout: the delivery role trusts the flow-logs service only for this
account and its own flow logs (``aws:SourceAccount``, ``aws:SourceArn``); the key can be
used by CloudWatch Logs for the named log group only; an S3 destination declares the
log-delivery grants in the bucket policy CloudFormation owns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from multivpc.constructs.errors import ConstructArgumentError
from multivpc.vocabulary import (
    RETENTION_DAY_NAMES,
    BucketEncryption,
    FlowLogDestination,
    TrafficType,
)

if TYPE_CHECKING:
    from aws_cdk import aws_s3 as s3

_LOG_GROUP_NAME = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
_KEY_ACTIONS = [
    "kms:Encrypt*",
    "kms:Decrypt*",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:Describe*",
]


@dataclass(frozen=True)
class FlowLogSettings:
    """How a VPC's flow logs are kept.

    Args:
        destination: ``cloud-watch-logs`` (a KMS-encrypted log group) or ``s3`` (an
            encrypted bucket that denies non-TLS requests). Default ``cloud-watch-logs``.
        retention_days: log group retention, or bucket expiry for s3. Default 365; for
            cloud-watch-logs one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, ...).
        traffic_type: ``ALL``, ``ACCEPT`` or ``REJECT``. Default ``ALL``.
        bucket_versioning: s3 only: keep object versions. Default False.
        bucket_encryption: s3 only: ``s3-managed`` (SSE-S3) or ``kms`` (SSE-KMS with a
            key of the bucket's own, rotation on). Default ``s3-managed``.
    """

    destination: FlowLogDestination = "cloud-watch-logs"
    retention_days: int = 365
    traffic_type: TrafficType = "ALL"
    bucket_versioning: bool = False
    bucket_encryption: BucketEncryption = "s3-managed"


class VpcFlowLogs(Construct):
    """Flow logs of one VPC and where they go.

    Args:
        vpc_id: the VPC whose traffic is logged.
        settings: destination, retention and traffic type (``FlowLogSettings``).
        log_group_name: cloud-watch-logs only: the log group's name, which the key policy
            is scoped to. Default ``/vpc-flow-logs/<path of the parent construct>``.
            CloudFormation cannot rename a log group: a new name replaces it (a new, empty
            group; the old one and its records are deleted with the stack's resource).

    Raises:
        ConstructArgumentError: retention_days is below 1, or not a value CloudWatch Logs
            accepts for a log group; or log_group_name is not a valid log group name.
    """

    flow_log: ec2.CfnFlowLog
    """The flow log."""
    key: kms.Key | None
    """The KMS key: of the log group (cloud-watch-logs), or of the bucket (s3 with kms)."""
    log_group: logs.LogGroup | None
    """cloud-watch-logs: the log group."""
    log_group_name: str | None
    """cloud-watch-logs: the log group's name."""
    role: iam.Role | None
    """cloud-watch-logs: the role flow logs deliver with, allowed to write that group only."""
    bucket: s3.Bucket | None
    """s3: the bucket."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_id: str,
        settings: FlowLogSettings,
        log_group_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        if settings.retention_days < 1:
            raise ConstructArgumentError(self.node.path, "retention_days must be at least 1")
        if (
            settings.destination == "cloud-watch-logs"
            and settings.retention_days not in RETENTION_DAY_NAMES
        ):
            allowed = ", ".join(str(days) for days in RETENTION_DAY_NAMES)
            raise ConstructArgumentError(
                self.node.path,
                f"CloudWatch Logs cannot keep logs {settings.retention_days} days; "
                f"use one of {allowed}",
            )
        if log_group_name is not None and not _LOG_GROUP_NAME.match(log_group_name):
            raise ConstructArgumentError(
                self.node.path,
                f"log_group_name {log_group_name[:60]!r} is not a log group name; use up to 512 "
                "letters, digits and . - _ / #",
            )
        self.key = None
        self.log_group = None
        self.log_group_name = None
        self.role = None
        self.bucket = None
        if settings.destination == "cloud-watch-logs":
            name = log_group_name or f"/vpc-flow-logs/{scope.node.path}"
            self.flow_log = self._to_log_group(vpc_id, settings, name)
        else:
            self.flow_log = self._to_bucket(vpc_id, settings)

    def _to_log_group(self, vpc_id: str, settings: FlowLogSettings, name: str) -> ec2.CfnFlowLog:
        self.key = kms.Key(
            self, "Key", description="Encrypts VPC flow logs", enable_key_rotation=True
        )
        self.log_group_name = name
        allow_log_group_use(self.key, name)
        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            log_group_name=name,
            encryption_key=self.key,
            retention=logs.RetentionDays[RETENTION_DAY_NAMES[settings.retention_days]],
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                "vpc-flow-logs.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": _pseudo("ACCOUNT_ID")},
                    "ArnLike": {
                        "aws:SourceArn": f"arn:{_pseudo('PARTITION')}:ec2:{_pseudo('REGION')}:"
                        f"{_pseudo('ACCOUNT_ID')}:vpc-flow-log/*"
                    },
                },
            ),
        )
        iam.ManagedPolicy(
            self,
            "Policy",
            description="Lets VPC flow logs write to their own log group only",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    actions=[
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogStreams",
                    ],
                    resources=[self.log_group.log_group_arn],
                )
            ],
        )
        return ec2.CfnFlowLog(
            self,
            "FlowLog",
            resource_id=vpc_id,
            resource_type="VPC",
            traffic_type=settings.traffic_type,
            log_destination_type="cloud-watch-logs",
            log_group_name=self.log_group.log_group_name,
            deliver_logs_permission_arn=self.role.role_arn,
        )

    def _to_bucket(self, vpc_id: str, settings: FlowLogSettings) -> ec2.CfnFlowLog:
        from aws_cdk import aws_s3 as s3  # only s3 destinations pay for this import

        delivery = iam.ServicePrincipal("delivery.logs.amazonaws.com")
        source = {
            "StringEquals": {"aws:SourceAccount": _pseudo("ACCOUNT_ID")},
            "ArnLike": {
                "aws:SourceArn": f"arn:{_pseudo('PARTITION')}:logs:{_pseudo('REGION')}:"
                f"{_pseudo('ACCOUNT_ID')}:*"
            },
        }
        if settings.bucket_encryption == "kms":
            self.key = kms.Key(
                self, "Key", description="Encrypts VPC flow logs in S3", enable_key_rotation=True
            )
            self.key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="AllowLogDeliveryToEncrypt",
                    principals=[delivery],
                    actions=[
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:DescribeKey",
                    ],
                    resources=["*"],
                    conditions=source,
                )
            )
        bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.KMS
            if self.key is not None
            else s3.BucketEncryption.S3_MANAGED,
            encryption_key=self.key,
            bucket_key_enabled=True if self.key is not None else None,
            versioned=settings.bucket_versioning or None,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            lifecycle_rules=[
                s3.LifecycleRule(expiration=cdk.Duration.days(settings.retention_days))
            ],
        )
        self.bucket = bucket
        # The grants AWS would otherwise add to the bucket policy outside CloudFormation.
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AWSLogDeliveryWrite",
                principals=[delivery],
                actions=["s3:PutObject"],
                resources=[bucket.arn_for_objects(f"AWSLogs/{_pseudo('ACCOUNT_ID')}/*")],
                conditions={
                    **source,
                    "StringEquals": {
                        **source["StringEquals"],
                        "s3:x-amz-acl": "bucket-owner-full-control",
                    },
                },
            )
        )
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AWSLogDeliveryCheck",
                principals=[delivery],
                actions=["s3:GetBucketAcl", "s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions=source,
            )
        )
        cdk.Validations.of(bucket).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-S1",
                reason="This bucket only receives VPC flow logs; access logging it would log the "
                "log delivery service itself.",
            )
        )
        flow_log = ec2.CfnFlowLog(
            self,
            "FlowLog",
            resource_id=vpc_id,
            resource_type="VPC",
            traffic_type=settings.traffic_type,
            log_destination_type="s3",
            log_destination=bucket.bucket_arn,
        )
        # Log delivery writes only once the bucket's policy (TLS only, grants) is in place.
        policy = bucket.policy
        if policy is not None:
            flow_log.node.add_dependency(policy)
        return flow_log


def allow_log_group_use(key: kms.IKey, log_group_name: str) -> None:
    """Let CloudWatch Logs use ``key`` for the log group named ``log_group_name`` only.

    The ARN is built from the name (not read from the group), so the key policy does not
    depend on the log group that depends on the key.
    """
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{_pseudo('REGION')}.amazonaws.com")],
            actions=_KEY_ACTIONS,
            resources=["*"],
            conditions={
                "ArnEquals": {
                    "kms:EncryptionContext:aws:logs:arn": f"arn:{_pseudo('PARTITION')}:logs:"
                    f"{_pseudo('REGION')}:{_pseudo('ACCOUNT_ID')}:log-group:{log_group_name}"
                }
            },
        )
    )


@cache
def _pseudo(name: str) -> str:
    """``cdk.Aws.<name>`` (a token, the same in every app of the process), read from jsii once."""
    value: str = getattr(cdk.Aws, name)
    return value
