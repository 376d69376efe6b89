"""Custom-resource functions whose code is inlined into the template (no asset to upload),
one per stack and purpose, on the stack's SDK-call role and log group."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from multivpc.constructs.acknowledgements import acknowledge
from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.sdk_call_provider import provider_setup
from multivpc.vocabulary import RESOURCES_PER_POLICY, ROLE_MANAGED_POLICIES

_REASONS: dict[str, str] = {
    "LambdaConcurrency": "CloudFormation invokes this function once per change of its custom "
    "resources; reserving concurrency would take capacity from the account for nothing.",
    "LambdaDLQ": "CloudFormation invokes the function for a custom resource and reports a "
    "failure as a failed deployment; there is no asynchronous event to lose.",
    "LambdaInsideVPC": "The function only calls the EC2 API; placing it in a VPC would need "
    "NAT or endpoints there for no gain.",
}


def inline_function(
    stack: cdk.Stack,
    id: str,
    *,
    source: Path,
    description: str,
    statements: Sequence[iam.PolicyStatement],
    wildcard_reason: str,
) -> lambda_.Function:
    """The stack's function ``id`` running ``source`` (made on first use; later calls
    return it). ``statements`` go into a managed policy of its own on the stack's
    SDK-call role; ``wildcard_reason`` says why their wildcard resources are needed (it
    acknowledges cdk-nag's IAM5 for each)."""
    existing: dict[str, lambda_.Function] = stack.__dict__.setdefault("_multivpc_functions", {})
    if id in existing:
        return existing[id]
    log_group, role = provider_setup(stack)
    policy = iam.ManagedPolicy(
        stack, f"{id}Policy", description=description, roles=[role], statements=list(statements)
    )
    # cdk-nag names the partition "aws" where the region fixes it (recommended feature
    # flags) and "<AWS::Partition>" otherwise; acknowledge both spellings.
    wildcards = {
        text
        for statement in statements
        for resource in statement.resources
        for partition in ("aws", "<AWS::Partition>")
        if "*" in (text := _as_nag_reads(stack.resolve(resource), partition))
    }
    for wildcard in sorted(wildcards):
        cdk.Validations.of(policy).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{wildcard}]",
                reason=wildcard_reason,
            )
        )
    function = lambda_.Function(
        stack,
        id,
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline(source.read_text(encoding="utf-8")),
        role=role,
        log_group=log_group if isinstance(log_group, logs.LogGroup) else None,
        timeout=cdk.Duration.minutes(14),
        description=f"multivpc: {description}",
    )
    function.node.add_dependency(policy)
    for rule, reason in _REASONS.items():
        acknowledge(function, rule, reason)
    existing[id] = function
    return function


def allow_one_more(
    stack: cdk.Stack, id: str, *, actions: Sequence[str], resource: str, description: str
) -> iam.ManagedPolicy:
    """Allow the stack's SDK-call role ``actions`` on one more ``resource``, by its exact
    ARN: the stack's ``id`` policies (``id``, ``id2``, ...) each name up to
    ``RESOURCES_PER_POLICY`` resources in one statement. Returns the policy that names
    ``resource``: what calls on it depends on that policy, so it is attached first and
    detached last.

    Raises:
        ConstructArgumentError: the role would carry more than ``ROLE_MANAGED_POLICIES``.
    """
    chunks: dict[str, list[tuple[iam.ManagedPolicy, iam.PolicyStatement, int]]] = (
        stack.__dict__.setdefault("_multivpc_chunked_policies", {})
    )
    named: dict[tuple[str, str], iam.ManagedPolicy] = stack.__dict__.setdefault(
        "_multivpc_chunked_resources", {}
    )
    if (id, resource) in named:  # already allowed (the same role read twice, say)
        return named[(id, resource)]
    policies = chunks.setdefault(id, [])
    if not policies or policies[-1][2] >= RESOURCES_PER_POLICY:
        _, role = provider_setup(stack)
        # On the role: its logs policy, one per inline function, and these.
        functions = stack.__dict__.get("_multivpc_functions", {})
        attached = 1 + len(functions) + sum(len(chunk) for chunk in chunks.values())
        if attached >= ROLE_MANAGED_POLICIES:
            raise ConstructArgumentError(
                stack.node.path,
                f"the SDK-call role would carry more than {ROLE_MANAGED_POLICIES} managed "
                f"policies (IAM's quota) to name every resource of {id}; split the stack",
            )
        statement = iam.PolicyStatement(actions=list(actions))
        policy = iam.ManagedPolicy(
            stack,
            f"{id}{len(policies) + 1 if policies else ''}",
            description=description,
            roles=[role],
            statements=[statement],
        )
        policies.append((policy, statement, 0))
    policy, statement, count = policies[-1]
    statement.add_resources(resource)
    policies[-1] = (policy, statement, count + 1)
    named[(id, resource)] = policy
    return policy


def _as_nag_reads(value: object, partition: str) -> str:
    """A resource as cdk-nag names it in a finding: a ``Fn::Join`` joined, the partition
    written as ``partition``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(
            partition if part == {"Ref": "AWS::Partition"} else _as_nag_reads(part, partition)
            for part in parts
        )
    return ""
