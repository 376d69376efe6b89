"""``plan(topology)``: every decision about stacks, gateways and routes, made in one place."""

from __future__ import annotations

import ipaddress

from multivpc.plan.endpoints import plan_endpoints
from multivpc.plan.network import (
    AttachmentPlan,
    AvailabilityZonePlan,
    LocalZonePlan,
    NatGatewayPlan,
    NetworkPlan,
    RoutePlan,
    SharedId,
    StackPlan,
    TargetKind,
    VpcPlan,
    ZonePlan,
)
from multivpc.plan.security_groups import security_group_plans
from multivpc.plan.transit import plan_transit, transit_routes, vpc_stack_name
from multivpc.plan.vpc_peering import plan_vpc_peerings, vpc_peering_stacks
from multivpc.topology import PlacedSubnet, Topology, VpcTopology

DEFAULT_ROUTE = ipaddress.IPv4Network("0.0.0.0/0")
DEFAULT_ROUTE_ID = "DefaultRoute"


def plan(topology: Topology) -> NetworkPlan:
    """The plan of a checked topology (``multivpc.load.load_network`` gives one).

    Stacks in deploy order: each Transit Gateway's hub stack, then the VPC stacks (a spoke
    depends on its hub), then each Transit Gateway's routing stacks (which depend on the
    spokes whose attachments they route), then each Transit Gateway peering's attachment,
    acceptance and requester-side routing stacks, then each VPC peering's stacks (see
    ``multivpc.plan.vpc_peering``).
    """
    name = topology.config.name
    transit = plan_transit(topology)
    vpc_peerings = plan_vpc_peerings(topology)
    vpcs = tuple(
        _plan_vpc(
            topology,
            name,
            facts,
            transit.attachments.get(facts.name),
            tuple(
                p.requester_vpc_id
                for p in vpc_peerings
                if p.requester.vpc == facts.name and p.requester_vpc_id is not None
            ),
        )
        for facts in topology
    )
    stacks = [
        StackPlan(
            name=tgw.stack_name,
            role="hub",
            account_id=tgw.account_id,
            region=tgw.region,
            vpcs=(),
            transit_gateway=tgw.name,
        )
        for tgw in transit.transit_gateways
    ]
    stacks += [
        StackPlan(
            name=vpc.stack_name,
            role="vpc",
            account_id=vpc.account_id,
            region=vpc.region,
            vpcs=(vpc.name,),
            depends_on=(vpc.attachment.transit_gateway_stack,) if vpc.attachment else (),
        )
        for vpc in vpcs
    ]
    for tgw in transit.transit_gateways:
        for routing in tgw.routing_stacks:
            routed = tuple(a for a in tgw.attachments if a.routing_stack == routing)
            stacks.append(
                StackPlan(
                    name=routing,
                    role="routing",
                    account_id=tgw.account_id,
                    region=tgw.region,
                    vpcs=tuple(a.vpc for a in routed),
                    depends_on=(tgw.stack_name, *(a.vpc_stack for a in routed)),
                    transit_gateway=tgw.name,
                )
            )
    for peering in transit.peerings:
        requester, accepter = peering.requester, peering.accepter
        stacks += [
            StackPlan(
                name=peering.attachment_stack,
                role="tgw-peering",
                account_id=requester.account_id,
                region=requester.region,
                vpcs=(),
                depends_on=(requester.hub_stack, accepter.hub_stack),
                transit_gateway_peering=peering.name,
            ),
            StackPlan(
                name=peering.accepter_stack,
                role="tgw-peering-accepter",
                account_id=accepter.account_id,
                region=accepter.region,
                vpcs=(),
                depends_on=(peering.attachment_stack, accepter.hub_stack),
                transit_gateway_peering=peering.name,
            ),
            StackPlan(
                name=peering.requester_routing_stack,
                role="tgw-peering-routing",
                account_id=requester.account_id,
                region=requester.region,
                vpcs=(),
                depends_on=(peering.accepter_stack, requester.hub_stack),
                transit_gateway_peering=peering.name,
            ),
        ]
    stacks += vpc_peering_stacks(vpc_peerings)
    packs = tuple(dict.fromkeys(topology.config.nag_packs))
    return NetworkPlan(
        name=name,
        stacks=tuple(stacks),
        vpcs=vpcs,
        nag_packs=packs,
        transit_gateways=transit.transit_gateways,
        tags=dict(topology.config.tags),
        transit_gateway_peerings=transit.peerings,
        vpc_peerings=vpc_peerings,
    )


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


def _plan_vpc(
    topology: Topology,
    network: str,
    facts: VpcTopology,
    attachment: AttachmentPlan | None,
    shared_vpc_ids: tuple[SharedId, ...],
) -> VpcPlan:
    vpc = facts.vpc
    zones: list[ZonePlan] = [AvailabilityZonePlan(name=z) for z in vpc.availability_zones]
    zones += [LocalZonePlan(name=z) for z in facts.local_zones]
    assert facts.account_id is not None, "plan needs a checked topology"
    subnets = facts.subnets()
    return VpcPlan(
        name=vpc.name,
        stack_name=vpc_stack_name(network, vpc.name),
        account_id=facts.account_id,
        region=vpc.region,
        cidr=facts.cidr,
        zones=tuple(zones),
        subnets=subnets,
        nat_gateways=nat_gateways(facts),
        internet_gateway=facts.has_internet_gateway,
        routes=default_routes(facts, subnets) + transit_routes(topology, vpc.name, subnets),
        flow_logs=vpc.flow_logs,
        flow_log_group_name=f"/multivpc/{network}/{vpc.name}/flow-logs",
        parameter_prefix=f"/multivpc/{network}/{vpc.name}",
        attachment=attachment,
        tags=dict(vpc.tags),
        group_tags={group.name: dict(group.tags) for group in vpc.subnets if group.tags},
        dns_support=vpc.dns.support,
        dns_hostnames=vpc.dns.hostnames,
        endpoints=plan_endpoints(topology, facts, subnets),
        security_groups=security_group_plans(vpc.security_groups),
        shared_vpc_ids=shared_vpc_ids,
    )
