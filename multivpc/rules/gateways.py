"""Rules about gateways: internet gateway, NAT gateways and the subnets they need."""

from __future__ import annotations

from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.rules.paths import group_path, vpc_path
from multivpc.rules.registry import rule
from multivpc.topology import Topology


@rule(
    "nat-needs-public-subnet",
    finding="a NAT gateway is asked for in a zone without a public subnet",
    why="a NAT gateway sits in a public subnet and reaches the internet through its route",
)
def nat_needs_public_subnet(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        vpc = facts.vpc
        unknown_zone = None  # a nat_zone the VPC does not have: reported once, here
        if vpc.nat_zone is not None and vpc.nat != "single":
            yield Finding(
                (*vpc_path(vpc), "nat_zone"),
                f"nat_zone is set but nat is {vpc.nat}",
                "set nat: single or remove nat_zone",
            )
        elif vpc.nat_zone is not None and vpc.nat_zone not in vpc.availability_zones:
            unknown_zone = vpc.nat_zone
            yield Finding(
                (*vpc_path(vpc), "nat_zone"),
                f"{vpc.nat_zone} is not one of the VPC's availability_zones",
                f"use one of: {', '.join(vpc.availability_zones)}",
            )
        if vpc.nat != "none" and not facts.public_zones:
            yield Finding(
                (*vpc_path(vpc), "nat"),
                f"nat: {vpc.nat} needs a public subnet group, and the VPC has none",
                "add a public subnet group or set nat: none",
            )
            continue
        for zone in facts.nat_zones:
            if zone not in facts.public_zones and zone != unknown_zone:
                local = zone in facts.local_zones
                field = ("local_zones", f"[{zone}]") if local else ("nat",)
                if not local and zone == vpc.nat_zone:
                    field = ("nat_zone",)
                yield Finding(
                    (*vpc_path(vpc), *field),
                    f"a NAT gateway in {zone} needs a public subnet in {zone}",
                    f"add {zone} to a public subnet group's zones",
                )


@rule(
    "public-needs-internet-gateway",
    finding="a public subnet group exists but the VPC has no internet gateway",
    why="a public subnet is public only through its route to an internet gateway; without it "
    "instances there get public IPs that lead nowhere",
)
def public_needs_internet_gateway(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        if facts.has_internet_gateway:
            continue
        for entry in facts.groups:
            if entry.group.tier != "public":
                continue
            local = [z for z in entry.zones if z in facts.local_zones]
            where = f" (including Local Zone {', '.join(local)})" if local else ""
            yield Finding(
                (*group_path(facts.vpc, entry.group.name), "tier"),
                f"public subnets{where} need an internet gateway route, "
                "but internet_gateway is false",
                "set internet_gateway: true or make the group private or isolated",
            )


@rule(
    "nat-in-local-zone",
    level="warning",
    finding="a NAT gateway is asked for in a Local Zone",
    why="NAT gateways are offered in some Local Zones only; where they are not, the deploy "
    "fails late, after other resources were created",
)
def nat_in_local_zone(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        for zone in facts.vpc.local_zones:
            if zone.nat_gateway:
                yield Finding(
                    (*vpc_path(facts.vpc), "local_zones", f"[{zone.name}]", "nat_gateway"),
                    f"NAT gateway availability varies per Local Zone; {zone.name} may not "
                    "offer one",
                    "check the Local Zone's features page before deploying, or set "
                    "nat_gateway: false to route through a NAT gateway of the region",
                )


@rule(
    "private-without-nat",
    level="warning",
    finding="private subnet groups in a VPC without any NAT gateway",
    why="a private subnet without a route out behaves as an isolated one; the tier then "
    "says something the network does not do",
)
def private_without_nat(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        if facts.nat_zones or not facts.private_zones:
            continue
        for entry in facts.groups:
            if entry.group.tier == "private":
                yield Finding(
                    (*group_path(facts.vpc, entry.group.name), "tier"),
                    f"the group is private but the VPC has no NAT gateway (nat: "
                    f"{facts.vpc.nat}), so its subnets have no route out",
                    "set the VPC's nat to single or per-az, or make the group isolated",
                )


RULES = (
    nat_needs_public_subnet,
    public_needs_internet_gateway,
    nat_in_local_zone,
    private_without_nat,
)
