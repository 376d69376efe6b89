"""Transit Gateway facts: who attaches where, and which segment reaches which.

Segments are intent. An attachment associates with its segment's route table and
propagates into its own segment's table (unless the segment is ``isolated``) and into
the table of every segment it reaches or that reaches it. So a VPC reaches exactly the
VPCs whose attachments propagate into its own segment's table.
"""

from __future__ import annotations

from dataclasses import dataclass

from multivpc.config.models import NetworkConfig, Segment, TransitGateway, Vpc, VpcAttachment
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

    def segment(self, name: str) -> Segment | None:
        return next((s for s in self.transit_gateway.segments if s.name == name), None)

    def linked(self, first: str, second: str) -> bool:
        """One of the two segments reaches the other (reach is both ways)."""
        a, b = self.segment(first), self.segment(second)
        return bool((a and second in a.reaches) or (b and first in b.reaches))

    def propagates_into(self, segment: str) -> tuple[str, ...]:
        """The route tables (segment names) an attachment of ``segment`` propagates into."""
        own = self.segment(segment)
        names = [s.name for s in self.transit_gateway.segments]
        return tuple(
            name
            for name in names
            if (name == segment and own is not None and not own.isolated)
            or (name != segment and self.linked(segment, name))
        )

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
    group = next((g for g in vpc.subnets if g.name == attachment.subnets), None)
    zones = group_zones(vpc, group) if group is not None else ()
    route_from = attachment.route_from
    if route_from is None:
        route_from = [
            g.name for g in vpc.subnets if g.tier != "public" and g.name != attachment.subnets
        ]
    return AttachmentTopology(
        vpc=vpc,
        transit_gateway=attachment.name,
        segment=attachment.segment,
        subnet_group=attachment.subnets,
        zones=zones,
        route_from=tuple(route_from),
    )
