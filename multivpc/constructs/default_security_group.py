"""Strip every rule from a VPC's default security group.

CloudFormation cannot change the default security group, so this uses the public
``AwsCustomResource`` (one shared Lambda per stack) to revoke its two default rules: the
self-referencing ingress and the allow-all egress. Nothing then uses the default group by
accident.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import custom_resources as cr
from constructs import Construct

from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.sdk_call_provider import sdk_call
from multivpc.vocabulary import RETENTION_DAY_NAMES


class RestrictDefaultSecurityGroup(Construct):
    """Revokes the default rules of ``security_group_id`` once, on create (and on update).

    The calls run on the stack's least-privilege SDK-call provider
    (``multivpc.constructs.sdk_call_provider``): a role of its own, no AWS managed policy,
    a log group of its own with retention (and, given a key, KMS encryption).

    Args:
        security_group_id: the VPC's default security group
            (``CfnVPC.attr_default_security_group``).
        log_retention_days: retention of the provider's log group. Default 365.
        encryption_key: encrypts the provider's log group; the key policy is extended to
            let CloudWatch Logs use it for that group only. Default: none (SSE by
            CloudWatch Logs).
    """

    ingress: cr.AwsCustomResource
    """Revokes the self-referencing ingress rule."""
    egress: cr.AwsCustomResource
    """Revokes the allow-all egress rule."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        security_group_id: str,
        log_retention_days: int = 365,
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id)
        if log_retention_days not in RETENTION_DAY_NAMES:
            allowed = ", ".join(str(days) for days in RETENTION_DAY_NAMES)
            raise ConstructArgumentError(
                self.node.path,
                f"CloudWatch Logs cannot keep logs {log_retention_days} days; use one of {allowed}",
            )
        stack = cdk.Stack.of(self)
        self._retention = log_retention_days
        self._key = encryption_key
        group_arn = stack.format_arn(
            service="ec2", resource="security-group", resource_name=security_group_id
        )
        self.ingress = self._revoke(
            "RevokeIngress",
            "revokeSecurityGroupIngress",
            security_group_id,
            [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": security_group_id}]}],
            group_arn,
        )
        self.egress = self._revoke(
            "RevokeEgress",
            "revokeSecurityGroupEgress",
            security_group_id,
            [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            group_arn,
        )

    def _revoke(
        self,
        id: str,
        action: str,
        security_group_id: str,
        permissions: list[dict[str, object]],
        group_arn: str,
    ) -> cr.AwsCustomResource:
        call = cr.AwsSdkCall(
            service="EC2",
            action=action,
            parameters={"GroupId": security_group_id, "IpPermissions": permissions},
            physical_resource_id=cr.PhysicalResourceId.of(f"{security_group_id}-{action}"),
            # Already revoked (for example by hand): nothing left to do.
            ignore_error_codes_matching="InvalidPermission.NotFound",
        )
        return sdk_call(
            self,
            id,
            on_create=call,
            on_update=call,
            statements=[
                iam.PolicyStatement(
                    actions=[f"ec2:{action[0].upper()}{action[1:]}"], resources=[group_arn]
                )
            ],
            inline_policy_reason="AwsCustomResource attaches its own policy; it allows one EC2 "
            "action on this one security group.",
            log_retention_days=self._retention,
            encryption_key=self._key,
        )
