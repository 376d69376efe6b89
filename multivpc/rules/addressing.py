"""Rules about addresses: VPC and subnet CIDRs, their sizes and overlaps."""

from __future__ import annotations

from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.rules.paths import group_path, vpc_path
from multivpc.rules.registry import rule
from multivpc.topology import Topology, overlapping


@rule(
    "vpc-cidr-size",
    finding="a VPC CIDR is larger than /16 or smaller than /28",
    why="AWS accepts VPC IPv4 blocks from /16 to /28 only",
)
def vpc_cidr_size(topology: Topology) -> Iterator[Finding]:
    for vpc in topology.config.vpcs:
        if not 16 <= vpc.cidr.prefixlen <= 28:
            yield Finding(
                (*vpc_path(vpc), "cidr"),
                f"{vpc.cidr} is a /{vpc.cidr.prefixlen}; a VPC needs /16 to /28",
                "choose a prefix length between 16 and 28",
            )


@rule(
    "vpc-cidrs-disjoint",
    finding="two VPCs use overlapping CIDRs",
    why="overlapping VPCs cannot be peered or routed through a Transit Gateway to each other",
)
def vpc_cidrs_disjoint(topology: Topology) -> Iterator[Finding]:
    vpcs = topology.config.vpcs
    for i, j in overlapping([vpc.cidr for vpc in vpcs]):
        first, second = (vpcs[i], vpcs[j]) if i < j else (vpcs[j], vpcs[i])
        if first.name != second.name:
            yield Finding(
                (*vpc_path(second), "cidr"),
                f"{second.cidr} overlaps vpcs[{first.name}] {first.cidr}",
                "pick a free range",
            )


@rule(
    "subnets-fit-vpc",
    finding="a subnet cannot be placed: outside the VPC range, too small, or no slot for its zone",
    why="CloudFormation rejects subnets outside the VPC CIDR or smaller than /28",
)
def subnets_fit_vpc(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        vpc = facts.vpc
        for group in vpc.subnets:
            if group.cidr is not None and not group.cidr.subnet_of(vpc.cidr):
                yield Finding(
                    (*group_path(vpc, group.name), "cidr"),
                    f"{group.cidr} is outside the VPC range {vpc.cidr}",
                    f"pick a range inside {vpc.cidr}",
                )
        for placement in facts.placements:
            path = group_path(vpc, placement.group.name)
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
    finding="two subnets of one VPC overlap",
    why="CloudFormation fails the second subnet; overlapping ranges also break routing",
)
def subnets_disjoint(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        placed = [p.subnet for p in facts.placements if p.subnet is not None]
        for i, j in overlapping([subnet.cidr for subnet in placed]):
            first, second = (placed[i], placed[j]) if i < j else (placed[j], placed[i])
            yield Finding(
                group_path(facts.vpc, second.group),
                f"{second.cidr} ({second.zone}) overlaps subnets[{first.group}] "
                f"{first.cidr} ({first.zone})",
                "give the groups ranges that do not overlap",
            )


RULES = (vpc_cidr_size, vpc_cidrs_disjoint, subnets_fit_vpc, subnets_disjoint)
