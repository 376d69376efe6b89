"""Rules about Transit Gateways: references, attachments, sharing, segment routes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from multivpc.config.findings import Finding
from multivpc.config.models import SegmentRoute, Vpc
from multivpc.config.zones import is_availability_zone, partition_of
from multivpc.rules.paths import vpc_path
from multivpc.rules.registry import rule
from multivpc.topology import AttachmentTopology, Topology, TransitTopology, overlapping
from multivpc.vocabulary import duplicates

_ORGANIZATION_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):organizations::\d{12}:(organization/o-[a-z0-9]{10,32}"
    r"|ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$"
)


def _tgw_path(name: str) -> tuple[str, str]:
    return ("transit_gateways", f"[{name}]")


def _attachment_path(vpc: str, key: str) -> tuple[str, ...]:
    return (*vpc_path(vpc), "transit_gateway", key)


@rule(
    "transit-gateway-references",
    finding="a Transit Gateway, segment, account or VPC named in transit settings does not "
    "exist, or a segment names itself in reaches",
    why="an attachment or route to something that is not declared cannot be built, and a "
    "typo would otherwise silently leave a VPC unreachable",
)
def transit_gateway_references(topology: Topology) -> Iterator[Finding]:
    config = topology.config
    known_tgws = ", ".join(t.name for t in config.transit_gateways) or "none declared"
    for name in duplicates(t.name for t in config.transit_gateways):
        yield Finding(
            _tgw_path(name),
            f"Transit Gateway name {name} is used more than once",
            "give each Transit Gateway its own name",
        )
    for tgw in topology.transit_gateways:
        path = _tgw_path(tgw.name)
        if tgw.account_id is None:
            yield Finding(
                (*path, "account"),
                f"account {tgw.transit_gateway.account} is not defined",
                f"use one of: {', '.join(sorted(config.accounts))}",
            )
        segments = [s.name for s in tgw.transit_gateway.segments]
        for name in duplicates(segments):
            yield Finding(
                (*path, "segments", f"[{name}]"),
                f"segment {name} is declared more than once",
                "give each segment its own name",
            )
        attached = {a.vpc.name for a in tgw.attachments}
        for segment in tgw.transit_gateway.segments:
            spath = (*path, "segments", f"[{segment.name}]")
            for other in segment.reaches:
                if other == segment.name:
                    effect = (
                        "and isolated: true keeps its members apart"
                        if segment.isolated
                        else "and its members reach each other already"
                    )
                    yield Finding(
                        (*spath, "reaches"),
                        f"segment {other} names itself in reaches, {effect}",
                        f"remove {other} from reaches (members reach each other unless "
                        "isolated: true)",
                    )
                elif other not in segments:
                    yield Finding(
                        (*spath, "reaches"),
                        f"segment {other} does not exist",
                        f"use one of: {', '.join(segments)}",
                    )
            for route in segment.routes:
                if route.vpc is not None and route.vpc not in attached:
                    yield Finding(
                        (*spath, "routes"),
                        f"the route to {route.cidr} targets VPC {route.vpc}, which is not "
                        f"attached to {tgw.name}",
                        f"attach {route.vpc} to {tgw.name} or target an attached VPC",
                    )
    for vpc in config.vpcs:
        attachment = vpc.transit_gateway
        if attachment is None:
            continue
        target = topology.transit_gateway(attachment.name)
        if target is None:
            yield Finding(
                _attachment_path(vpc.name, "name"),
                f"Transit Gateway {attachment.name} is not declared",
                f"use one of: {known_tgws}",
            )
        elif target.segment(attachment.segment) is None:
            names = ", ".join(s.name for s in target.transit_gateway.segments)
            yield Finding(
                _attachment_path(vpc.name, "segment"),
                f"{attachment.name} has no segment {attachment.segment}",
                f"use one of: {names}",
            )
        elif target.transit_gateway.region != vpc.region:
            yield Finding(
                _attachment_path(vpc.name, "name"),
                f"{attachment.name} is in {target.transit_gateway.region}, the VPC in {vpc.region}",
                "attach to a Transit Gateway of the VPC's region (peer Transit Gateways "
                "to cross regions)",
            )


@rule(
    "transit-subnets",
    finding="the attachment's subnet group is unknown, misses an Availability Zone of the VPC, "
    "or covers a Local Zone; or route_from names an unknown group",
    why="a Transit Gateway attachment has one subnet per Availability Zone it serves and "
    "cannot use Local Zone subnets; a zone without one is cut off from the Transit Gateway",
)
def transit_subnets(topology: Topology) -> Iterator[Finding]:
    for tgw in topology.transit_gateways:
        for attachment in tgw.attachments:
            vpc = attachment.vpc
            groups = [g.name for g in vpc.subnets]
            if attachment.subnet_group not in groups:
                yield Finding(
                    _attachment_path(vpc.name, "subnet_group"),
                    f"subnet group {attachment.subnet_group} does not exist",
                    f"use one of: {', '.join(groups)}",
                )
                continue
            for zone in attachment.zones:
                if not is_availability_zone(zone):
                    yield Finding(
                        _attachment_path(vpc.name, "subnet_group"),
                        f"group {attachment.subnet_group} covers {zone}, and a Transit Gateway "
                        "attachment cannot use Local Zone subnets",
                        "use a group that covers Availability Zones only",
                    )
            missing = [z for z in vpc.availability_zones if z not in attachment.zones]
            if missing:
                yield Finding(
                    _attachment_path(vpc.name, "subnet_group"),
                    f"group {attachment.subnet_group} has no subnet in {', '.join(missing)}, "
                    "so workloads there cannot reach the Transit Gateway",
                    f"give group {attachment.subnet_group} a subnet in every Availability Zone",
                )
            yield from _destination_findings(topology, tgw, attachment)
            for group in attachment.route_from:
                if group not in groups:
                    yield Finding(
                        _attachment_path(vpc.name, "route_from"),
                        f"subnet group {group} does not exist",
                        f"use one of: {', '.join(groups)}",
                    )


@rule(
    "transit-gateway-sharing",
    finding="a spoke's account is not covered by share_with, or share_with names something "
    "that is neither an account name nor an organization or OU ARN of the gateway's partition",
    why="a VPC in another account can attach only to a Transit Gateway shared with it through RAM",
)
def transit_gateway_sharing(topology: Topology) -> Iterator[Finding]:
    config = topology.config
    for tgw in topology.transit_gateways:
        path = (*_tgw_path(tgw.name), "share_with")
        share = tgw.transit_gateway.share_with
        partition = partition_of(tgw.transit_gateway.region)
        for principal in share:
            arn = _ORGANIZATION_ARN.match(principal)
            if principal not in config.accounts and not arn:
                yield Finding(
                    path,
                    f"{principal[:60]} is neither an account name nor an organization or OU ARN",
                    f"use account names ({', '.join(sorted(config.accounts))}) or an ARN like "
                    f"arn:{partition}:organizations::111111111111:organization/o-abcdefghij",
                )
            elif arn and arn["partition"] != partition:
                yield Finding(
                    path,
                    f"{principal[:60]} is in partition {arn['partition']}, and {tgw.name} in "
                    f"{tgw.transit_gateway.region} is in partition {partition}; RAM cannot share "
                    "across partitions",
                    f"name an organization or OU of partition {partition} (arn:{partition}:...)",
                )
        organization = any(_ORGANIZATION_ARN.match(p) for p in share)
        for attachment in tgw.attachments:
            account = attachment.vpc.account
            if account != tgw.transit_gateway.account and account not in share and not organization:
                yield Finding(
                    _attachment_path(attachment.vpc.name, "name"),
                    f"the VPC is in account {account}, and {tgw.name} is not shared with it",
                    f"add {account} to transit_gateways[{tgw.name}].share_with",
                )


@rule(
    "segment-routes",
    finding="a segment has two routes for one CIDR (a static route and a blackhole, or twice "
    "the same), or a member VPC's CIDR overlaps a static route of its segment",
    why="one CIDR has one route per route table; a static route over a member's own range "
    "would divert or drop traffic meant for that VPC",
)
def segment_routes(topology: Topology) -> Iterator[Finding]:
    for tgw in topology.transit_gateways:
        for segment in tgw.transit_gateway.segments:
            path = (*_tgw_path(tgw.name), "segments", f"[{segment.name}]", "routes")
            for cidr in duplicates(str(r.cidr) for r in segment.routes):
                yield Finding(
                    path,
                    f"{cidr} has more than one route in segment {segment.name}",
                    "keep one route (static or blackhole) per CIDR",
                )
            for route, vpc, how in _over_reached(tgw, segment.name, segment.routes):
                if not _shadows_part(route, vpc):
                    yield Finding(
                        path,
                        f"{route.cidr} overlaps the CIDR {vpc.cidr} of {how} VPC {vpc.name}",
                        "route a range outside the VPCs the segment already reaches (a "
                        "blackhole may drop a smaller part of one)",
                    )


@rule(
    "blackhole-shadows-vpc",
    level="warning",
    finding="a blackhole route of a segment drops part of the range of a VPC the segment reaches",
    why="the longest prefix wins, so the part is unreachable from the segment while the rest "
    "of the VPC stays reachable: the way to keep part of a shared VPC out of reach, and a "
    "surprise when it was not meant",
)
def blackhole_shadows_vpc(topology: Topology) -> Iterator[Finding]:
    for tgw in topology.transit_gateways:
        for segment in tgw.transit_gateway.segments:
            path = (*_tgw_path(tgw.name), "segments", f"[{segment.name}]", "routes")
            for route, vpc, how in _over_reached(tgw, segment.name, segment.routes):
                if _shadows_part(route, vpc):
                    yield Finding(
                        path,
                        f"blackhole {route.cidr} drops that part of {how} VPC {vpc.name} "
                        f"({vpc.cidr}) for members of segment {segment.name}",
                        "keep it if that part must stay out of reach; otherwise remove it",
                    )


def _shadows_part(route: SegmentRoute, vpc: Vpc) -> bool:
    """A blackhole strictly inside the VPC's range: AWS allows it (longest prefix wins)."""
    return (
        route.blackhole
        and vpc.cidr is not None
        and route.cidr.subnet_of(vpc.cidr)
        and route.cidr.prefixlen > vpc.cidr.prefixlen
    )


