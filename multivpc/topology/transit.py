"""Transit Gateway facts: who attaches where, and which segment reaches which.

Segments are intent. An attachment associates with its segment's route table and
propagates into its own segment's table (unless the segment is ``isolated``) and into
the table of every segment it reaches or that reaches it. So a VPC reaches exactly the
VPCs whose attachments propagate into its own segment's table.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import cached_property

from multivpc.config.models import (
    NetworkConfig,
    PeeringSide,
    Segment,
    TransitGateway,
    TransitGatewayPeering,
    Vpc,
    VpcAttachment,
)
from multivpc.topology.allocation import group_zones


@dataclass(frozen=True)
class AttachmentTopology:
    """A VPC's attachment: to which Transit Gateway, in which segment, with which subnets."""

    vpc: Vpc
    transit_gateway: str
    segment: str
    subnet_group: str
    zones: tuple[str, ...]
    """The zones of the attachment's subnet group (empty when the group is unknown)."""
    route_from: tuple[str, ...]
    """Groups whose route tables send traffic to the Transit Gateway."""

    @property
    def spec(self) -> VpcAttachment:
        """The VPC's ``transit_gateway`` settings (every attachment's VPC has them)."""
        spec = self.vpc.transit_gateway
        assert spec is not None
        return spec


@dataclass(frozen=True)
class TransitTopology:
    transit_gateway: TransitGateway
    account_id: str | None
    attachments: tuple[AttachmentTopology, ...]

    @property
    def name(self) -> str:
        return self.transit_gateway.name

    @cached_property
    def _segments(self) -> dict[str, Segment]:
        """Segments by name (the first of a name declared twice, which a rule reports)."""
        by_name: dict[str, Segment] = {}
        for segment in self.transit_gateway.segments:
            by_name.setdefault(segment.name, segment)
        return by_name

    @cached_property
    def _propagation(self) -> dict[str, tuple[str, ...]]:
        """``propagates_into`` of every declared segment, computed once: reach questions
        come once per pair of attachments."""
        return {name: self._propagates_into(name) for name in self._segments}

    def segment(self, name: str) -> Segment | None:
        return self._segments.get(name)

    @cached_property
    def _attachments_by_vpc(self) -> dict[str, AttachmentTopology]:
        by_vpc: dict[str, AttachmentTopology] = {}
        for attachment in self.attachments:
            by_vpc.setdefault(attachment.vpc.name, attachment)
        return by_vpc

    def attachment_of(self, vpc: str) -> AttachmentTopology | None:
        """The attachment of VPC ``vpc``, if it attaches to this gateway (a dict lookup:
        planning asks once per VPC)."""
        return self._attachments_by_vpc.get(vpc)

    def linked(self, first: str, second: str) -> bool:
        """One of the two segments reaches the other (reach is both ways)."""
        a, b = self.segment(first), self.segment(second)
        return bool((a and second in a.reaches) or (b and first in b.reaches))

    def propagates_into(self, segment: str) -> tuple[str, ...]:
        """The route tables (segment names) an attachment of ``segment`` propagates into."""
        known = self._propagation.get(segment)
        return known if known is not None else self._propagates_into(segment)

    def _propagates_into(self, segment: str) -> tuple[str, ...]:
        own = self.segment(segment)
        names = [s.name for s in self.transit_gateway.segments]
        return tuple(
            name
            for name in names
            if (name == segment and own is not None and not own.isolated)
            or (name != segment and self.linked(segment, name))
        )

    def propagating_into(self, segment: str) -> tuple[AttachmentTopology, ...]:
        """The attachments whose VPCs ``segment``'s route table routes to (by propagation)."""
        return tuple(a for a in self.attachments if segment in self.propagates_into(a.segment))

    def reachable(self, vpc: str) -> tuple[AttachmentTopology, ...]:
        """The attachments whose VPCs ``vpc`` reaches through this Transit Gateway."""
        mine = next((a for a in self.attachments if a.vpc.name == vpc), None)
        if mine is None:
            return ()
        return tuple(
            other
            for other in self.attachments
            if other.vpc.name != vpc and mine.segment in self.propagates_into(other.segment)
        )


