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
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from multivpc.constructs.acknowledgements import acknowledge
from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.flow_logs import allow_log_group_use
from multivpc.vocabulary import RETENTION_DAY_NAMES

# The singleton provider Lambda AwsCustomResource adds to the stack.
_PROVIDER_ID = "AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", "")
_LOG_GROUP_ID = "DefaultSecurityGroupRevokerLogs"
_POLICY_ID = "DefaultSecurityGroupRevokerLogsPolicy"
_ROLE_ID = "DefaultSecurityGroupRevokerRole"


class RestrictDefaultSecurityGroup(Construct):
    """Revokes the default rules of ``security_group_id`` once, on create (and on update).

    The provider Lambda (one per stack, shared by every instance in the stack) logs to a
    log group of its own with retention (and, given a key, KMS encryption), and its role
    may write to that group only: no AWS managed policy.

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
    log_group: logs.ILogGroup
    """The provider Lambda's log group (shared within the stack)."""

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
        first_in_stack = stack.node.try_find_child(_ROLE_ID) is None
        self.log_group = _provider_log_group(stack, log_retention_days, encryption_key)
        self._role = _provider_role(stack, self.log_group)
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
        acknowledge(
            self,
            "IAMNoInlinePolicy",
            "AwsCustomResource attaches its own policy; it allows one EC2 action on this one "
            "security group.",
        )
        if first_in_stack:
            _acknowledge_provider(stack)

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
            log_group=self.log_group,
            role=self._role,
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [
                    iam.PolicyStatement(
                        actions=[f"ec2:{action[0].upper()}{action[1:]}"], resources=[group_arn]
                    )
                ]
            ),
        )


def _provider_log_group(
    stack: cdk.Stack, retention_days: int, key: kms.IKey | None
) -> logs.ILogGroup:
    """The provider's log group: one per stack, named after the stack, so that a key
    policy can name it before it exists."""
    existing = stack.node.try_find_child(_LOG_GROUP_ID)
    if isinstance(existing, logs.LogGroup):
        return existing
    name = f"/multivpc/{stack.stack_name}/default-security-group-revoker"
    if key is not None:
        allow_log_group_use(key, name)
    return logs.LogGroup(
        stack,
        _LOG_GROUP_ID,
        log_group_name=name,
        encryption_key=key,
        retention=logs.RetentionDays[RETENTION_DAY_NAMES[retention_days]],
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )


def _provider_role(stack: cdk.Stack, log_group: logs.ILogGroup) -> iam.Role:
    """The provider's role, one per stack: no AWS managed policy (AWSLambdaBasicExecutionRole
    would allow writing to any log group), only its own log group; AwsCustomResource adds
    each resource's EC2 permission to it."""
    existing = stack.node.try_find_child(_ROLE_ID)
    if isinstance(existing, iam.Role):
        return existing
    role = iam.Role(
        stack,
        _ROLE_ID,
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Runs the custom resource that strips default security groups",
    )
    iam.ManagedPolicy(
        stack,
        _POLICY_ID,
        description="Lets the default security group revoker write its own logs only",
        roles=[role],
        statements=[
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        ],
    )
    return role


def _acknowledge_provider(stack: cdk.Stack) -> None:
    """State once per stack why the provider Lambda is as it is."""
    provider = stack.node.find_child(_PROVIDER_ID)
    acknowledge(
        provider,
        "LambdaConcurrency",
        "CloudFormation invokes this provider once per change of the stack; reserving "
        "concurrency would take capacity from the account for nothing.",
    )
    acknowledge(
        provider,
        "LambdaDLQ",
        "CloudFormation invokes the provider synchronously and reports a failure as a failed "
        "deployment; there is no asynchronous event to lose.",
    )
    acknowledge(
        provider,
        "LambdaInsideVPC",
        "The provider only calls the EC2 API to revoke two rules; placing it in the VPC it "
        "configures would need NAT or endpoints there for no gain.",
    )
