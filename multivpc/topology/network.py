"""Facts derived once from a shape-valid config, handed to every rule and to the plan.

The config models hold data only; what follows from them (which zones each subnet group
covers, where each subnet lands, which zones are public, where NAT gateways go) is
computed here, once per VPC, instead of by whichever rule happens to ask first.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from multivpc.config.lockfile import AddressLock, RoutingShards
from multivpc.config.models import NetworkConfig, SubnetGroup, Vpc
from multivpc.config.zones import is_availability_zone
from multivpc.topology.allocation import PlacedSubnet, Placement, group_zones, place
from multivpc.topology.endpoints import EndpointTopology, endpoint_topology
from multivpc.topology.pools import AddressPlan, allocate
from multivpc.topology.shards import routing_shards
from multivpc.topology.transit import (
    TransitGatewayPeeringTopology,
    TransitTopology,
    peering_topology,
    transit_topology,
)


@dataclass(frozen=True)
class GroupTopology:
    """A subnet group and the zones it covers, in the order they are declared."""

    group: SubnetGroup
    zones: tuple[str, ...]


@dataclass(frozen=True)
class VpcTopology:
    """What one VPC's config implies.

    - ``account_id``: the id of the VPC's account, or None when ``accounts`` lacks it
      (the rule known-accounts reports that).
    - ``placements``: every (group, zone) whose zone the VPC declares with a recognisable
      kind; zones it does not declare are left out (rules group-zones-declared and
      zone-kinds report those).
    - ``nat_zones``: zones that get a NAT gateway, Availability Zones first (by name),
      then Local Zones in declared order (see ``nat_zones_of``).
    """

    vpc: Vpc
    account_id: str | None
    local_zones: tuple[str, ...]
    groups: tuple[GroupTopology, ...]
    placements: tuple[Placement, ...]
    public_zones: frozenset[str]
    private_zones: frozenset[str]
    nat_zones: tuple[str, ...]
    has_internet_gateway: bool
    endpoints: EndpointTopology | None = None
    """The VPC's endpoints, resolved (None without ``endpoints``)."""

    @property
    def name(self) -> str:
        return self.vpc.name

    @property
    def cidr(self) -> ipaddress.IPv4Network:
        """The VPC's range (given or allocated); only for a checked topology."""
        if self.vpc.cidr is None:
            raise ValueError(f"VPC {self.name} has no range; check rules first")
        return self.vpc.cidr

    @property
    def declared_zones(self) -> frozenset[str]:
        return frozenset((*self.vpc.availability_zones, *self.local_zones))

    def subnets(self) -> tuple[PlacedSubnet, ...]:
        """Every subnet of a valid VPC (rules have checked that each one can be placed)."""
        placed = tuple(p.subnet for p in self.placements if p.subnet is not None)
        if len(placed) != len(self.placements):
            raise ValueError(
                f"VPC {self.name} has subnets that cannot be placed; check rules first"
            )
        return placed