@dataclass(frozen=True)
class TransitGatewayPeeringEnd:
    """One side of a Transit Gateway peering, seen from that side."""

    side: PeeringSide
    transit: TransitTopology | None
    """The side's Transit Gateway (None when it is not declared)."""
    peer: PeeringSide
    peer_transit: TransitTopology | None

    @property
    def route_tables(self) -> tuple[str, ...]:
        """This side's segments that get static routes to the peer: those a member of
        ``side.segment`` would propagate into (a peering attachment cannot propagate)."""
        if self.transit is None or self.transit.segment(self.side.segment) is None:
            return ()
        return self.transit.propagates_into(self.side.segment)

    @property
    def peer_vpcs(self) -> tuple[AttachmentTopology, ...]:
        """The peer's VPCs this side reaches: those the peer's segment table routes to."""
        if self.peer_transit is None or self.peer_transit.segment(self.peer.segment) is None:
            return ()
        return self.peer_transit.propagating_into(self.peer.segment)

    def destinations(self) -> tuple[tuple[str | None, ipaddress.IPv4Network], ...]:
        """(peer VPC, CIDR) of every route this side sends to the peer: one per peer VPC,
        or the summary ``destinations`` (VPC None) instead."""
        if self.side.summaries is not None:
            return tuple((None, c) for c in self.side.summaries)
        # A VPC without a range (its allocation failed) is reported by address-allocation.
        return tuple((a.vpc.name, a.vpc.cidr) for a in self.peer_vpcs if a.vpc.cidr is not None)


@dataclass(frozen=True)
class TransitGatewayPeeringTopology:
    peering: TransitGatewayPeering
    requester: TransitGatewayPeeringEnd
    accepter: TransitGatewayPeeringEnd

    @property
    def name(self) -> str:
        return self.peering.name

    @property
    def ends(self) -> tuple[TransitGatewayPeeringEnd, TransitGatewayPeeringEnd]:
        return (self.requester, self.accepter)


def peering_topology(
    config: NetworkConfig, transits: tuple[TransitTopology, ...]
) -> tuple[TransitGatewayPeeringTopology, ...]:
    by_name = {t.name: t for t in transits}
    return tuple(
        TransitGatewayPeeringTopology(
            peering=peering,
            requester=TransitGatewayPeeringEnd(
                peering.requester,
                by_name.get(peering.requester.transit_gateway),
                peering.accepter,
                by_name.get(peering.accepter.transit_gateway),
            ),
            accepter=TransitGatewayPeeringEnd(
                peering.accepter,
                by_name.get(peering.accepter.transit_gateway),
                peering.requester,
                by_name.get(peering.requester.transit_gateway),
            ),
        )
        for peering in config.transit_gateway_peerings
    )


def transit_topology(config: NetworkConfig) -> tuple[TransitTopology, ...]:
    return tuple(
        TransitTopology(
            transit_gateway=tgw,
            account_id=config.accounts.get(tgw.account),
            attachments=tuple(
                _attachment(vpc)
                for vpc in config.vpcs
                if vpc.transit_gateway is not None and vpc.transit_gateway.name == tgw.name
            ),
        )
        for tgw in config.transit_gateways
    )


def _attachment(vpc: Vpc) -> AttachmentTopology:
    attachment = vpc.transit_gateway
    assert attachment is not None
    group = next((g for g in vpc.subnets if g.name == attachment.subnet_group), None)
    zones = group_zones(vpc, group) if group is not None else ()
    route_from = attachment.route_from
    if route_from is None:
        route_from = [
            g.name for g in vpc.subnets if g.tier != "public" and g.name != attachment.subnet_group
        ]
    return AttachmentTopology(
        vpc=vpc,
        transit_gateway=attachment.name,
        segment=attachment.segment,
        subnet_group=attachment.subnet_group,
        zones=zones,
        route_from=tuple(route_from),
    )
