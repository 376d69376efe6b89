"""Rules about Transit Gateway peerings: references, ASNs, and the static routes they add."""

from __future__ import annotations

from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.rules.paths import peering_pair_findings
from multivpc.rules.registry import rule
from multivpc.topology import Topology, TransitGatewayPeeringEnd, TransitGatewayPeeringTopology
from multivpc.vocabulary import duplicates

PEERING_ROUTE_BUDGET = 400
"""Static routes one side of a peering may add (they share a stack; CloudFormation's
limit is 500 resources)."""


def _path(peering: str, *keys: str) -> tuple[str, ...]:
    return ("transit_gateway_peerings", f"[{peering}]", *keys)


def _role(peering: TransitGatewayPeeringTopology, end: TransitGatewayPeeringEnd) -> str:
    return "requester" if end is peering.requester else "accepter"


@rule(
    "transit-gateway-peering-references",
    finding="a peering names an unknown Transit Gateway or segment, peers a Transit Gateway "
    "with itself, or peers one pair twice",
    why="a peering attachment joins two existing gateways once; a typo would leave the "
    "regions unconnected, and a second attachment between one pair only duplicates routes",
)
def peering_references(topology: Topology) -> Iterator[Finding]:
    config = topology.config
    yield from peering_pair_findings(
        (
            (p.name, p.requester.transit_gateway, p.accepter.transit_gateway)
            for p in config.transit_gateway_peerings
        ),
        path=_path,
        end="Transit Gateway",
        end_key="transit_gateway",
    )
    known = ", ".join(t.name for t in config.transit_gateways) or "none declared"
    for peering in topology.transit_gateway_peerings:
        for end in peering.ends:
            role = _role(peering, end)
            if end.transit is None:
                yield Finding(
                    _path(peering.name, role, "transit_gateway"),
                    f"Transit Gateway {end.side.transit_gateway} is not declared",
                    f"use one of: {known}",
                )
            elif end.transit.segment(end.side.segment) is None:
                segments = ", ".join(s.name for s in end.transit.transit_gateway.segments)
                yield Finding(
                    _path(peering.name, role, "segment"),
                    f"{end.transit.name} has no segment {end.side.segment}",
                    f"use one of: {segments}",
                )


@rule(
    "transit-gateway-peering-asn",
    finding="two peered Transit Gateways have the same Amazon-side ASN",
    why="each peered Transit Gateway needs its own ASN, so that routes learned across the "
    "peering are not taken for its own",
)
def peering_asn(topology: Topology) -> Iterator[Finding]:
    for peering in topology.transit_gateway_peerings:
        requester, accepter = peering.requester.transit, peering.accepter.transit
        if requester is None or accepter is None or requester is accepter:
            continue
        asn = requester.transit_gateway.amazon_side_asn
        if asn == accepter.transit_gateway.amazon_side_asn:
            yield Finding(
                _path(peering.name),
                f"{requester.name} and {accepter.name} both use ASN {asn}",
                f"give transit_gateways[{accepter.name}].amazon_side_asn another private ASN",
            )


@rule(
    "transit-gateway-peering-routes",
    finding="a peering adds a route its route table already has (a segment's static route or "
    "another peering's), lists a destination twice, sends a local VPC's range to the peer, "
    "or adds more static routes than one stack holds",
    why="one CIDR has one static route per route table, a range routed to the peer is lost "
    "to the VPC that owns it here, and a stack holds at most 500 resources",
)
def peering_routes(topology: Topology) -> Iterator[Finding]:
    taken: dict[tuple[str, str, str], str] = {}
    """(gateway, segment, CIDR) -> what already routes it there."""
    for tgw in topology.transit_gateways:
        for segment in tgw.transit_gateway.segments:
            for route in segment.routes:
                taken[(tgw.name, segment.name, str(route.cidr))] = "a static route of the segment"
    for peering in topology.transit_gateway_peerings:
        if peering.requester.transit is peering.accepter.transit:
            continue
        for end in peering.ends:
            yield from _end_findings(peering, end, taken)


def _end_findings(
    peering: TransitGatewayPeeringTopology,
    end: TransitGatewayPeeringEnd,
    taken: dict[tuple[str, str, str], str],
) -> Iterator[Finding]:
    role = _role(peering, end)
    if end.transit is None:
        return
    side = end.side
    if side.summaries is not None:
        for repeated in duplicates(str(c) for c in side.summaries):
            yield Finding(
                _path(peering.name, role, "summaries"),
                f"{repeated} is listed more than once",
                "list each destination once",
            )
    destinations = end.destinations()
    tables = end.route_tables
    routes = len(destinations) * len(tables)
    if routes > PEERING_ROUTE_BUDGET:
        yield Finding(
            _path(peering.name, role),
            f"the peering adds {routes} static routes on {end.transit.name} "
            f"({len(destinations)} destinations in {len(tables)} segments), more than the "
            f"{PEERING_ROUTE_BUDGET} one stack holds",
            f"give {role}.summaries: summary CIDRs of the peer's VPCs",
        )
    for segment in tables:
        local = [a.vpc for a in end.transit.propagating_into(segment)]
        for vpc_name, cidr in dict.fromkeys(destinations):
            key = (end.transit.name, segment, str(cidr))
            what = f"the route to peer VPC {vpc_name}" if vpc_name else f"destination {cidr}"
            if key in taken:
                yield Finding(
                    _path(peering.name, role, "segment"),
                    f"{what} ({cidr}) in segment {segment} of {end.transit.name} collides with "
                    f"{taken[key]}",
                    "keep one route per CIDR in a segment",
                )
                continue
            taken[key] = f"peering {peering.name}"
            if vpc_name is not None:
                continue  # peer VPCs overlapping local ones: rule vpc-cidrs-disjoint
            for vpc in local:
                if vpc.cidr is not None and cidr.subnet_of(vpc.cidr):
                    yield Finding(
                        _path(peering.name, role, "summaries"),
                        f"{what} lies inside {vpc.cidr} of VPC {vpc.name}, which segment "
                        f"{segment} reaches here",
                        "route only ranges of the peer's VPCs",
                    )


RULES = (peering_references, peering_asn, peering_routes)
