"""Rules about zones: region, kind (Availability Zone or Local Zone), declared before use."""

from __future__ import annotations

from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.config.zones import is_availability_zone, is_local_zone, is_wavelength_zone, region_of
from multivpc.rules.paths import group_path, vpc_path
from multivpc.rules.registry import rule
from multivpc.topology import Topology


@rule(
    "zones-in-region",
    finding="a zone does not belong to the VPC's region",
    why="subnets can only be created in zones of the VPC's own region",
)
def zones_in_region(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        vpc = facts.vpc
        named = [("availability_zones", z) for z in vpc.availability_zones]
        named += [("local_zones", z) for z in facts.local_zones]
        for field, zone in named:
            region = region_of(zone)
            if region is not None and region != vpc.region:
                yield Finding(
                    (*vpc_path(vpc), field),
                    f"{zone} is in {region}, not in the VPC's region {vpc.region}",
                    f"use zones of {vpc.region} or set the VPC's region to {region}",
                )


@rule(
    "zone-kinds",
    finding="a name under availability_zones is no Availability Zone, "
    "or one under local_zones no Local Zone",
    why="Local Zones have other limits (no Transit Gateway attachment, fewer services); "
    "the kind decides which subnets and gateways multivpc places there",
)
def zone_kinds(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        vpc = facts.vpc
        for zone in vpc.availability_zones:
            if is_local_zone(zone):
                yield Finding(
                    (*vpc_path(vpc), "availability_zones"),
                    f"{zone} is a Local Zone",
                    "move it under local_zones",
                )
            elif not is_availability_zone(zone):
                yield Finding(
                    (*vpc_path(vpc), "availability_zones"),
                    f"{zone} is not an Availability Zone name",
                    f"write zone names like {vpc.region}a",
                )
        for zone in facts.local_zones:
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
            yield Finding((*vpc_path(vpc), "local_zones", f"[{zone}]"), problem, fix)


@rule(
    "group-zones-declared",
    finding="a subnet group needs a zone the VPC does not span",
    why="a subnet can only be placed in a zone the VPC declares "
    "(AZs explicitly, Local Zones opted in)",
)
def group_zones_declared(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        declared = facts.declared_zones
        for entry in facts.groups:
            for zone in entry.zones:
                if zone in declared:
                    continue
                field = "local_zones" if is_local_zone(zone) else "availability_zones"
                yield Finding(
                    (*group_path(facts.vpc, entry.group.name), "zones"),
                    f"zone {zone} is not one of the VPC's zones",
                    f"add {zone} to the VPC's {field} or drop it from the group",
                )


RULES = (zones_in_region, zone_kinds, group_zones_declared)