def _over_reached(
    tgw: TransitTopology, segment: str, segment_routes: Sequence[SegmentRoute]
) -> Iterator[tuple[SegmentRoute, Vpc, str]]:
    """Each route of ``segment`` that overlaps the range of a VPC the segment's table holds
    (a member's, or one whose attachment propagates into it), with that VPC and how."""
    # Members, and every VPC whose attachment propagates into this segment's table.
    reached = [
        (a.vpc, "member" if a.segment == segment else "reached")
        for a in tgw.attachments
        if (a.segment == segment or segment in tgw.propagates_into(a.segment))
        and a.vpc.cidr is not None  # else its allocation failed: address-allocation
    ]
    networks = [r.cidr for r in segment_routes] + [
        vpc.cidr for vpc, _ in reached if vpc.cidr is not None
    ]
    routes = len(segment_routes)
    for i, j in overlapping(networks):
        route_index, vpc_index = sorted((i, j))
        if route_index < routes <= vpc_index:
            vpc, how = reached[vpc_index - routes]
            yield segment_routes[route_index], vpc, how


def _destination_findings(
    topology: Topology, tgw: TransitTopology, attachment: AttachmentTopology
) -> Iterator[Finding]:
    """Summaries: each once, and none that a route_from table already routes
    (0.0.0.0/0 beside a NAT gateway or an internet gateway)."""
    spec = attachment.spec
    if spec.summaries is None:
        return
    path = _attachment_path(attachment.vpc.name, "summaries")
    for cidr in duplicates(str(c) for c in spec.summaries):
        yield Finding(path, f"{cidr} is listed more than once", "list each destination once")
    facts = topology.facts_of(attachment.vpc)
    tiers = {g.name: g.tier for g in attachment.vpc.subnets}
    routed_out = [
        group
        for group in attachment.route_from
        if (tiers.get(group) == "private" and facts.nat_zones)
        or (tiers.get(group) == "public" and facts.has_internet_gateway)
    ]
    if routed_out and any(c.prefixlen == 0 for c in spec.summaries):
        yield Finding(
            path,
            f"0.0.0.0/0 would also be routed to {tgw.name}, but groups "
            f"{', '.join(routed_out)} already send it to a NAT or internet gateway",
            "drop 0.0.0.0/0, or take those groups out of route_from",
        )


RULES = (
    transit_gateway_references,
    transit_subnets,
    transit_gateway_sharing,
    segment_routes,
    blackhole_shadows_vpc,
)
