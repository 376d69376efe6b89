"""The address plan as text, for ``multivpc plan``: pools, VPCs, groups and subnets with
zone and CIDR, where each range came from (config, lock or new), and the free space left
per pool and per VPC."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from multivpc.topology import Origin, Topology, free_blocks

SHOWN_BLOCKS = 4
"""Free blocks listed per pool or VPC; the rest are counted."""

_ORIGINS: dict[Origin, str] = {"config": "config", "lock": "lock", "new": "new"}


def address_plan_lines(topology: Topology) -> list[str]:
    """One line per pool, VPC and subnet, with the free space of each pool and VPC."""
    addresses = topology.addresses
    assert addresses is not None, "a topology always has its address plan"
    config = topology.config
    lines: list[str] = []
    released = [entry.cidr for entry in addresses.lock.released]
    if config.address_pools:
        lines.append("pools:")
        for pool in config.address_pools:
            inside = [v for v in config.vpcs if v.cidr is not None and v.cidr.overlaps(pool.cidr)]
            taken = [v.cidr for v in inside if v.cidr is not None] + released
            free = free_blocks(pool.cidr, taken)
            lines.append(
                f"  {pool.name} {pool.cidr}: {_count(len(inside), 'VPC')}; {_free(free, pool.cidr)}"
            )
    lines.append("vpcs:")
    for facts in topology:
        vpc = facts.vpc
        origin = addresses.vpc_origin(vpc.name)
        pool_name = addresses.lock.vpc(vpc.name).pool
        where = f", pool {pool_name}" if pool_name else ""
        lines.append(f"  {vpc.name} {vpc.cidr} ({_ORIGINS[origin]}{where})")
        rows: list[tuple[str, ...]] = [("group", "tier", "zone", "cidr", "from")]
        for placement in facts.placements:
            subnet = placement.subnet
            if subnet is None:
                continue
            row_origin = addresses.subnet_origin(vpc.name, subnet.group, subnet.zone)
            rows.append(
                (subnet.group, subnet.tier, subnet.zone, str(subnet.cidr), _ORIGINS[row_origin])
            )
        lines.extend(f"    {line}" for line in _table(rows))
        if vpc.cidr is not None:
            taken = [g.cidr for g in vpc.subnets if g.cidr is not None]
            taken += [p.subnet.cidr for p in facts.placements if p.subnet is not None]
            taken += [cidr for cidr in released if cidr.overlaps(vpc.cidr)]
            lines.append(f"    {_free(free_blocks(vpc.cidr, taken), vpc.cidr)}")
    if addresses.lock.released:
        lines.append(
            "released (not free until `multivpc plan --write-lock --forget-released` after the "
            "deploy that removes them):"
        )
        held = sorted(addresses.lock.released, key=lambda e: (e.cidr, e.was))
        table = _table([("cidr", "was"), *((str(e.cidr), e.was) for e in held)])
        lines += [f"  {line}" for line in table]
    return lines


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _free(blocks: Sequence[ipaddress.IPv4Network], within: ipaddress.IPv4Network) -> str:
    if not blocks:
        return "free: none"
    total = sum(block.num_addresses for block in blocks)
    largest = min(block.prefixlen for block in blocks)
    shown = " ".join(str(block) for block in blocks[:SHOWN_BLOCKS])
    more = f" and {len(blocks) - SHOWN_BLOCKS} more" if len(blocks) > SHOWN_BLOCKS else ""
    share = total * 100 // within.num_addresses
    return f"free: {total:,} addresses ({share}%), largest block /{largest}: {shown}{more}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
