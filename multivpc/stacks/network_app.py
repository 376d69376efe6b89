"""Wires a NetworkPlan into a CDK app: its stacks, and cdk-nag on every synth."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from multivpc.config.plan import NetworkPlan
from multivpc.stacks.vpc_stack import VpcStack


def add_network(app: cdk.App, network: NetworkPlan, *, checks: bool = True) -> list[VpcStack]:
    """Add one stack per VPC to ``app``; with ``checks``, cdk-nag AwsSolutions runs at synth
    and any unacknowledged error fails it."""
    if checks:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    stacks = [VpcStack(app, vpc.stack_name, vpc=vpc) for vpc in network.vpcs]
    for stack in stacks:
        # Zone names are explicit by design (never looked up): that is what W3010 warns about.
        cdk.Validations.of(stack).acknowledge(
            cdk.Acknowledgment(
                id="CloudFormation-Validate::W3010",
                reason="multivpc places subnets in zones the config names explicitly, so that "
                "synth needs no lookups and Local Zones can be addressed.",
            )
        )
    return stacks
