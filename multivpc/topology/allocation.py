"""Subnet CIDR allocation.

A group with ``cidr`` + ``prefix_length`` owns that range; the range is cut into blocks of
``prefix_length`` and each zone takes the block at its slot:

- an Availability Zone's slot is its letter (a=0, b=1, ...);
- a Local Zone's slot counts down from the last block, in the order of the VPC's
  ``local_zones`` list (first Local Zone = last block).

A subnet's CIDR therefore depends only on its group's range and its own zone, never on
which other zones or groups exist: adding a zone or a group moves nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from multivpc.config.models import SubnetGroup, Vpc
from multivpc.config.zones import availability_zone_slot
from multivpc.vocabulary import Tier


class AllocationError(ValueError):
    """A subnet that cannot be placed; ``fix`` says what to change."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


@dataclass(frozen=True)
class PlacedSubnet:
    """One subnet of a group in one zone, with its CIDR."""

    group: str
    tier: Tier
    zone: str
    is_local_zone: bool
    cidr: ipaddress.IPv4Network
    map_public_ip_on_launch: bool = False


@dataclass(frozen=True)
class Placement:
    """Where one (group, zone) lands: a subnet, or why it cannot be placed."""

    group: SubnetGroup
    zone: str
    subnet: PlacedSubnet | None
    error: AllocationError | None


def zone_slot(zone: str, local_zones: Sequence[str], slots: int) -> int:
    """The block of a group's range that ``zone`` takes (see the module docstring)."""
    if zone in local_zones:
        return slots - 1 - list(local_zones).index(zone)
    try:
        return availability_zone_slot(zone)
    except ValueError:
        raise AllocationError(
            f"{zone} is not a zone of this VPC", "add it to the VPC's zones"
        ) from None


def subnet_cidr(group: SubnetGroup, zone: str, local_zones: Sequence[str]) -> ipaddress.IPv4Network:
    """The CIDR of ``group``'s subnet in ``zone``; raises ``AllocationError`` when none fits."""
    if group.cidrs is not None:
        return group.cidrs[zone]
    assert group.cidr is not None and group.prefix_length is not None  # the model guarantees it
    if group.prefix_length < group.cidr.prefixlen:
        raise AllocationError(
            f"prefix_length /{group.prefix_length} is larger than the group range {group.cidr}",
            f"use a prefix_length of at least /{group.cidr.prefixlen}",
        )
    slots = 2 ** (group.prefix_length - group.cidr.prefixlen)
    slot = zone_slot(zone, local_zones, slots)
    if not 0 <= slot < slots:
        raise AllocationError(
            f"{group.cidr} holds {slots} subnet{'s' if slots > 1 else ''} "
            f"of /{group.prefix_length} "
            f"but zone {zone} "
            f"needs slot {slot}",
            "widen the group's cidr or use a longer prefix_length",
        )
    size = 2 ** (32 - group.prefix_length)
    first = int(group.cidr.network_address) + slot * size
    return ipaddress.IPv4Network((first, group.prefix_length))


def group_zones(vpc: Vpc, group: SubnetGroup) -> tuple[str, ...]:
    """The zones a group covers: the keys of ``cidrs``, else ``zones``, else every AZ."""
    if group.cidrs is not None:
        return tuple(group.cidrs)
    if group.zones is not None:
        return tuple(group.zones)
    return tuple(vpc.availability_zones)


def place(group: SubnetGroup, zone: str, local_zones: Sequence[str]) -> Placement:
    if group.cidrs is None and group.cidr is None:
        # A size the address plan could not allocate: rule address-allocation says why.
        return Placement(group, zone, None, None)
    try:
        cidr = subnet_cidr(group, zone, local_zones)
    except AllocationError as error:
        return Placement(group, zone, None, error)
    subnet = PlacedSubnet(
        group.name, group.tier, zone, zone in local_zones, cidr, group.map_public_ip_on_launch
    )
    return Placement(group, zone, subnet, None)


def overlapping(networks: Sequence[ipaddress.IPv4Network]) -> Iterator[tuple[int, int]]:
    """Pairs of indexes ``(i, j)`` where ``networks[j]`` overlaps ``networks[i]``.

    One pair per network that overlaps any network before it in address order (ties by
    index, so an exact duplicate names the one declared first). Sorting makes this
    O(n log n), which keeps 1,000-VPC estates fast to validate.
    """
    # Integer bounds: IPv4Network.broadcast_address is slow to compute on many objects.
    bounds = [
        (int(net.network_address), int(net.network_address) + net.num_addresses - 1)
        for net in networks
    ]
    order = sorted(range(len(bounds)), key=lambda i: (bounds[i][0], i))
    widest_end = -1
    widest = -1
    for index in order:
        start, end = bounds[index]
        if start <= widest_end:
            yield widest, index
        if end > widest_end:
            widest_end, widest = end, index
