"""VPC peering facts: each peering's two ends, the groups that route to the peer and the
ranges they route there."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from multivpc.config.models import NetworkConfig, Vpc, VpcPeering, VpcPeeringSide
from multivpc.vocabulary import cidr_id


@dataclass(frozen=True)
class VpcPeeringEnd:
    """One side of a VPC peering, seen from that side."""

    role: str
    """requester or accepter."""
    side: VpcPeeringSide
    vpc: Vpc | None
    """The side's VPC (None when it is not declared)."""
    peer: Vpc | None
    account_id: str | None

    @property
    def route_from(self) -> tuple[str, ...]:
        """Groups whose route tables send the peer's ranges to the peering."""
        if self.side.route_from is not None:
            return tuple(self.side.route_from)
        if self.vpc is None:
            return ()
        return tuple(g.name for g in self.vpc.subnets if g.tier != "public")

    def destinations(self) -> tuple[tuple[str, ipaddress.IPv4Network], ...]:
        """(route ID, CIDR) of every route this side sends through the peering: the peer's
        CIDR (``Peering-<peer>``), or each of ``destinations`` (``Peering-<peer>-<cidr>``).
        IDs come from the peer's name, so another peering adds routes and changes none."""
        if self.peer is None:
            return ()
        if self.side.peer_ranges is not None:
            return tuple(
                (f"Peering-{self.peer.name}-{cidr_id(c)}", c)
                for c in dict.fromkeys(self.side.peer_ranges)
            )
        if self.peer.cidr is None:
            return ()
        return ((f"Peering-{self.peer.name}", self.peer.cidr),)


@dataclass(frozen=True)
class VpcPeeringTopology:
    peering: VpcPeering
    requester: VpcPeeringEnd
    accepter: VpcPeeringEnd

    @property
    def name(self) -> str:
        return self.peering.name

    @property
    def ends(self) -> tuple[VpcPeeringEnd, VpcPeeringEnd]:
        return (self.requester, self.accepter)


def vpc_peering_topology(config: NetworkConfig) -> tuple[VpcPeeringTopology, ...]:
    """Every peering of ``config`` (which has its allocated ranges written in)."""
    by_name = {v.name: v for v in config.vpcs}

    def end(role: str, side: VpcPeeringSide, peer: VpcPeeringSide) -> VpcPeeringEnd:
        vpc = by_name.get(side.vpc)
        account = config.accounts.get(vpc.account) if vpc is not None else None
        return VpcPeeringEnd(role, side, vpc, by_name.get(peer.vpc), account)

    return tuple(
        VpcPeeringTopology(
            peering=p,
            requester=end("requester", p.requester, p.accepter),
            accepter=end("accepter", p.accepter, p.requester),
        )
        for p in config.peerings
    )