@dataclass(frozen=True)
class Topology:
    """The config and, for each of its VPCs (in config order), its ``VpcTopology``; for
    each Transit Gateway, its ``TransitTopology``.

    ``config`` has every allocated range written in (see ``multivpc.topology.pools``);
    ``addresses`` says where each range came from and what the lock file must hold
    (routing shards included)."""

    config: NetworkConfig
    vpcs: tuple[VpcTopology, ...]
    transit_gateways: tuple[TransitTopology, ...] = ()
    transit_gateway_peerings: tuple[TransitGatewayPeeringTopology, ...] = ()
    addresses: AddressPlan | None = field(default=None, compare=False)

    def peerings_of(self, tgw: str) -> tuple[tuple[TransitGatewayPeeringTopology, str], ...]:
        """The peerings ``tgw`` takes part in, each with its role there (requester or
        accepter), in config order."""
        return tuple(
            (peering, role)
            for peering in self.transit_gateway_peerings
            for role, end in (("requester", peering.requester), ("accepter", peering.accepter))
            if end.side.transit_gateway == tgw
        )

    def transit_gateway(self, name: str) -> TransitTopology | None:
        return next((t for t in self.transit_gateways if t.name == name), None)

    def routing_shards(self, tgw: str) -> RoutingShards:
        """Where the routing of ``tgw``'s attachments and blackholes lives (see
        ``multivpc.topology.shards``)."""
        assert self.addresses is not None, "a topology always has its address plan"
        return self.addresses.lock.routing[tgw]

    @cached_property
    def _facts_by_vpc(self) -> dict[int, VpcTopology]:
        return {id(facts.vpc): facts for facts in self.vpcs}

    def facts_of(self, vpc: Vpc) -> VpcTopology:
        """The ``VpcTopology`` of this very ``Vpc`` object (a dict lookup, not a scan)."""
        return self._facts_by_vpc[id(vpc)]

    def __iter__(self) -> Iterator[VpcTopology]:
        return iter(self.vpcs)


def topology(config: NetworkConfig, lock: AddressLock | None = None) -> Topology:
    """Derive every fact rules and plan need, once: first the address plan (ranges kept
    from ``lock`` or allocated), then everything else from the config it resolves."""
    lock = lock or AddressLock()
    addresses = allocate(config, lock)
    config = addresses.config
    transits = transit_topology(config)
    shards = {
        tgw.name: routing_shards(tgw, lock.routing.get(tgw.name))
        for tgw in reversed(transits)  # a name given twice (a rule reports it): the first
    }
    addresses = dataclasses.replace(
        addresses, lock=dataclasses.replace(addresses.lock, routing=shards)
    )
    return Topology(
        config,
        tuple(_vpc_topology(config, vpc) for vpc in config.vpcs),
        transits,
        peering_topology(config, transits),
        addresses,
    )


def nat_zones_of(
    vpc: Vpc, public_zones: frozenset[str], private_zones: frozenset[str]
) -> tuple[str, ...]:
    """Zones that get a NAT gateway: Availability Zones first (by name), then Local Zones.

    - single: ``nat_zone``, or the first AZ (by name) with a public subnet;
    - per-az: every AZ with a private subnet (or, with no private subnet, with a public one);
    - Local Zones with ``nat_gateway: true``, in any mode, in the order of ``local_zones``.
    """
    local = tuple(zone.name for zone in vpc.local_zones if zone.nat_gateway)
    if vpc.nat == "single":
        if vpc.nat_zone is not None:
            return (vpc.nat_zone, *local)
        return (*sorted(z for z in vpc.availability_zones if z in public_zones)[:1], *local)
    if vpc.nat == "per-az":
        served = private_zones or public_zones
        return (*sorted(z for z in vpc.availability_zones if z in served), *local)
    return local


def _vpc_topology(config: NetworkConfig, vpc: Vpc) -> VpcTopology:
    local = tuple(zone.name for zone in vpc.local_zones)
    groups = tuple(GroupTopology(group, group_zones(vpc, group)) for group in vpc.subnets)
    known = {*local, *(z for z in vpc.availability_zones if is_availability_zone(z))}
    placements = tuple(
        place(entry.group, zone, local) for entry in groups for zone in entry.zones if zone in known
    )
    public = frozenset(z for g in groups if g.group.tier == "public" for z in g.zones)
    private = frozenset(z for g in groups if g.group.tier == "private" for z in g.zones)
    has_igw = vpc.internet_gateway if vpc.internet_gateway is not None else bool(public)
    return VpcTopology(
        vpc=vpc,
        account_id=config.accounts.get(vpc.account),
        local_zones=local,
        groups=groups,
        placements=placements,
        public_zones=public,
        private_zones=private,
        nat_zones=nat_zones_of(vpc, public, private),
        has_internet_gateway=has_igw,
        endpoints=endpoint_topology(vpc, [(g.group, g.zones) for g in groups]),
    )
