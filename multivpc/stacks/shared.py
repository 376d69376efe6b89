"""What every stack module needs from a plan entry: where the stack deploys, and an id
published by another account or region (read at deploy time)."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from multivpc.constructs import RemoteId
from multivpc.plan import SharedId, StackPlan


def planned_env(stack: StackPlan) -> cdk.Environment:
    """The account and region the plan gives the stack."""
    return cdk.Environment(account=stack.account_id, region=stack.region)


def remote_id(scope: Construct, id: str, shared: SharedId) -> str:
    """``shared``'s value, read with ``RemoteId`` through its owner's reader role."""
    return RemoteId(
        scope,
        id,
        parameter_name=shared.parameter,
        account_id=shared.account_id,
        region=shared.region,
        reader_role_name=shared.reader_role,
        version=shared.version,
    ).value
