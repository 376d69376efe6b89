"""Wires a NetworkPlan into a CDK app: one stack per planned stack (by role), their
dependencies, and cdk-nag on every synth."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from multivpc.plan import NetworkPlan
from multivpc.stacks.vpc_stack import VpcStack


def add_network(app: cdk.App, network: NetworkPlan, *, checks: bool = True) -> list[cdk.Stack]:
    """Add the plan's stacks to ``app``, in plan order, with their dependencies; with
    ``checks``, cdk-nag AwsSolutions runs at synth and any unacknowledged error fails it."""
    if checks:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    stacks: dict[str, cdk.Stack] = {}
    for planned in network.stacks:
        if planned.role == "vpc":
            [vpc_name] = planned.vpcs
            stack: cdk.Stack = VpcStack(app, stack=planned, vpc=network.vpc(vpc_name))
        for dependency in planned.depends_on:
            if dependency not in stacks:
                raise ValueError(
                    f"stack {planned.name} depends on {dependency}, which the plan does not "
                    "list before it"
                )
            stack.add_dependency(stacks[dependency])
        # Zone names are explicit by design (never looked up): that is what W3010 warns about.
        cdk.Validations.of(stack).acknowledge(
            cdk.Acknowledgment(
                id="CloudFormation-Validate::W3010",
                reason="multivpc places subnets in zones the config names explicitly, so that "
                "synth needs no lookups and Local Zones can be addressed.",
            )
        )
        stacks[planned.name] = stack
    return list(stacks.values())
