"""Rules about addresses: VPC and subnet CIDRs, their sizes and overlaps, and the ranges
allocated from address pools and sizes (``multivpc.topology.pools`` decides them; the rule
address-allocation reports what it could not keep or allocate).

Ranges that were allocated are disjoint by construction; an explicit range over an
allocated one is reported by address-allocation, naming the lock entry, so the overlap
rules here look at explicit ranges only."""

from __future__ import annotations

from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.rules.paths import group_path, vpc_path
from multivpc.rules.registry import rule
from multivpc.topology import Placement, Topology, overlapping


@rule(
    "vpc-cidr-size",
    finding="a VPC CIDR is larger than /16 or smaller than /28",
    why="AWS accepts VPC IPv4 blocks from /16 to /28 only",
)
def vpc_cidr_size(topology: Topology) -> Iterator[Finding]:
    for vpc in topology.config.vpcs:
        if vpc.cidr is not None and not 16 <= vpc.cidr.prefixlen <= 28:
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
    addresses = topology.addresses
    vpcs = [
        vpc
        for vpc in topology.config.vpcs
        if vpc.cidr is not None and not (addresses and addresses.is_allocated_vpc(vpc.name))
    ]
    for i, j in overlapping([vpc.cidr for vpc in vpcs if vpc.cidr is not None]):
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
        if vpc.cidr is None:
            continue  # its allocation failed: address-allocation says why
        too_wide: set[str] = set()  # groups whose prefix_length is reported once, not once per zone
        for group in vpc.subnets:
            if group.cidr is not None and not group.cidr.subnet_of(vpc.cidr):
                yield Finding(
                    (*group_path(vpc, group.name), "cidr"),
                    f"{group.cidr} is outside the VPC range {vpc.cidr}",
                    f"pick a range inside {vpc.cidr}",
                )
            if group.cidr is None or group.prefix_length is None:
                continue
            if group.prefix_length < group.cidr.prefixlen:
                too_wide.add(group.name)
                yield Finding(
                    (*group_path(vpc, group.name), "prefix_length"),
                    f"/{group.prefix_length} is larger than the group range {group.cidr}",
                    f"use a prefix_length of at least {group.cidr.prefixlen}",
                )
        for placement in facts.placements:
            path = group_path(vpc, placement.group.name)
            placed = placement.subnet
            if placement.error is not None:
                if placement.group.name not in too_wide:
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
    """One finding per key that causes an overlap (a group's ``cidr``, or one entry of its
    ``cidrs``) and per group it overlaps, not one per pair of colliding subnets."""
    addresses = topology.addresses
    for facts in topology:
        placed = [
            p
            for p in facts.placements
            if p.subnet is not None
            and not (addresses and addresses.is_allocated_subnet(facts.name, p.group.name, p.zone))
        ]
        # (the later group, its key, the earlier group) -> [(earlier, later)] placements
        clashes: dict[tuple[int, tuple[str, ...], int], list[tuple[Placement, Placement]]] = {}
        for i, j in overlapping([p.subnet.cidr for p in placed if p.subnet is not None]):
            first, second = (placed[i], placed[j]) if i < j else (placed[j], placed[i])
            key: tuple[str, ...] = ("cidr",)
            if second.group.cidr is None:
                key = ("cidrs", f"[{second.zone}]")
            clash = (id(second.group), key, id(first.group))
            clashes.setdefault(clash, []).append((first, second))
        for (_, key, _), pairs in clashes.items():
            first, second = pairs[0]
            assert first.subnet is not None and second.subnet is not None
            if key == ("cidr",):
                mine, theirs = second.group.cidr, first.group.cidr or first.subnet.cidr
                zones = ", ".join(dict.fromkeys(later.zone for _, later in pairs))
                where = f" (subnets collide in {zones})"
            else:
                mine, theirs, where = second.subnet.cidr, first.subnet.cidr, f" ({first.zone})"
            yield Finding(
                (*group_path(facts.vpc, second.group.name), *key),
                f"{mine} overlaps subnets[{first.group.name}] {theirs}{where}",
                "give the groups ranges that do not overlap",
            )


@rule(
    "address-allocation",
    finding="a range from a pool or a size cannot be allocated, a locked range no longer fits "
    "the config, or an explicit range overlaps a locked one",
    why="a locked range may already be deployed: moving it would replace the VPC or subnet, "
    "so multivpc stops and says what to change instead",
)
def address_allocation(topology: Topology) -> Iterator[Finding]:
    if topology.addresses is None:
        return
    for problem in topology.addresses.problems:
        yield Finding(problem.path, problem.problem, problem.fix)


RULES = (vpc_cidr_size, vpc_cidrs_disjoint, subnets_fit_vpc, subnets_disjoint, address_allocation)
