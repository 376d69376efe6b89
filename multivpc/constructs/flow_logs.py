"""VPC flow logs to a KMS-encrypted CloudWatch log group or an encrypted S3 bucket."""

from __future__ import annotations

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
from multivpc.vocabulary import RETENTION_DAY_NAMES, FlowLogDestination, TrafficType

if TYPE_CHECKING:
    from aws_cdk import aws_s3 as s3


@dataclass(frozen=True)
class FlowLogSettings:
    """How a VPC's flow logs are kept.

    Args:
        destination: ``cloud-watch-logs`` (a KMS-encrypted log group) or ``s3`` (an
            encrypted bucket that denies non-TLS requests). Default ``cloud-watch-logs``.
        retention_days: log group retention, or bucket expiry for s3. Default 365; for
            cloud-watch-logs one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, ...).
        traffic_type: ``ALL``, ``ACCEPT`` or ``REJECT``. Default ``ALL``.
    """

    destination: FlowLogDestination = "cloud-watch-logs"
    retention_days: int = 365
    traffic_type: TrafficType = "ALL"


class VpcFlowLogs(Construct):
    """Flow logs of one VPC and where they go.

    Args:
        vpc_id: the VPC whose traffic is logged.
        settings: destination, retention and traffic type (``FlowLogSettings``).

    Raises:
        ConstructArgumentError: retention_days is below 1, or not a value CloudWatch Logs
            accepts for a log group.
    """

    flow_log: ec2.CfnFlowLog
    """The flow log."""
    key: kms.Key | None
    """cloud-watch-logs: the KMS key encrypting the log group (rotation on)."""
    log_group: logs.LogGroup | None
    """cloud-watch-logs: the log group."""
    role: iam.Role | None
    """cloud-watch-logs: the role flow logs deliver with, allowed to write that group only."""
    bucket: s3.Bucket | None
    """s3: the bucket."""

    def __init__(
        self, scope: Construct, id: str, *, vpc_id: str, settings: FlowLogSettings
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
        self.key = None
        self.log_group = None
        self.role = None
        self.bucket = None
        if settings.destination == "cloud-watch-logs":
            self.flow_log = self._to_log_group(vpc_id, settings)
        else:
            self.flow_log = self._to_bucket(vpc_id, settings)

    def _to_log_group(self, vpc_id: str, settings: FlowLogSettings) -> ec2.CfnFlowLog:
        self.key = kms.Key(
            self, "Key", description="Encrypts VPC flow logs", enable_key_rotation=True
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(f"logs.{_pseudo('REGION')}.amazonaws.com")],
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": f"arn:{_pseudo('PARTITION')}:logs:"
                        f"{_pseudo('REGION')}:{_pseudo('ACCOUNT_ID')}:log-group:*"
                    }
                },
            )
        )
        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            encryption_key=self.key,
            retention=logs.RetentionDays[RETENTION_DAY_NAMES[settings.retention_days]],
        )
        self.role = iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com")
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources=[self.log_group.log_group_arn],
            )
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

        bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            lifecycle_rules=[
                s3.LifecycleRule(expiration=cdk.Duration.days(settings.retention_days))
            ],
        )
        self.bucket = bucket
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
        # Log delivery writes only once the bucket's TLS-only policy is in place.
        policy = bucket.policy
        if policy is not None:
            flow_log.node.add_dependency(policy)
        return flow_log


@cache
def _pseudo(name: str) -> str:
    """``cdk.Aws.<name>`` (a token, the same in every app of the process), read from jsii once."""
    value: str = getattr(cdk.Aws, name)
    return value
