"""Subnet specs, and the short way to lay them out: groups across zones, sized by mask,
NAT gateways per zone, the way ``ec2.Vpc``'s ``subnet_configuration`` does."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from multivpc.constructs.routing import NatGatewaySpec, RouteSpec, VpcGateway
from multivpc.vocabulary import Tier, duplicates

SMALLEST_SUBNET = 28
LARGEST_SUBNET = 16
"""AWS's bounds for an IPv4 subnet: /16 to /28."""


@dataclass(frozen=True)
class SubnetSpec:
    """One subnet: its group, tier, zone and CIDR.

    Args:
        group: the subnet group's name; with ``zone`` it names the subnet
            (construct ID ``<group>-<zone>``).
        tier: public, private or isolated; public subnets get a public route table entry
            only through the routes given to ``NetworkVpc``.
        zone: an explicit zone name (Availability Zone or Local Zone).
        cidr: the subnet's IPv4 block, inside the VPC's.
        local_zone: the zone is a Local Zone. Default False. Local Zone subnets are left
            out of the IVpc's ``availability_zones`` but can still be selected by group.
        map_public_ip_on_launch: instances launched here get a public IP (public subnets
            only). Default False: NAT gateways use Elastic IPs and load balancers assign
            their own, so nothing multivpc builds needs it.
    """

    group: str
    tier: Tier
    zone: str
    cidr: str
    local_zone: bool = False
    map_public_ip_on_launch: bool = False


@dataclass(frozen=True)
class SubnetGroup:
    """A group of subnets, one in each zone of the layout, each ``/mask`` in size.

    Args:
        name: the group's name (what ``subnet_group_name`` selects).
        tier: ``public`` (a route to the internet gateway), ``private`` (a route to a NAT
            gateway, when the layout has any) or ``isolated`` (no route out).
        mask: the prefix length of each subnet, 16 to 28 (``ec2.SubnetConfiguration``'s
            ``cidr_mask``).
    """

    name: str
    tier: Tier
    mask: int


@dataclass(frozen=True)
class VpcLayout:
    """The explicit specs a layout stands for: what ``NetworkVpc`` takes."""

    subnets: tuple[SubnetSpec, ...]
    nat_gateways: tuple[NatGatewaySpec, ...]
    routes: tuple[RouteSpec, ...]


def subnet_layout(
    *,
    cidr: str,
    zones: Sequence[str],
    groups: Sequence[SubnetGroup],
    nat_gateways: int | None = None,
    nat_group: str | None = None,
) -> VpcLayout:
    """Lay ``groups`` out across ``zones`` as ``ec2.Vpc`` does, as explicit specs.

    Addresses: group by group in the order given, zone by zone, each subnet at the next
    free address aligned to its size, from the start of ``cidr`` (the CIDRs ``ec2.Vpc``
    gives the same groups and zones).

    Routes: every public subnet routes 0.0.0.0/0 to the internet gateway; every private
    subnet routes 0.0.0.0/0 to the NAT gateway of its own zone, or, in a zone without
    one, to the NAT gateway of zone ``index % nat_gateways`` (so each zone always uses the
    same one); isolated subnets get no route.

    Args:
        cidr: the VPC's IPv4 block.
        zones: Availability Zones, in order, at least one.
        groups: the subnet groups, at least one, names unique.
        nat_gateways: how many NAT gateways, in the first zones. Default: one per zone when
            there is a public and a private group, else none.
        nat_group: the public group that holds them. Default: the first public group.

    Raises:
        ValueError: the groups do not fit, a mask is outside 16 to 28, a name repeats,
            or NAT gateways are asked for without a public or a private group.
    """
    network = _network(cidr)
    zones = list(zones)
    if not zones:
        raise ValueError("a layout needs at least one zone")
    twice = duplicates(zones)
    if twice:
        raise ValueError(f"zones name {', '.join(twice)} twice; give each zone once")
    if not groups:
        raise ValueError("a layout needs at least one subnet group")
    subnets = _allocate(network, zones, groups)
    publics = [g.name for g in groups if g.tier == "public"]
    privates = [g.name for g in groups if g.tier == "private"]
    nat_count = nat_gateways
    if nat_count is None:
        nat_count = len(zones) if publics and privates else 0
    if not 0 <= nat_count <= len(zones):
        raise ValueError(f"nat_gateways={nat_count}: give 0 to {len(zones)} (at most one per zone)")
    host = nat_group if nat_group is not None else (publics[0] if publics else None)
    if nat_count and host is None:
        raise ValueError(
            f"nat_gateways={nat_count} needs a public group to hold them; there is none"
        )
    if nat_count and not privates:
        raise ValueError(
            f"nat_gateways={nat_count}: no private group would use them; give 0, or a "
            "group with tier 'private'"
        )
    if nat_group is not None and nat_group not in publics:
        raise ValueError(
            f"nat_group {nat_group!r} is not a public group; public groups: "
            f"{', '.join(publics) or 'none'}"
        )
    nat_zones = zones[:nat_count]
    routes = [
        RouteSpec(group=s.group, zone=s.zone, destination="0.0.0.0/0", target=gateway)
        for s in subnets
        if (gateway := _default_gateway(s, zones, nat_zones)) is not None
    ]
    return VpcLayout(
        subnets=tuple(subnets),
        nat_gateways=tuple(NatGatewaySpec(zone=z, group=host or "") for z in nat_zones),
        routes=tuple(routes),
    )


def _network(cidr: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(cidr)
    except ValueError as error:
        raise ValueError(f"cidr {cidr!r} is not an IPv4 CIDR ({error})") from None


def _allocate(
    network: ipaddress.IPv4Network, zones: list[str], groups: Sequence[SubnetGroup]
) -> list[SubnetSpec]:
    allowed = get_args(Tier)
    names: set[str] = set()
    cursor = int(network.network_address)
    subnets: list[SubnetSpec] = []
    for group in groups:
        if group.name in names:
            raise ValueError(f"two subnet groups named {group.name!r}")
        names.add(group.name)
        if group.tier not in allowed:
            raise ValueError(
                f"group {group.name}: tier {group.tier!r} is none of {', '.join(allowed)} "
                "(lower case)"
            )
        if not LARGEST_SUBNET <= group.mask <= SMALLEST_SUBNET:
            raise ValueError(
                f"group {group.name}: mask {group.mask} is outside /{LARGEST_SUBNET} to "
                f"/{SMALLEST_SUBNET}, the sizes AWS allows for a subnet"
            )
        size = 2 ** (32 - group.mask)
        for zone in zones:
            start = -(-cursor // size) * size  # the next address aligned to the size
            if start + size - 1 > int(network.broadcast_address):
                raise ValueError(
                    f"group {group.name} does not fit: its /{group.mask} in {zone} would "
                    f"start at {ipaddress.IPv4Address(start)}, past the end of {network}; "
                    "give smaller masks, fewer groups or zones, or a larger cidr"
                )
            subnets.append(
                SubnetSpec(
                    group=group.name,
                    tier=group.tier,
                    zone=zone,
                    cidr=f"{ipaddress.IPv4Address(start)}/{group.mask}",
                )
            )
            cursor = start + size
    return subnets


def _default_gateway(
    subnet: SubnetSpec, zones: list[str], nat_zones: list[str]
) -> VpcGateway | None:
    if subnet.tier == "public":
        return VpcGateway.internet()
    if subnet.tier == "private" and nat_zones:
        if subnet.zone in nat_zones:
            return VpcGateway.nat(subnet.zone)
        return VpcGateway.nat(nat_zones[zones.index(subnet.zone) % len(nat_zones)])
    return None
