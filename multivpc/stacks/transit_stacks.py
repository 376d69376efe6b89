"""Stacks of roles ``hub`` and ``routing`` (a Transit Gateway and its segment intent) and
``peering``, ``peering-accepter`` and ``peering-routing`` (a Transit Gateway peering)."""

from __future__ import annotations

from typing import Any

from constructs import Construct

from multivpc.constructs import (
    PublishedId,
    SegmentAttachment,
    SegmentRoute,
    SegmentRouting,
    TransitGatewayHub,
    TransitGatewayPeeringAcceptance,
    TransitGatewayPeeringAttachment,
)
from multivpc.plan import (
    StackPlan,
    TransitGatewayPeeringPlan,
    TransitGatewayPeeringSidePlan,
    TransitGatewayPlan,
)
from multivpc.stacks.shared import PlannedStack, keep_export, publish_id, read_id


class HubStack(PlannedStack):
    """A Transit Gateway, its segment route tables, its RAM share, and their ids published:
    the gateway's for spokes in other accounts too, the route tables' for the routing
    stacks (same account and region)."""

    hub: TransitGatewayHub
    published_id: PublishedId

    def __init__(
        self, scope: Construct, *, stack: StackPlan, tgw: TransitGatewayPlan, **kwargs: Any
    ) -> None:
        super().__init__(
            scope,
            stack,
            f"multivpc: Transit Gateway {tgw.name} in {tgw.region}",
            **kwargs,
        )
        self.hub = TransitGatewayHub(
            self,
            tgw.name,
            segments=tgw.segments,
            amazon_side_asn=tgw.amazon_side_asn,
            description=f"multivpc {tgw.stack_name}",
            share_principals=tgw.share_principals,
            allow_external_principals=tgw.allow_external_principals,
        )
        self.hub.transit_gateway.tags.set_tag("Name", tgw.stack_name)
        for segment, table in self.hub.route_tables.items():
            table.tags.set_tag("Name", f"{tgw.stack_name}-{segment}")
        self.published_id = publish_id(
            self, "PublishedId", tgw.id_parameter, self.hub.transit_gateway_id
        )
        keep_export(self, self.hub.transit_gateway_id)
        for segment, table in self.hub.route_tables.items():
            publish_id(
                self, f"PublishedRouteTableId-{segment}", tgw.route_table_ids[segment], table.ref
            )
            keep_export(self, table.ref)


class RoutingStack(PlannedStack):
    """Associations, propagations and static routes of a Transit Gateway's attachments
    (those the plan puts in this stack), in the gateway owner's account. Every id is read at
    deploy time (``read_id``), so the hub and the spokes can replace what they own."""

    routing: SegmentRouting

    def __init__(
        self, scope: Construct, *, stack: StackPlan, tgw: TransitGatewayPlan, **kwargs: Any
    ) -> None:
        super().__init__(
            scope,
            stack,
            f"multivpc: routing of Transit Gateway {tgw.name}",
            **kwargs,
        )
        routed = [tgw.attachment(vpc) for vpc in stack.vpcs]
        routes = [
            SegmentRoute(
                id=route.id, segment=route.segment, cidr=str(route.cidr), attachment=route.vpc
            )
            for route in tgw.routes
            if route.routing_stack == stack.name
        ]
        self.routing = SegmentRouting(
            self,
            "Routing",
            route_tables=_route_tables(self, tgw),
            attachments=[
                SegmentAttachment(
                    name=a.vpc,
                    attachment_id=read_id(self, f"{a.vpc}-AttachmentId", a.attachment_id),
                    segment=a.segment,
                    propagates_to=a.propagates_into,
                )
                for a in routed
            ],
            routes=routes,
        )


def _route_tables(scope: Construct, tgw: TransitGatewayPlan) -> dict[str, str]:
    """The ids of ``tgw``'s segment route tables, read from what its hub publishes."""
    return {
        segment: read_id(scope, f"RouteTableId-{segment}", shared)
        for segment, shared in tgw.route_table_ids.items()
    }


