"""Address plans: ranges allocated once from free space, then locked.

A VPC with ``pool`` + ``size`` gets a range from its address pool, and a subnet group with
only a ``size`` gets one subnet of that prefix length per zone it covers, from its VPC's
free space. ``allocate`` decides every such range once, given the lock (what earlier
loads allocated):

- a locked range is kept as long as it still fits its place (same size, inside the pool
  or VPC); one that no longer fits is a problem naming both the config and the lock
  entry, never silently moved;
- explicit ranges (a VPC's ``cidr``, a group's ``cidr`` or ``cidrs``) always win: new
  allocations avoid them, and one that overlaps a locked range is a problem;
- what is new is allocated at the lowest free aligned block, larger blocks first, then by
  name (VPC; group, then zone), so the result depends on neither list order nor on
  which other new items exist in another pool or VPC;
- each (group, zone) subnet is allocated and locked on its own, so adding a zone or a
  group never moves an existing subnet;
- a locked range whose group, zone or pool VPC is gone is released, not freed: the lock
  keeps it under ``released`` and nothing new gets it (CloudFormation creates the new
  subnet before it deletes the old one, so reusing it in the same deploy would fail),
  until the user forgets it after that deploy; only what held it may take it back, which
  is then the same resource. An explicit range over a released one is a problem.

The outcome is an ``AddressPlan``: the config with every allocated range written in (as
if the user had given them all explicitly), the lock that records them, where each range
came from, and the problems, which the rule ``address-allocation`` reports.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from multivpc.config.lockfile import (
    AddressLock,
    LockedRange,
    LockedVpc,
    ReleasedRange,
    subnet_path,
    vpc_path,
)
from multivpc.config.models import AddressPool, NetworkConfig, SubnetGroup, Vpc
from multivpc.topology.allocation import group_zones

Origin = Literal["config", "lock", "new"]
"""Where a range came from: written in the config, kept from the lock, or allocated now."""

Network = ipaddress.IPv4Network


@dataclass(frozen=True)
class AddressProblem:
    """A range that cannot be kept or allocated: where in the config, what, and the fix."""

    path: tuple[str, ...]
    problem: str
    fix: str


@dataclass(frozen=True)
class AddressPlan:
    """Every allocated range of a config, decided once (see the module docstring)."""

    config: NetworkConfig
    """The config with allocated ranges written in: VPCs get ``cidr``, size-only groups
    ``cidrs`` (the zones they cover, in their order). Unallocatable ones stay as given."""
    lock: AddressLock
    """What the lock file must hold for this config."""
    vpc_origins: Mapping[str, Origin] = field(default_factory=dict)
    subnet_origins: Mapping[tuple[str, str, str], Origin] = field(default_factory=dict)
    """(VPC, group, zone) -> origin, for the subnets of size-only groups."""
    problems: tuple[AddressProblem, ...] = ()

    def vpc_origin(self, vpc: str) -> Origin:
        return self.vpc_origins.get(vpc, "config")

    def subnet_origin(self, vpc: str, group: str, zone: str) -> Origin:
        return self.subnet_origins.get((vpc, group, zone), "config")

    def is_allocated_vpc(self, vpc: str) -> bool:
        return self.vpc_origin(vpc) != "config"

    def is_allocated_subnet(self, vpc: str, group: str, zone: str) -> bool:
        return self.subnet_origin(vpc, group, zone) != "config"

    @property
    def new_ranges(self) -> int:
        return sum(o == "new" for o in (*self.vpc_origins.values(), *self.subnet_origins.values()))


def allocate(config: NetworkConfig, lock: AddressLock) -> AddressPlan:
    """Keep what ``lock`` holds where it still fits, allocate what is new (see above)."""
    problems: list[AddressProblem] = []
    pools = _pools(config.address_pools, problems)
    held = Held(dict.fromkeys((*lock.released, *_freed(config, lock))))
    vpc_ranges, vpc_origins = _vpc_ranges(config, lock, pools, held, problems)
    subnets: dict[tuple[str, str, str], tuple[Network, Origin]] = {}
    for vpc in config.vpcs:
        cidr = vpc_ranges.get(vpc.name)
        if cidr is not None:
            subnets.update(_subnet_ranges(vpc, cidr, lock, held, problems))
    problems.extend(_over_released(config, held, lock))
    resolved = _resolved(config, vpc_ranges, subnets)
    new_lock = AddressLock(
        lock.source,
        {
            vpc.name: LockedVpc(
                LockedRange(vpc_ranges[vpc.name]) if vpc.name in vpc_origins else None,
                vpc.pool if vpc.name in vpc_origins else None,
                {(g, z): LockedRange(c) for (v, g, z), (c, _) in subnets.items() if v == vpc.name},
            )
            for vpc in config.vpcs
        },
        tuple(held.ranges),
    )
    return AddressPlan(
        config=resolved,
        lock=new_lock,
        vpc_origins=vpc_origins,
        subnet_origins={key: origin for key, (_, origin) in subnets.items()},
        problems=tuple(problems),
    )


# -- released ranges ----------------------------------------------------------------------
class Held:
    """Released ranges: skipped by every allocation, given back only to what held them."""

    def __init__(self, ranges: Iterable[ReleasedRange]) -> None:
        self.ranges = list(ranges)

    def cidrs(self) -> list[Network]:
        return [entry.cidr for entry in self.ranges]

    def take_back(
        self, was: str, prefix: int, within: Network, taken: Sequence[Network]
    ) -> Network | None:
        """The range ``was`` held, when it still fits (same size, inside ``within``, over
        nothing else taken): no longer released, it is the same resource again."""
        for entry in self.ranges:
            cidr = entry.cidr
            if (
                entry.was == was
                and cidr.prefixlen == prefix
                and cidr.subnet_of(within)
                and not any(cidr.overlaps(other) for other in taken)
            ):
                self.ranges.remove(entry)
                return cidr
        return None


def _freed(config: NetworkConfig, lock: AddressLock) -> Iterable[ReleasedRange]:
    """The lock's ranges this config no longer holds: a pool VPC's range when the VPC is
    gone (or has an explicit range elsewhere), a size-only subnet's when its group or zone
    is gone from a VPC that stays (a removed VPC's subnets go with its range). A range the
    same VPC or group now gives explicitly is pinned, not freed."""
    vpcs = {vpc.name: vpc for vpc in config.vpcs}
    for name, entry in sorted(lock.vpcs.items()):
        vpc = vpcs.get(name)
        if entry.cidr is not None and (
            vpc is None or (vpc.cidr is not None and not vpc.cidr.overlaps(entry.cidr.cidr))
        ):
            yield ReleasedRange(entry.cidr.cidr, vpc_path(name))
        if vpc is None:
            continue
        groups = {group.name: group for group in vpc.subnets}
        for (group_name, zone), locked in sorted(entry.subnets.items()):
            group = groups.get(group_name)
            if group is not None and group.size is not None and zone in group_zones(vpc, group):
                continue  # kept, or a misfit that _subnet_ranges reports
            pinned = group is not None and any(
                network.overlaps(locked.cidr) for _, network in _explicit_group_ranges(vpc, group)
            )
            if not pinned:
                yield ReleasedRange(locked.cidr, subnet_path(name, group_name, zone))


def _over_released(
    config: NetworkConfig, held: Held, lock: AddressLock
) -> Iterable[AddressProblem]:
    """Explicit ranges over released ones: the deploy would create them while the
    released VPC or subnet still exists."""
    fix = (
        "deploy the change that removed it first, then run `multivpc plan --write-lock "
        "--forget-released`; or pick a free range (multivpc plan shows what is free)"
    )
    for vpc in config.vpcs:
        explicit = _explicit_subnet_ranges(vpc)
        if vpc.cidr is not None:
            explicit.insert(0, (("vpcs", f"[{vpc.name}]", "cidr"), vpc.cidr))
        for path, network in explicit:
            is_vpc = path[-1] == "cidr" and len(path) == 3
            for entry in held.ranges:
                if network.overlaps(entry.cidr) and (
                    entry.is_vpc_range if is_vpc else entry.vpc == vpc.name
                ):
                    where = (
                        f"released in {lock.where(entry)}" if entry.line else "freed by this change"
                    )
                    yield AddressProblem(
                        path,
                        f"{network} overlaps {entry.cidr}, which {entry.was} held ({where}) "
                        "and which stays in use until that removal is deployed",
                        fix,
                    )


# -- VPC ranges from pools ----------------------------------------------------------------
def _pools(pools: Sequence[AddressPool], problems: list[AddressProblem]) -> dict[str, AddressPool]:
    by_name: dict[str, AddressPool] = {}
    for pool in pools:
        if pool.name in by_name:
            problems.append(
                AddressProblem(
                    ("address_pools", f"[{pool.name}]"),
                    f"pool name {pool.name} is used twice",
                    "give each pool its own name",
                )
            )
            continue
        by_name[pool.name] = pool
    return by_name


def _vpc_ranges(
    config: NetworkConfig,
    lock: AddressLock,
    pools: Mapping[str, AddressPool],
    held: Held,
    problems: list[AddressProblem],
) -> tuple[dict[str, Network], dict[str, Origin]]:
    ranges: dict[str, Network] = {v.name: v.cidr for v in config.vpcs if v.cidr is not None}
    origins: dict[str, Origin] = {}
    taken: list[Network] = list(ranges.values())
    kept: dict[str, LockedRange] = {}
    wanted: list[tuple[Vpc, AddressPool]] = []
    for vpc in sorted((v for v in config.vpcs if v.cidr is None), key=lambda v: v.name):
        assert vpc.pool is not None and vpc.size is not None  # the model guarantees it
        path = ("vpcs", f"[{vpc.name}]")
        pool = pools.get(vpc.pool)
        if pool is None:
            known = ", ".join(sorted(pools)) or "none yet"
            problems.append(
                AddressProblem(
                    (*path, "pool"),
                    f"pool {vpc.pool} is not under address_pools (known: {known})",
                    "add it under address_pools or fix the name",
                )
            )
            continue
        locked = lock.vpc(vpc.name).cidr
        if locked is not None:
            taken.append(locked.cidr)  # even when it no longer fits: a locked range is in use
            problem = _vpc_lock_misfit(vpc, pool, locked, lock)
            if problem is not None:
                problems.append(problem)
            else:
                kept[vpc.name] = locked
                ranges[vpc.name], origins[vpc.name] = locked.cidr, "lock"
            continue
        if vpc.size < pool.cidr.prefixlen:
            problems.append(
                AddressProblem(
                    (*path, "size"),
                    f"/{vpc.size} is larger than pool {pool.name} ({pool.cidr})",
                    f"use a size of at least {pool.cidr.prefixlen}",
                )
            )
            continue
        wanted.append((vpc, pool))
    problems.extend(_vpc_collisions(config, kept, lock))
    for vpc, pool in sorted(wanted, key=lambda item: (item[0].size, item[0].name)):
        assert vpc.size is not None
        back = held.take_back(vpc_path(vpc.name), vpc.size, pool.cidr, taken)
        if back is not None:
            taken.append(back)
            ranges[vpc.name], origins[vpc.name] = back, "lock"
            continue
        block = lowest_free(pool.cidr, vpc.size, [*taken, *held.cidrs()])
        if block is None:
            problems.append(
                AddressProblem(
                    ("vpcs", f"[{vpc.name}]", "size"),
                    f"pool {pool.name} ({pool.cidr}) has no free /{vpc.size} left for this VPC",
                    "use a smaller size, another pool, or widen the pool (multivpc plan shows "
                    "what is free)",
                )
            )
            continue
        taken.append(block)
        ranges[vpc.name], origins[vpc.name] = block, "new"
    return ranges, origins


def _vpc_lock_misfit(
    vpc: Vpc, pool: AddressPool, locked: LockedRange, lock: AddressLock
) -> AddressProblem | None:
    path = ("vpcs", f"[{vpc.name}]")
    entry = f"{locked.cidr}, locked for this VPC in {lock.where(locked)} (vpcs.{vpc.name}.cidr)"
    release = "or delete that lock entry to allocate anew, which replaces the VPC and all in it"
    if locked.cidr.prefixlen != vpc.size:
        return AddressProblem(
            (*path, "size"),
            f"size {vpc.size} does not match {entry}",
            f"restore size: {locked.cidr.prefixlen}, {release}",
        )
    if not locked.cidr.subnet_of(pool.cidr):
        return AddressProblem(
            (*path, "pool"),
            f"pool {pool.name} ({pool.cidr}) does not hold {entry}",
            f"restore the pool that holds it, write cidr: {locked.cidr} on the VPC, {release}",
        )
    return None


def _vpc_collisions(
    config: NetworkConfig, kept: Mapping[str, LockedRange], lock: AddressLock
) -> Iterable[AddressProblem]:
    """Explicit VPC ranges over locked ones (explicit wins, so it is the explicit one that
    must move), and locked ranges over each other (a hand-edited lock)."""
    explicit = [(v.name, v.cidr) for v in config.vpcs if v.cidr is not None]
    locked = sorted(kept.items())
    for name, entry in locked:
        for other, cidr in explicit:
            if cidr.overlaps(entry.cidr):
                yield AddressProblem(
                    ("vpcs", f"[{other}]", "cidr"),
                    f"{cidr} overlaps vpcs[{name}] {entry.cidr}, allocated and locked in "
                    f"{lock.where(entry)}",
                    "pick a free range (multivpc plan shows what is free)",
                )
    for i, (name, entry) in enumerate(locked):
        for other, other_entry in locked[i + 1 :]:
            if entry.cidr.overlaps(other_entry.cidr):
                yield AddressProblem(
                    ("vpcs", f"[{other}]"),
                    f"the lock gives it {other_entry.cidr} ({lock.where(other_entry)}), which "
                    f"overlaps {entry.cidr} of vpcs[{name}] ({lock.where(entry)})",
                    "restore the lock file from version control",
                )


# -- subnet ranges for size-only groups ---------------------------------------------------
def _subnet_ranges(
    vpc: Vpc, cidr: Network, lock: AddressLock, held: Held, problems: list[AddressProblem]
) -> dict[tuple[str, str, str], tuple[Network, Origin]]:
    locked_vpc = lock.vpc(vpc.name)
    explicit = _explicit_subnet_ranges(vpc)
    taken = [network for _, network in explicit]
    result: dict[tuple[str, str, str], tuple[Network, Origin]] = {}
    kept: list[tuple[str, str, LockedRange]] = []
    wanted: list[tuple[SubnetGroup, str]] = []
    for group in (g for g in vpc.subnets if g.size is not None):
        assert group.size is not None
        path = ("vpcs", f"[{vpc.name}]", "subnets", f"[{group.name}]", "size")
        too_large = group.size < cidr.prefixlen
        if too_large:
            problems.append(
                AddressProblem(
                    path,
                    f"/{group.size} is larger than the VPC range {cidr}",
                    f"use a size of at least {cidr.prefixlen}",
                )
            )
        for zone in dict.fromkeys(group_zones(vpc, group)):
            locked = locked_vpc.subnets.get((group.name, zone))
            if locked is None:
                if not too_large:
                    wanted.append((group, zone))
                continue
            taken.append(locked.cidr)
            problem = _subnet_lock_misfit(vpc, cidr, group, zone, locked, lock)
            if problem is not None:
                problems.append(problem)
                continue
            kept.append((group.name, zone, locked))
            result[(vpc.name, group.name, zone)] = (locked.cidr, "lock")
    problems.extend(_subnet_collisions(vpc, explicit, kept, lock))
    for group, zone in sorted(wanted, key=lambda item: (item[0].size, item[0].name, item[1])):
        assert group.size is not None
        was = subnet_path(vpc.name, group.name, zone)
        back = held.take_back(was, group.size, cidr, taken)
        if back is not None:
            taken.append(back)
            result[(vpc.name, group.name, zone)] = (back, "lock")
            continue
        block = lowest_free(cidr, group.size, [*taken, *held.cidrs()])
        if block is None:
            problems.append(
                AddressProblem(
                    ("vpcs", f"[{vpc.name}]", "subnets", f"[{group.name}]", "size"),
                    f"the VPC range {cidr} has no free /{group.size} left for zone {zone}",
                    "use a smaller size or give the VPC a larger range (multivpc plan shows "
                    "what is free)",
                )
            )
            continue
        taken.append(block)
        result[(vpc.name, group.name, zone)] = (block, "new")
    return result


def _explicit_subnet_ranges(vpc: Vpc) -> list[tuple[tuple[str, ...], Network]]:
    """The ranges the VPC's explicit groups own, each with its config key: a group's
    whole ``cidr`` (its future zones' slots included), or each entry of ``cidrs``."""
    return [entry for group in vpc.subnets for entry in _explicit_group_ranges(vpc, group)]


def _explicit_group_ranges(vpc: Vpc, group: SubnetGroup) -> list[tuple[tuple[str, ...], Network]]:
    where = ("vpcs", f"[{vpc.name}]", "subnets", f"[{group.name}]")
    ranges: list[tuple[tuple[str, ...], Network]] = []
    if group.cidr is not None:
        ranges.append(((*where, "cidr"), group.cidr))
    for zone, network in (group.cidrs or {}).items():
        ranges.append(((*where, "cidrs", f"[{zone}]"), network))
    return ranges


def _subnet_lock_misfit(
    vpc: Vpc,
    cidr: Network,
    group: SubnetGroup,
    zone: str,
    locked: LockedRange,
    lock: AddressLock,
) -> AddressProblem | None:
    path = ("vpcs", f"[{vpc.name}]", "subnets", f"[{group.name}]")
    entry = (
        f"{locked.cidr}, locked for zone {zone} in {lock.where(locked)} "
        f"(vpcs.{vpc.name}.subnets.{group.name}.{zone})"
    )
    release = "or delete that lock entry to allocate anew, which replaces the subnet"
    if locked.cidr.prefixlen != group.size:
        return AddressProblem(
            (*path, "size"),
            f"size {group.size} does not match {entry}",
            f"restore size: {locked.cidr.prefixlen}, {release}",
        )
    if not locked.cidr.subnet_of(cidr):
        return AddressProblem(
            (*path, "size"),
            f"the VPC range {cidr} does not hold {entry}",
            f"restore the VPC range that holds it, {release}",
        )
    return None


def _subnet_collisions(
    vpc: Vpc,
    explicit: Sequence[tuple[tuple[str, ...], Network]],
    kept: Sequence[tuple[str, str, LockedRange]],
    lock: AddressLock,
) -> Iterable[AddressProblem]:
    for group, zone, entry in kept:
        for path, network in explicit:
            if network.overlaps(entry.cidr):
                yield AddressProblem(
                    path,
                    f"{network} overlaps subnets[{group}] {entry.cidr} ({zone}), allocated and "
                    f"locked in {lock.where(entry)}",
                    "pick a free range (multivpc plan shows what is free)",
                )
    for i, (group, zone, entry) in enumerate(kept):
        for other_group, other_zone, other in kept[i + 1 :]:
            if entry.cidr.overlaps(other.cidr):
                yield AddressProblem(
                    ("vpcs", f"[{vpc.name}]", "subnets", f"[{other_group}]"),
                    f"the lock gives {other_zone} {other.cidr} ({lock.where(other)}), which "
                    f"overlaps {entry.cidr} of subnets[{group}] in {zone} ({lock.where(entry)})",
                    "restore the lock file from version control",
                )


def _resolved(
    config: NetworkConfig,
    vpc_ranges: Mapping[str, Network],
    subnets: Mapping[tuple[str, str, str], tuple[Network, Origin]],
) -> NetworkConfig:
    if not any(v.cidr is None or any(g.size is not None for g in v.subnets) for v in config.vpcs):
        return config
    vpcs = []
    for vpc in config.vpcs:
        groups = [
            group.model_copy(
                update={
                    "size": None,
                    "cidrs": {
                        zone: subnets[(vpc.name, group.name, zone)][0]
                        for zone in group_zones(vpc, group)
                        if (vpc.name, group.name, zone) in subnets
                    },
                }
            )
            if group.size is not None
            and all((vpc.name, group.name, zone) in subnets for zone in group_zones(vpc, group))
            else group
            for group in vpc.subnets
        ]
        update: dict[str, object] = {"subnets": groups}
        if vpc.cidr is None and vpc.name in vpc_ranges:
            update.update(cidr=vpc_ranges[vpc.name], pool=None, size=None)
        vpcs.append(vpc.model_copy(update=update))
    return config.model_copy(update={"vpcs": vpcs})


# -- free space ---------------------------------------------------------------------------
def _intervals(networks: Iterable[Network]) -> list[tuple[int, int]]:
    """[start, end) integer bounds, sorted."""
    return sorted(
        (int(n.network_address), int(n.network_address) + n.num_addresses) for n in networks
    )


def lowest_free(within: Network, prefix: int, taken: Iterable[Network]) -> Network | None:
    """The lowest block of ``/prefix`` inside ``within`` that overlaps nothing ``taken``,
    or None when none is left (or the block would be larger than ``within``)."""
    if prefix < within.prefixlen:
        return None
    size = 1 << (32 - prefix)
    start = int(within.network_address)
    end = start + within.num_addresses
    candidate = start
    for low, high in _intervals(taken):
        if high <= candidate:
            continue
        if low >= candidate + size:
            break
        candidate = -(-high // size) * size  # the first aligned block past this one
        if candidate + size > end:
            return None
    return Network((candidate, prefix)) if candidate + size <= end else None


def free_blocks(within: Network, taken: Iterable[Network]) -> list[Network]:
    """The space of ``within`` that nothing ``taken`` covers, as the fewest CIDR blocks,
    in address order."""
    start = int(within.network_address)
    end = start + within.num_addresses
    free: list[Network] = []
    cursor = start
    for low, high in _intervals(taken):
        low, high = max(low, start), min(high, end)
        if high <= cursor:
            continue
        if low > cursor:
            free.extend(_summarize(cursor, low))
        cursor = max(cursor, high)
    if cursor < end:
        free.extend(_summarize(cursor, end))
    return free


def _summarize(start: int, end: int) -> list[Network]:
    return list(
        ipaddress.summarize_address_range(
            ipaddress.IPv4Address(start), ipaddress.IPv4Address(end - 1)
        )
    )
