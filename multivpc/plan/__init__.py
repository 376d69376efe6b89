"""The plan: stacks with roles and dependencies, subnets with CIDRs, gateways, and every
route of every route table with its target, derived from a checked topology."""

from multivpc.plan.build import plan
from multivpc.plan.network import (
    AttachmentPlan,
    AttachmentRoutingPlan,
    NatGatewayPlan,
    NetworkPlan,
    PeeringPlan,
    PeeringSidePlan,
    RoutePlan,
    SegmentRoutePlan,
    SharedId,
    StackPlan,
    StackRole,
    TargetKind,
    TransitGatewayPeeringPlan,
    TransitGatewayPeeringRoutePlan,
    TransitGatewayPeeringSidePlan,
    TransitGatewayPlan,
    VpcPeeringPlan,
    VpcPeeringSidePlan,
    VpcPlan,
)

__all__ = [
    "AttachmentPlan",
    "AttachmentRoutingPlan",
    "NatGatewayPlan",
    "NetworkPlan",
    "PeeringPlan",
    "PeeringSidePlan",
    "RoutePlan",
    "SegmentRoutePlan",
    "SharedId",
    "StackPlan",
    "StackRole",
    "TargetKind",
    "TransitGatewayPeeringPlan",
    "TransitGatewayPeeringRoutePlan",
    "TransitGatewayPeeringSidePlan",
    "TransitGatewayPlan",
    "VpcPeeringPlan",
    "VpcPeeringSidePlan",
    "VpcPlan",
    "plan",
]
