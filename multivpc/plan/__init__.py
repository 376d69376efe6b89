"""The plan: stacks with roles and dependencies, subnets with CIDRs, gateways, and every
route of every route table with its target, derived from a checked topology."""

from multivpc.plan.build import plan
from multivpc.plan.network import (
    NatGatewayPlan,
    NetworkPlan,
    RoutePlan,
    StackPlan,
    StackRole,
    TargetKind,
    VpcPlan,
)

__all__ = [
    "NatGatewayPlan",
    "NetworkPlan",
    "RoutePlan",
    "StackPlan",
    "StackRole",
    "TargetKind",
    "VpcPlan",
    "plan",
]
