"""VPC flow logs to a KMS-encrypted CloudWatch log group or an encrypted S3 bucket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

FlowLogDestinationKind = Literal["cloud-watch-logs", "s3"]
TrafficType = Literal["ALL", "ACCEPT", "REJECT"]


@dataclass(frozen=True)
class FlowLogSettings:
    """How a VPC's flow logs are kept.

    destination: ``cloud-watch-logs`` (default) or ``s3``.
    retention_days: log group retention, or bucket expiry for s3 (default 365).
    traffic_type: ``ALL`` (default), ``ACCEPT`` or ``REJECT``.
    """

    destination: FlowLogDestinationKind = "cloud-watch-logs"
    retention_days: int = 365
    traffic_type: TrafficType = "ALL"


class VpcFlowLogs(Construct):
    """Flow logs of one VPC and where they go.

    Attributes: ``flow_log``; ``key`` and ``log_group`` (cloud-watch-logs) or ``bucket`` (s3).
    """

    def __init__(
        self, scope: Construct, id: str, *, vpc: ec2.IVpc, settings: FlowLogSettings
    ) -> None:
        super().__init__(scope, id)
        if settings.retention_days < 1:
            raise ValueError(f"{self.node.path}: retention_days must be at least 1")
        self.key: kms.Key | None = None
        self.log_group: logs.LogGroup | None = None
        self.bucket: s3.Bucket | None = None
        if settings.destination == "cloud-watch-logs":
            destination = self._to_log_group(settings.retention_days)
        else:
            destination = self._to_bucket(settings.retention_days)
        self.flow_log = ec2.FlowLog(
            self,
            "FlowLog",
            resource_type=ec2.FlowLogResourceType.from_vpc(vpc),
            destination=destination,
            traffic_type=ec2.FlowLogTrafficType[settings.traffic_type],
        )

    def _to_log_group(self, retention_days: int) -> ec2.FlowLogDestination:
        stack = cdk.Stack.of(self)
        self.key = kms.Key(
            self,
            "Key",
            description=f"Encrypts the flow logs of {self.node.path}",
            enable_key_rotation=True,
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
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
                        "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name="*",
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                    }
                },
            )
        )
        self.log_group = logs.LogGroup(self, "LogGroup", encryption_key=self.key)
        log_group_resource = self.log_group.node.default_child
        assert isinstance(log_group_resource, logs.CfnLogGroup)
        log_group_resource.retention_in_days = retention_days
        return ec2.FlowLogDestination.to_cloud_watch_logs(self.log_group)

    def _to_bucket(self, retention_days: int) -> ec2.FlowLogDestination:
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=False,
            lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(retention_days))],
        )
        cdk.Validations.of(self.bucket).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-S1",
                reason="This bucket only receives VPC flow logs; access logging it would log the "
                "log delivery service itself.",
            )
        )
        return ec2.FlowLogDestination.to_s3(self.bucket)
