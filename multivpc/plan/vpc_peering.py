"""Planning VPC peerings: their stacks, the ids that cross accounts or regions, and the
routes on both sides."""

from __future__ import annotations

from multivpc.plan.network import (
    RoutePlan,
    SharedId,
    StackPlan,
    VpcPeeringPlan,
    VpcPeeringSidePlan,
    identity_version,
    vpc_version,
)
from multivpc.plan.transit import role_name, vpc_stack_name
from multivpc.topology import Topology
from multivpc.topology.vpc_peering import VpcPeeringEnd, VpcPeeringTopology, vpc_peering_topology
from multivpc.vocabulary import sdk_role_name


def vpc_peering_stack_names(network: str, peering: str) -> tuple[str, str, str]:
    """The accepter, connection and accepter-routes stacks of a VPC peering."""
    base = f"{network}-peering-{peering}"
    return f"{base}-accepter", base, f"{base}-accepter-routes"


def accept_role_name(network: str, peering: str) -> str:
    """The accepter account's role that accepts the connection (PeerRoleArn)."""
    return role_name(network, "peering", peering, "accept").removesuffix("-ids")


def plan_vpc_peerings(topology: Topology) -> tuple[VpcPeeringPlan, ...]:
    return tuple(_plan(topology, p) for p in vpc_peering_topology(topology.config))


def _plan(topology: Topology, peering: VpcPeeringTopology) -> VpcPeeringPlan:
    network = topology.config.name
    requester, accepter = (_side(topology, peering.name, end) for end in peering.ends)
    accepter_stack, connection_stack, routes_stack = vpc_peering_stack_names(network, peering.name)
    cross_account = requester.account_id != accepter.account_id
    parameters = f"/multivpc/{network}/peerings/{peering.name}"
    requester_vpc, accepter_vpc = (
        vpc_version(side.account_id, side.region, end.vpc.cidr if end.vpc else None)
        for side, end in zip((requester, accepter), peering.ends, strict=True)
    )

    def shared(
        name: str,
        owner: VpcPeeringSidePlan,
        reader: VpcPeeringSidePlan,
        reading_stack: str,
        version: str,
        *role: str,
    ) -> SharedId:
        """``name`` under the peering's parameters, published in ``owner``'s account and
        region, read by ``reading_stack`` (``reader``'s account and region) through the
        reader role ``mvpc-<network>-peering-<peering>[-<role>]-ids``."""
        return SharedId(
            parameter=f"{parameters}/{name}",
            account_id=owner.account_id,
            region=owner.region,
            reader_role=role_name(network, "peering", peering.name, *role),
            version=version,
            readers=((reader.account_id, sdk_role_name(reading_stack, reader.region)),),
        )

    return VpcPeeringPlan(
        name=peering.name,
        requester=requester,
        accepter=accepter,
        connection_stack=connection_stack,
        accepter_stack=accepter_stack,
        accepter_routes_stack=routes_stack,
        peer_role=accept_role_name(network, peering.name) if cross_account else None,
        # The connection's stack reads it (when the two are not together).
        accepter_vpc_id=shared(
            "accepter-vpc-id", accepter, requester, connection_stack, accepter_vpc, "vpc"
        ),
        # The accepter's routes stack reads it (when the two are not together). Its
        # version: the create-only VpcId, PeerVpcId, PeerOwnerId and PeerRegion.
        connection_id=shared(
            "connection-id",
            requester,
            accepter,
            routes_stack,
            identity_version("vpc-peering", requester_vpc, accepter_vpc),
        ),
        # The accepter's stack reads it, for its accept role's ec2:RequesterVpc.
        requester_vpc_id=shared(
            "requester-vpc-id", requester, accepter, accepter_stack, requester_vpc, "requester-vpc"
        )
        if cross_account
        else None,
        dns_resolution=peering.peering.dns_resolution,
    )


def _side(topology: Topology, peering: str, end: VpcPeeringEnd) -> VpcPeeringSidePlan:
    assert end.vpc is not None and end.account_id is not None, "plan needs a checked topology"
    facts = next(v for v in topology if v.name == end.vpc.name)
    route_from = end.route_from
    return VpcPeeringSidePlan(
        vpc=end.vpc.name,
        vpc_stack=vpc_stack_name(topology.config.name, end.vpc.name),
        account_id=end.account_id,
        region=end.vpc.region,
        routes=tuple(
            RoutePlan(
                group=subnet.group,
                zone=subnet.zone,
                id=route_id,
                destination=cidr,
                target_kind="vpc-peering",
                target_name=peering,
            )
            for subnet in facts.subnets()
            if subnet.group in route_from
            for route_id, cidr in end.destinations()
        ),
    )


def vpc_peering_stacks(peerings: tuple[VpcPeeringPlan, ...]) -> list[StackPlan]:
    """Each peering's stacks in deploy order, after both VPCs' stacks."""
    stacks: list[StackPlan] = []
    for peering in peerings:
        requester, accepter = peering.requester, peering.accepter
        if peering.same_place:
            stacks.append(
                StackPlan(
                    name=peering.connection_stack,
                    role="vpc-peering",
                    account_id=requester.account_id,
                    region=requester.region,
                    vpcs=(requester.vpc, accepter.vpc),
                    depends_on=(requester.vpc_stack, accepter.vpc_stack),
                    vpc_peering=peering.name,
                )
            )
            continue
        stacks += [
            StackPlan(
                name=peering.accepter_stack,
                role="vpc-peering-accepter",
                account_id=accepter.account_id,
                region=accepter.region,
                vpcs=(accepter.vpc,),
                # Across accounts it reads the requester VPC's id (the accept role's
                # condition), which the requester's VPC stack publishes.
                depends_on=(accepter.vpc_stack,)
                + ((requester.vpc_stack,) if peering.requester_vpc_id else ()),
                vpc_peering=peering.name,
            ),
            StackPlan(
                name=peering.connection_stack,
                role="vpc-peering",
                account_id=requester.account_id,
                region=requester.region,
                vpcs=(requester.vpc,),
                depends_on=(requester.vpc_stack, peering.accepter_stack),
                vpc_peering=peering.name,
            ),
            StackPlan(
                name=peering.accepter_routes_stack,
                role="vpc-peering-routes",
                account_id=accepter.account_id,
                region=accepter.region,
                vpcs=(accepter.vpc,),
                depends_on=(peering.connection_stack, accepter.vpc_stack),
                vpc_peering=peering.name,
            ),
        ]
    return stacks
