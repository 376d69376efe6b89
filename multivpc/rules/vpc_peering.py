"""Rules about VPC peerings: references, ranges, transitivity and the per-VPC quota."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.rules.paths import peering_pair_findings
from multivpc.rules.registry import rule
from multivpc.topology import Topology
from multivpc.topology.vpc_peering import vpc_peering_topology


def _path(peering: str, *keys: str) -> tuple[str, ...]:
    return ("peerings", f"[{peering}]", *keys)


@rule(
    "vpc-peering-references",
    finding="a peering names an unknown VPC or subnet group, peers a VPC with itself, or "
    "peers one pair twice; a peering name used twice",
    why="a peering connection joins two existing VPCs once (AWS refuses a second active "
    "connection between one pair), and routes go into route tables that exist",
)
def vpc_peering_references(topology: Topology) -> Iterator[Finding]:
    config = topology.config
    yield from peering_pair_findings(
        ((p.name, p.requester.vpc, p.accepter.vpc) for p in config.peerings),
        path=_path,
        end="VPC",
        end_key="vpc",
    )
    known = ", ".join(v.name for v in config.vpcs)
    for peering in vpc_peering_topology(config):
        for end in peering.ends:
            if end.vpc is None:
                yield Finding(
                    _path(peering.name, end.role, "vpc"),
                    f"VPC {end.side.vpc} is not declared",
                    f"use one of: {known}",
                )
                continue
            groups = [g.name for g in end.vpc.subnets]
            for group in end.side.route_from or ():
                if group not in groups:
                    yield Finding(
                        _path(peering.name, end.role, "route_from"),
                        f"VPC {end.vpc.name} has no subnet group {group}",
                        f"use one of: {', '.join(groups)}",
                    )


@rule(
    "vpc-peering-dns",
    finding="dns_resolution on a peering whose VPC has DNS support or DNS hostnames off",
    why="AWS resolves a peer's host names to private IPs only when both VPCs have DNS "
    "resolution and DNS hostnames enabled; the option would be set and do nothing",
)
def vpc_peering_dns(topology: Topology) -> Iterator[Finding]:
    for peering in vpc_peering_topology(topology.config):
        if not peering.peering.dns_resolution:
            continue
        for end in peering.ends:
            vpc = end.vpc
            if vpc is None:
                continue
            off = [key for key in ("support", "hostnames") if not getattr(vpc.dns, key)]
            if off:
                yield Finding(
                    _path(peering.name, "dns_resolution"),
                    f"VPC {vpc.name} has dns {' and '.join(off)} off",
                    f"set dns: {{support: true, hostnames: true}} on VPC {vpc.name}, or "
                    "dns_resolution: false",
                )


@rule(
    "vpc-peering-cidrs",
    finding="the two VPCs of a peering have overlapping ranges",
    why="AWS refuses a peering connection between VPCs whose CIDR blocks overlap",
)
def vpc_peering_cidrs(topology: Topology) -> Iterator[Finding]:
    for peering in vpc_peering_topology(topology.config):
        first, second = peering.requester.vpc, peering.accepter.vpc
        if first is None or second is None or first.name == second.name:
            continue
        if first.cidr is not None and second.cidr is not None and first.cidr.overlaps(second.cidr):
            yield Finding(
                _path(peering.name),
                f"requester {first.name} {first.cidr} overlaps accepter {second.name} "
                f"{second.cidr}",
                "peer only VPCs with disjoint ranges",
            )


@rule(
    "vpc-peering-transitive",
    finding="a peering route toward a range outside the peer VPC (a third VPC, or nothing)",
    why="a VPC peering is not transitive: traffic for any range but the peer VPC's own is "
    "dropped at the peer, so such a route only hides the missing connection",
)
def vpc_peering_transitive(topology: Topology) -> Iterator[Finding]:
    vpcs = topology.config.vpcs
    for peering in vpc_peering_topology(topology.config):
        for end in peering.ends:
            peer = end.peer
            if peer is None or peer.cidr is None or end.side.peer_ranges is None:
                continue
            for cidr in end.side.peer_ranges:
                if cidr.subnet_of(peer.cidr):
                    continue
                others = [
                    v.name
                    for v in vpcs
                    if v.name != peer.name and v.cidr is not None and v.cidr.overlaps(cidr)
                ]
                if others:
                    what = f"VPC {', '.join(others)} cannot be reached through it"
                else:
                    what = "no VPC of the peer holds it"
                yield Finding(
                    _path(peering.name, end.role, "peer_ranges"),
                    f"{cidr} is outside peer {peer.name} ({peer.cidr}): a peering is not "
                    f"transitive, so {what}",
                    f"route only ranges inside {peer.cidr}, and peer {others[0]} directly"
                    if others
                    else f"route only ranges inside {peer.cidr}",
                )


@rule(
    "vpc-peering-quota",
    finding="a VPC takes part in more peerings than quotas.vpc_peerings_per_vpc (default 50, "
    "at most 125)",
    why="AWS limits the active peering connections of one VPC (50 by default, raised on "
    "request to 125 at most); the connections over the quota fail to deploy",
)
def vpc_peering_quota(topology: Topology) -> Iterator[Finding]:
    config = topology.config
    quota = config.quotas.vpc_peerings_per_vpc
    counts = Counter(
        name for p in config.peerings for name in dict.fromkeys((p.requester.vpc, p.accepter.vpc))
    )
    for vpc in config.vpcs:
        if counts[vpc.name] > quota:
            fix = (
                "raise quotas.vpc_peerings_per_vpc (after AWS raised the VPC peering quota, 125 "
                "at most)"
                if quota < 125
                else "use a Transit Gateway for some of these VPCs"
            )
            yield Finding(
                ("vpcs", f"[{vpc.name}]"),
                f"VPC {vpc.name} takes part in {counts[vpc.name]} peerings, more than the "
                f"quota of {quota}",
                fix,
            )


RULES = (
    vpc_peering_references,
    vpc_peering_dns,
    vpc_peering_cidrs,
    vpc_peering_transitive,
    vpc_peering_quota,
)