def _side_routing(
    scope: Construct,
    tgw: TransitGatewayPlan,
    peering: TransitGatewayPeeringPlan,
    side: TransitGatewayPeeringSidePlan,
    attachment_id: str,
) -> SegmentRouting:
    """The peering attachment as a member of ``side.segment`` of ``tgw`` (that side's
    gateway), and its static routes."""
    return SegmentRouting(
        scope,
        "Routing",
        route_tables=_route_tables(scope, tgw),
        attachments=[SegmentAttachment(peering.name, attachment_id, side.segment)],
        routes=[
            SegmentRoute(route.id, route.segment, str(route.cidr), peering.name)
            for route in side.routes
        ],
    )


class TransitGatewayPeeringStack(PlannedStack):
    """A Transit Gateway peering attachment, in the requester's account and region; its id
    published for the accepter's stack and the requester's routing stack (with a reader role
    when the accepter is in another account or region)."""

    attachment: TransitGatewayPeeringAttachment

    def __init__(
        self,
        scope: Construct,
        *,
        stack: StackPlan,
        peering: TransitGatewayPeeringPlan,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            stack,
            f"multivpc: Transit Gateway peering {peering.name} "
            f"({peering.requester.transit_gateway} to {peering.accepter.transit_gateway})",
            **kwargs,
        )
        accepter = peering.accepter
        self.attachment = TransitGatewayPeeringAttachment(
            self,
            peering.name,
            transit_gateway_id=read_id(self, "TransitGatewayId", peering.transit_gateway_id),
            peer_transit_gateway_id=read_id(
                self, "PeerTransitGatewayId", peering.peer_transit_gateway_id
            ),
            peer_account_id=accepter.account_id,
            peer_region=accepter.region,
        )
        self.attachment.attachment.tags.set_tag("Name", f"{stack.name}")
        # A reader role when the accepter reads it from elsewhere (RemoteId).
        publish_id(self, "PublishedId", peering.attachment_id, self.attachment.attachment_id)
        keep_export(self, self.attachment.attachment_id)


class TransitGatewayPeeringAccepterStack(PlannedStack):
    """The accepter's side of a peering: the acceptance, then the attachment's association
    with its segment and the static routes to the requester's VPCs."""

    acceptance: TransitGatewayPeeringAcceptance
    routing: SegmentRouting

    def __init__(
        self,
        scope: Construct,
        *,
        stack: StackPlan,
        peering: TransitGatewayPeeringPlan,
        accepter_tgw: TransitGatewayPlan,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            stack,
            f"multivpc: acceptance and routes of Transit Gateway peering "
            f"{peering.name} on {peering.accepter.transit_gateway}",
            **kwargs,
        )
        attachment_id = read_id(self, "AttachmentId", peering.attachment_id)
        self.acceptance = TransitGatewayPeeringAcceptance(
            self, "Acceptance", attachment_id=attachment_id
        )
        self.routing = _side_routing(self, accepter_tgw, peering, peering.accepter, attachment_id)
        self.routing.node.add_dependency(self.acceptance)


class TransitGatewayPeeringRoutingStack(PlannedStack):
    """The requester's side of an accepted peering: the attachment's association with its
    segment and the static routes to the accepter's VPCs."""

    routing: SegmentRouting

    def __init__(
        self,
        scope: Construct,
        *,
        stack: StackPlan,
        peering: TransitGatewayPeeringPlan,
        requester_tgw: TransitGatewayPlan,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            stack,
            f"multivpc: routes of Transit Gateway peering {peering.name} on "
            f"{peering.requester.transit_gateway}",
            **kwargs,
        )
        self.routing = _side_routing(
            self,
            requester_tgw,
            peering,
            peering.requester,
            read_id(self, "AttachmentId", peering.attachment_id),
        )
