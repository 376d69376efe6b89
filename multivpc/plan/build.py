"""``plan(topology)``: every decision about stacks, gateways and routes, made in one place."""

from __future__ import annotations

import ipaddress

from multivpc.plan.network import (
    AvailabilityZonePlan,
    LocalZonePlan,
    NatGatewayPlan,
    NetworkPlan,
    RoutePlan,
    StackPlan,
    TargetKind,
    VpcPlan,
    ZonePlan,
)
from multivpc.topology import PlacedSubnet, Topology, VpcTopology

DEFAULT_ROUTE = ipaddress.IPv4Network("0.0.0.0/0")
DEFAULT_ROUTE_ID = "DefaultRoute"


def plan(topology: Topology) -> NetworkPlan:
    """The plan of a checked topology (``multivpc.load.load_network`` gives one)."""
    name = topology.config.name
    vpcs = tuple(_plan_vpc(name, facts) for facts in topology)
    stacks = tuple(
        StackPlan(
            name=vpc.stack_name,
            role="vpc",
            account_id=vpc.account_id,
            region=vpc.region,
            vpcs=(vpc.name,),
        )
        for vpc in vpcs
    )
    packs = tuple(dict.fromkeys(topology.config.nag_packs))
    return NetworkPlan(name=name, stacks=stacks, vpcs=vpcs, nag_packs=packs)


def nat_gateways(facts: VpcTopology) -> tuple[NatGatewayPlan, ...]:
    """One NAT gateway per NAT zone, in the public group first by name covering that zone."""
    return tuple(
        NatGatewayPlan(
            zone=zone,
            subnet_group=min(
                g.group.name for g in facts.groups if g.group.tier == "public" and zone in g.zones
            ),
        )
        for zone in facts.nat_zones
    )


def default_routes(facts: VpcTopology, subnets: tuple[PlacedSubnet, ...]) -> tuple[RoutePlan, ...]:
    """The default route (0.0.0.0/0) of each subnet that has one.

    - public subnets: to the internet gateway, when the VPC has one;
    - private subnets: to the NAT gateway of their own zone, else to the VPC's primary
      NAT gateway: the first of ``nat_zones`` (``nat_zone``, else the first Availability
      Zone by name, else the first Local Zone with a NAT gateway in ``local_zones`` order);
    - isolated subnets: none.
    """
    nat_zones = set(facts.nat_zones)
    primary = facts.nat_zones[0] if facts.nat_zones else None
    routes = []
    for subnet in subnets:
        if subnet.tier == "public" and facts.has_internet_gateway:
            routes.append(_default(subnet, "internet-gateway", ""))
        elif subnet.tier == "private" and primary is not None:
            nat = subnet.zone if subnet.zone in nat_zones else primary
            routes.append(_default(subnet, "nat-gateway", nat))
    return tuple(routes)


def _default(subnet: PlacedSubnet, kind: TargetKind, name: str) -> RoutePlan:
    return RoutePlan(
        group=subnet.group,
        zone=subnet.zone,
        id=DEFAULT_ROUTE_ID,
        destination=DEFAULT_ROUTE,
        target_kind=kind,
        target_name=name,
    )


def _plan_vpc(network: str, facts: VpcTopology) -> VpcPlan:
    vpc = facts.vpc
    zones: list[ZonePlan] = [AvailabilityZonePlan(name=z) for z in vpc.availability_zones]
    zones += [LocalZonePlan(name=z) for z in facts.local_zones]
    assert facts.account_id is not None, "plan needs a checked topology"
    subnets = facts.subnets()
    return VpcPlan(
        name=vpc.name,
        stack_name=f"{network}-{vpc.name}",
        account_id=facts.account_id,
        region=vpc.region,
        cidr=vpc.cidr,
        zones=tuple(zones),
        subnets=subnets,
        nat_gateways=nat_gateways(facts),
        internet_gateway=facts.has_internet_gateway,
        routes=default_routes(facts, subnets),
        flow_logs=vpc.flow_logs,
        flow_log_group_name=f"/multivpc/{network}/{vpc.name}/flow-logs",
        parameter_prefix=f"/multivpc/{network}/{vpc.name}",
        dns_support=vpc.dns.support,
        dns_hostnames=vpc.dns.hostnames,
    )
