"""What every stack module needs from a plan entry: the stack itself (named and placed as
planned), and an id another stack publishes (read at deploy time)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from constructs import Construct

from multivpc.constructs import LocalId, PublishedId, RemoteId
from multivpc.plan import SharedId, StackPlan


def planned_env(stack: StackPlan) -> cdk.Environment:
    """The account and region the plan gives the stack."""
    return cdk.Environment(account=stack.account_id, region=stack.region)


class PlannedStack(cdk.Stack):
    """A stack the plan describes: named as planned, deployed in the planned account and
    region, with a description for the CloudFormation console."""

    def __init__(self, scope: Construct, stack: StackPlan, description: str, **kwargs: Any) -> None:
        super().__init__(
            scope, stack.name, env=planned_env(stack), description=description, **kwargs
        )


BOOTSTRAP_QUALIFIER_CONTEXT = "@aws-cdk/core:bootstrapQualifier"
"""The context key that sets the CDK bootstrap qualifier (``cdk.json`` or ``-c``)."""


def deploy_role_arn(scope: Construct, account: str, region: str) -> str:
    """The role CloudFormation deploys a stack of ``account`` and ``region`` with: the
    CloudFormation execution role of CDK's default synthesizer, which the CDK CLI passes
    to CloudFormation on every deploy (``cdk bootstrap`` makes it), named with the app's
    bootstrap qualifier."""
    qualifier = (
        scope.node.try_get_context(BOOTSTRAP_QUALIFIER_CONTEXT)
        or cdk.DefaultStackSynthesizer.DEFAULT_QUALIFIER
    )
    return (
        f"arn:{cdk.Stack.of(scope).partition}:iam::{account}:role/"
        f"cdk-{qualifier}-cfn-exec-role-{account}-{region}"
    )


def read_id(
    scope: Construct, id: str, shared: SharedId, *, encryption_key: kms.IKey | None = None
) -> str:
    """``shared``'s value, read at deploy time: with ``LocalId`` in the owner's account and
    region, else with ``RemoteId`` through the owner's reader role (``encryption_key``
    encrypts its SDK-call log group). Never a cross-stack export, which would stop the
    owner from replacing the resource (CloudFormation refuses to change an export in use)."""
    stack = cdk.Stack.of(scope)
    if (stack.account, stack.region) == (shared.account_id, shared.region):
        return LocalId(scope, id, parameter_name=shared.parameter, version=shared.version).value
    if not shared.reader_role:
        raise ValueError(f"{shared.parameter} is readable in {shared.account_id} only")
    return RemoteId(
        scope,
        id,
        parameter_name=shared.parameter,
        account_id=shared.account_id,
        region=shared.region,
        reader_role_name=shared.reader_role,
        encryption_key=encryption_key,
        version=shared.version,
    ).value


def publish_id(scope: Construct, id: str, shared: SharedId, value: str) -> PublishedId:
    """``value`` published at ``shared``'s parameter, for ``read_id``: with the reader role,
    trusting exactly ``shared.readers``, when stacks of other accounts or regions read it;
    without one when only its own account and region do."""
    accounts = sorted({account for account, _ in shared.readers})
    return PublishedId(
        scope,
        id,
        parameter_name=shared.parameter,
        value=value,
        reader_accounts=accounts,
        reader_role_name=shared.reader_role if accounts else None,
        reader_roles=shared.readers,
    )


def keep_export(stack: cdk.Stack, value: str) -> None:
    """Keep the export that CDK made for ``value`` when another stack of the same account
    and region referenced it directly (multivpc before ids were read with ``LocalId``).

    An estate deployed before still has stacks that import it, and CloudFormation refuses to
    remove an export in use: without it, the owner's stack, deployed first, would fail. With
    it, ``cdk deploy --all`` updates the owner (export unchanged), then the readers (which
    stop importing). Nothing imports it afterwards, so its value may change (a replaced
    resource) and a later release can drop it (README, upgrade notes)."""
    stack.export_value(value)
