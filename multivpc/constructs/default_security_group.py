"""Strip every rule from a VPC's default security group.

CloudFormation cannot change the default security group, so this uses the public
``AwsCustomResource`` (one shared Lambda per stack) to revoke its two default rules: the
self-referencing ingress and the allow-all egress. Nothing then uses the default group by
accident.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr
from constructs import Construct

# The singleton provider Lambda AwsCustomResource adds to the stack.
_PROVIDER_ID = "AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", "")


class RestrictDefaultSecurityGroup(Construct):
    """Revokes the default rules of ``security_group_id`` once, on create (and on update).

    Args:
        security_group_id: the VPC's default security group
            (``CfnVPC.attr_default_security_group``).
    """

    ingress: cr.AwsCustomResource
    """Revokes the self-referencing ingress rule."""
    egress: cr.AwsCustomResource
    """Revokes the allow-all egress rule."""

    def __init__(self, scope: Construct, id: str, *, security_group_id: str) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
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
        provider = stack.node.try_find_child(_PROVIDER_ID)
        if provider is not None:
            cdk.Validations.of(provider).acknowledge(
                cdk.Acknowledgment(
                    id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:"
                    "policy/service-role/AWSLambdaBasicExecutionRole]",
                    reason="The AwsCustomResource provider only needs to write its own logs; "
                    "the AWS managed basic execution policy grants exactly that.",
                ),
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
        return cr.AwsCustomResource(
            self,
            id,
            on_create=call,
            on_update=call,
            install_latest_aws_sdk=False,
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [
                    iam.PolicyStatement(
                        actions=[f"ec2:{action[0].upper()}{action[1:]}"], resources=[group_arn]
                    )
                ]
            ),
        )
