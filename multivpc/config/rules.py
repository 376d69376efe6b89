"""Cross-object rules: small functions in a registry, each with an id, a finding and a why.

A rule takes a shape-valid ``NetworkConfig`` and yields ``Finding``s. ``check_rules`` runs
all of them and returns every finding, so a user fixes a config in one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from multivpc.config.cidr import overlapping
from multivpc.config.findings import Finding
from multivpc.config.models import NetworkConfig, Vpc
from multivpc.config.plan import nat_zones, public_zones
from multivpc.config.zones import (
    is_availability_zone,
    is_local_zone,
    is_wavelength_zone,
    region_of,
)

Check = Callable[[NetworkConfig], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    finding: str
    why: str
    check: Check


RULES: list[Rule] = []


def rule(rule_id: str, finding: str, why: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        RULES.append(Rule(rule_id, finding, why, check))
        return check

    return register


def check_rules(config: NetworkConfig) -> list[Finding]:
    findings: list[Finding] = []
    for registered in RULES:
        findings.extend(
            Finding(f.path, f.problem, f.fix, rule=registered.id) for f in registered.check(config)
        )
    return findings


def _vpc(vpc: Vpc | str) -> tuple[str, str]:
    return ("vpcs", f"[{vpc if isinstance(vpc, str) else vpc.name}]")


def _group_path(vpc: Vpc, group: str) -> tuple[str, ...]:
    return (*_vpc(vpc), "subnets", f"[{group}]")


def _duplicates(names: Iterable[str]) -> list[str]:
    return sorted(name for name, count in Counter(names).items() if count > 1)


@rule(
    "unique-names",
    "two objects of one collection share a name",
    "names are identity: they become construct IDs, so a duplicate would merge two resources",
)
def unique_names(config: NetworkConfig) -> Iterator[Finding]:
    for name in _duplicates(vpc.name for vpc in config.vpcs):
        yield Finding(
            _vpc(name), f"VPC name {name} is used more than once", "give each VPC its own name"
        )
    for vpc in config.vpcs:
        for name in _duplicates(group.name for group in vpc.subnets):
            yield Finding(
                _group_path(vpc, name),
                f"subnet group name {name} is used more than once",
                "give each subnet group of the VPC its own name",
            )
        zones = [*vpc.availability_zones, *vpc.local_zone_names]
        for zone in _duplicates(zones):
            yield Finding(
                (*_vpc(vpc), "availability_zones"),
                f"zone {zone} is listed more than once",
                "list each zone once (Local Zones only under local_zones)",
            )


@rule(
    "known-accounts",
    "a VPC or the defaults name an account that accounts does not define",
    "the account id sets the stack's env; a typo would deploy into the wrong place or nowhere",
)
def known_accounts(config: NetworkConfig) -> Iterator[Finding]:
    known = ", ".join(sorted(config.accounts))
    if config.defaults.account is not None and config.defaults.account not in config.accounts:
        yield Finding(
            ("defaults", "account"),
            f"account {config.defaults.account} is not defined",
            f"use one of: {known}, or add it under accounts",
        )
    for vpc in config.vpcs:
        if vpc.account not in config.accounts:
            yield Finding(
                (*_vpc(vpc), "account"),
                f"account {vpc.account} is not defined",
                f"use one of: {known}, or add it under accounts",
            )


@rule(
    "vpc-cidr-size",
    "a VPC CIDR is larger than /16 or smaller than /28",
    "AWS accepts VPC IPv4 blocks from /16 to /28 only",
)
def vpc_cidr_size(config: NetworkConfig) -> Iterator[Finding]:
    for vpc in config.vpcs:
        if not 16 <= vpc.cidr.prefixlen <= 28:
            yield Finding(
                (*_vpc(vpc), "cidr"),
                f"{vpc.cidr} is a /{vpc.cidr.prefixlen}; a VPC needs /16 to /28",
                "choose a prefix length between 16 and 28",
            )


@rule(
    "vpc-cidrs-disjoint",
    "two VPCs use overlapping CIDRs",
    "overlapping VPCs cannot be peered or routed through a Transit Gateway to each other",
)
def vpc_cidrs_disjoint(config: NetworkConfig) -> Iterator[Finding]:
    vpcs = config.vpcs
    for i, j in overlapping([vpc.cidr for vpc in vpcs]):
        first, second = sorted((vpcs[i], vpcs[j]), key=vpcs.index)
        if first.name != second.name:
            yield Finding(
                (*_vpc(second), "cidr"),
                f"{second.cidr} overlaps vpcs[{first.name}] {first.cidr}",
                "pick a free range",
            )


@rule(
    "zones-in-region",
    "a zone does not belong to the VPC's region",
    "subnets can only be created in zones of the VPC's own region",
)
def zones_in_region(config: NetworkConfig) -> Iterator[Finding]:
    for vpc in config.vpcs:
        named = [("availability_zones", z) for z in vpc.availability_zones]
        named += [("local_zones", z) for z in vpc.local_zone_names]
        for field, zone in named:
            region = region_of(zone)
            if region is not None and region != vpc.region:
                yield Finding(
                    (*_vpc(vpc), field),
                    f"{zone} is in {region}, not in the VPC's region {vpc.region}",
                    f"use zones of {vpc.region} or set the VPC's region to {region}",
                )


@rule(
    "zone-kinds",
    "a name under availability_zones is no Availability Zone, "
    "or one under local_zones no Local Zone",
    "Local Zones have other limits (no Transit Gateway attachment, fewer services); "
    "the kind decides which subnets and gateways multivpc places there",
)
def zone_kinds(config: NetworkConfig) -> Iterator[Finding]:
    for vpc in config.vpcs:
        for zone in vpc.availability_zones:
            if is_local_zone(zone):
                yield Finding(
                    (*_vpc(vpc), "availability_zones"),
                    f"{zone} is a Local Zone",
                    "move it under local_zones",
                )
            elif not is_availability_zone(zone):
                yield Finding(
                    (*_vpc(vpc), "availability_zones"),
                    f"{zone} is not an Availability Zone name",
                    f"write zone names like {vpc.region}a",
                )
        for zone in vpc.local_zone_names:
            if is_local_zone(zone):
                continue
            if is_availability_zone(zone):
                fix = "move it under availability_zones"
                problem = f"{zone} is an Availability Zone, not a Local Zone"
            elif is_wavelength_zone(zone):
                fix = "remove it; Wavelength Zones are not supported"
                problem = f"{zone} is a Wavelength Zone, not a Local Zone"
            else:
                fix = f"write Local Zone names like {vpc.region}-bos-1a"
                problem = f"{zone} is not a Local Zone name"
            yield Finding((*_vpc(vpc), "local_zones", f"[{zone}]"), problem, fix)


@rule(
    "group-zones-declared",
    "a subnet group needs a zone the VPC does not span",
    "a subnet can only be placed in a zone the VPC declares (AZs explicitly, Local Zones opted in)",
)
def group_zones_declared(config: NetworkConfig) -> Iterator[Finding]:
    for vpc in config.vpcs:
        declared = {*vpc.availability_zones, *vpc.local_zone_names}
        for group in vpc.subnets:
            missing = [zone for zone in vpc.group_zones(group) if zone not in declared]
            for zone in missing:
                field = "local_zones" if is_local_zone(zone) else "availability_zones"
                yield Finding(
                    (*_group_path(vpc, group.name), "zones"),
                    f"zone {zone} is not one of the VPC's zones",
                    f"add {zone} to the VPC's {field} or drop it from the group",
                )


@rule(
    "subnets-fit-vpc",
    "a subnet cannot be placed: outside the VPC range, too small, or no slot for its zone",
    "CloudFormation rejects subnets outside the VPC CIDR or smaller than /28",
)
def subnets_fit_vpc(config: NetworkConfig) -> Iterator[Finding]:
    for vpc in config.vpcs:
        for group in vpc.subnets:
            if group.cidr is not None and not group.cidr.subnet_of(vpc.cidr):
                yield Finding(
                    (*_group_path(vpc, group.name), "cidr"),
                    f"{group.cidr} is outside the VPC range {vpc.cidr}",
                    f"pick a range inside {vpc.cidr}",
                )
        for placement in vpc.placements:
            path = _group_path(vpc, placement.group.name)
            placed = placement.subnet
            if placement.error is not None:
                yield Finding(path, placement.error.problem, placement.error.fix)
            elif placed is None or placement.group.cidr is not None:
                continue  # a group range outside the VPC is reported once above
            elif not placed.cidr.subnet_of(vpc.cidr):
                yield Finding(
                    (*path, "cidrs", f"[{placed.zone}]"),
                    f"{placed.cidr} is outside the VPC range {vpc.cidr}",
                    f"pick a CIDR inside {vpc.cidr}",
                )
            elif placed.cidr.prefixlen > 28:
                yield Finding(
                    (*path, "cidrs", f"[{placed.zone}]"),
                    f"{placed.cidr} is smaller than /28",
                    "subnets need at least /28 (16 addresses, 5 of them reserved by AWS)",
                )


@rule(
    "subnets-disjoint",
    "two subnets of one VPC overlap",
    "CloudFormation fails the second subnet; overlapping ranges also break routing",
)
def subnets_disjoint(config: NetworkConfig) -> Iterator[Finding]:
    for vpc in config.vpcs:
        placed = [p.subnet for p in vpc.placements if p.subnet is not None]
        for i, j in overlapping([subnet.cidr for subnet in placed]):
            first, second = sorted((placed[i], placed[j]), key=placed.index)
            yield Finding(
                _group_path(vpc, second.group),
                f"{second.cidr} ({second.zone}) overlaps subnets[{first.group}] "
                f"{first.cidr} ({first.zone})",
                "give the groups ranges that do not overlap",
            )


@rule(
    "nat-needs-public-subnet",
    "a NAT gateway is asked for in a zone without a public subnet",
    "a NAT gateway sits in a public subnet and reaches the internet through its route",
)
def nat_needs_public_subnet(config: NetworkConfig) -> Iterator[Finding]:
    for vpc in config.vpcs:
        public = public_zones(vpc)
        if vpc.nat_zone is not None and vpc.nat != "single":
            yield Finding(
                (*_vpc(vpc), "nat_zone"),
                f"nat_zone is set but nat is {vpc.nat}",
                "set nat: single or remove nat_zone",
            )
        if vpc.nat_zone is not None and vpc.nat_zone not in vpc.availability_zones:
            yield Finding(
                (*_vpc(vpc), "nat_zone"),
                f"{vpc.nat_zone} is not one of the VPC's availability_zones",
                "pick an Availability Zone of the VPC",
            )
        if vpc.nat != "none" and not public:
            yield Finding(
                (*_vpc(vpc), "nat"),
                f"nat: {vpc.nat} needs a public subnet group, and the VPC has none",
                "add a public subnet group or set nat: none",
            )
            continue
        for zone in nat_zones(vpc):
            if zone not in public:
                field = ("local_zones", f"[{zone}]") if zone in vpc.local_zone_names else ("nat",)
                yield Finding(
                    (*_vpc(vpc), *field),
                    f"a NAT gateway in {zone} needs a public subnet in {zone}",
                    f"add {zone} to a public subnet group's zones",
                )


@rule(
    "public-needs-internet-gateway",
    "a public subnet group exists but the VPC has no internet gateway",
    "a public subnet is public only through its route to an internet gateway; without it "
    "instances there get public IPs that lead nowhere",
)
def public_needs_internet_gateway(config: NetworkConfig) -> Iterator[Finding]:
    for vpc in config.vpcs:
        if vpc.has_internet_gateway:
            continue
        for group in vpc.subnets:
            if group.tier != "public":
                continue
            local = [z for z in vpc.group_zones(group) if z in vpc.local_zone_names]
            where = f" (including Local Zone {', '.join(local)})" if local else ""
            yield Finding(
                (*_group_path(vpc, group.name), "tier"),
                f"public subnets{where} need an internet gateway route, "
                "but internet_gateway is false",
                "set internet_gateway: true or make the group private or isolated",
            )
