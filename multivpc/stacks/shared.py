"""What every stack module needs from a plan entry: the stack itself (named and placed as
planned), and an id published by another account or region (read at deploy time)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from multivpc.constructs import RemoteId
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
