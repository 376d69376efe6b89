"""The Lambda behind every ``AwsCustomResource`` of a stack, set up with least privilege.

aws-cdk-lib creates one provider function per stack for all its ``AwsCustomResource``s.
Left alone, its role carries AWSLambdaBasicExecutionRole (write to any log group). Here
it gets a role of its own, allowed to write only to a log group of its own (retention
set, optionally KMS-encrypted); each custom resource adds its one API permission.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct, IConstruct

from multivpc.constructs.acknowledgements import acknowledge
from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.flow_logs import allow_log_group_use
from multivpc.vocabulary import RETENTION_DAY_NAMES, sdk_role_name

_PROVIDER_ID = "AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", "")
_LOG_GROUP_ID = "SdkCallProviderLogs"
_POLICY_ID = "SdkCallProviderLogsPolicy"
_ROLE_ID = "SdkCallProviderRole"
_KEY_ID = "SdkCallProviderKey"
_SETUP_ATTRIBUTE = "_multivpc_sdk_call_provider"
_PROVIDER_ATTRIBUTE = "_multivpc_sdk_call_provider_acknowledged"


def sdk_call(
    scope: Construct,
    id: str,
    *,
    on_create: cr.AwsSdkCall,
    on_update: cr.AwsSdkCall | None = None,
    on_delete: cr.AwsSdkCall | None = None,
    statements: Sequence[iam.PolicyStatement] = (),
    inline_policy_reason: str = "",
    log_retention_days: int = 365,
    encryption_key: kms.IKey | None = None,
) -> cr.AwsCustomResource:
    """An ``AwsCustomResource`` on the stack's least-privilege provider.

    ``statements`` are the resource's own permissions (AwsCustomResource attaches them as
    a policy of its own: ``inline_policy_reason`` says why that is acceptable, for the
    compliance packs' IAMNoInlinePolicy). Without statements, the caller grants the
    provider's role what the call needs (``inline_function.allow_one_more``) and makes the
    resource depend on that grant. A role's inline policies share 10,240 characters, so a
    stack with many calls grants through managed policies instead. The first call in a
    stack sets the provider's log retention and key (without one, the stack gets a key of
    its own, rotation on).
    """
    if statements and not inline_policy_reason:
        raise ConstructArgumentError(
            f"{scope.node.path}/{id}", "statements need an inline_policy_reason (IAMNoInlinePolicy)"
        )
    stack = cdk.Stack.of(scope)
    first = not getattr(stack, _PROVIDER_ATTRIBUTE, False)
    log_group, role = provider_setup(
        stack, log_retention_days=log_retention_days, encryption_key=encryption_key
    )
    resource = cr.AwsCustomResource(
        scope,
        id,
        on_create=on_create,
        on_update=on_update,
        on_delete=on_delete,
        install_latest_aws_sdk=False,
        log_group=log_group,
        role=role,
        policy=cr.AwsCustomResourcePolicy.from_statements(list(statements)) if statements else None,
    )
    if statements:
        acknowledge(resource, "IAMNoInlinePolicy", inline_policy_reason)
    if first:
        _acknowledge_provider(stack.node.find_child(_PROVIDER_ID))
        setattr(stack, _PROVIDER_ATTRIBUTE, True)
    return resource


def provider_setup(
    stack: cdk.Stack, *, log_retention_days: int = 365, encryption_key: kms.IKey | None = None
) -> tuple[logs.ILogGroup, iam.Role]:
    """The stack's SDK-call log group and role (``mvpc-sdk-<hash>``), made on first use:
    custom-resource functions of the stack share them. The first caller sets the log
    retention and key (without one, the stack gets a key of its own, rotation on)."""
    # Kept on the stack object: looking it up in the construct tree costs jsii round trips.
    setup: tuple[logs.ILogGroup, iam.Role] | None = getattr(stack, _SETUP_ATTRIBUTE, None)
    if setup is None:
        log_group = _log_group(stack, log_retention_days, encryption_key)
        setup = (log_group, _role(stack, log_group))
        setattr(stack, _SETUP_ATTRIBUTE, setup)
    return setup


def _log_group(stack: cdk.Stack, retention_days: int, key: kms.IKey | None) -> logs.ILogGroup:
    """One per stack, named after the stack, so that a key policy can name it before it
    exists."""
    existing = stack.node.try_find_child(_LOG_GROUP_ID)
    if isinstance(existing, logs.LogGroup):
        return existing
    name = f"/multivpc/{stack.stack_name}/sdk-calls"
    if key is None:
        key = kms.Key(
            stack,
            _KEY_ID,
            description="Encrypts the logs of the stack's AWS SDK calls",
            enable_key_rotation=True,
        )
    allow_log_group_use(key, name)
    return logs.LogGroup(
        stack,
        _LOG_GROUP_ID,
        log_group_name=name,
        encryption_key=key,
        retention=logs.RetentionDays[RETENTION_DAY_NAMES[retention_days]],
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )


def _role(stack: cdk.Stack, log_group: logs.ILogGroup) -> iam.Role:
    existing = stack.node.try_find_child(_ROLE_ID)
    if isinstance(existing, iam.Role):
        return existing
    region = None if cdk.Token.is_unresolved(stack.region) else stack.region
    role = iam.Role(
        stack,
        _ROLE_ID,
        role_name=sdk_role_name(stack.stack_name, region),
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Runs the stack's AWS SDK calls (custom resources)",
    )
    iam.ManagedPolicy(
        stack,
        _POLICY_ID,
        description="Lets the SDK-call provider write its own logs only",
        roles=[role],
        statements=[
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        ],
    )
    return role


_REASONS: dict[str, str] = {
    "LambdaConcurrency": "CloudFormation invokes this provider once per change of the stack; "
    "reserving concurrency would take capacity from the account for nothing.",
    "LambdaDLQ": "CloudFormation invokes the provider synchronously and reports a failure as "
    "a failed deployment; there is no asynchronous event to lose.",
    "LambdaInsideVPC": "The provider only calls AWS APIs (EC2, SSM, STS); placing it in a VPC "
    "would need NAT or endpoints there for no gain.",
}


def _acknowledge_provider(provider: IConstruct) -> None:
    for rule, reason in _REASONS.items():
        acknowledge(provider, rule, reason)
