"""Stacks of roles ``vpc-peering-accepter``, ``vpc-peering`` and ``vpc-peering-routes``:
a VPC peering connection, what its requester needs from the accepter's side first, and
the accepter's routes once the connection exists."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from multivpc.constructs import (
    PeeringAcceptRole,
    PeeringDnsResolution,
    Router,
    RouteTarget,
    VpcPeeringConnection,
    add_table_route,
)
from multivpc.plan import StackPlan, VpcPeeringPlan, VpcPeeringSidePlan
from multivpc.stacks.shared import PlannedStack, deploy_role_arn, publish_id, read_id
from multivpc.stacks.vpc_stack import VpcStack


def _routes(scope: Construct, side: VpcPeeringSidePlan, vpc: VpcStack, target: RouteTarget) -> None:
    """The side's planned routes, in its VPC's route tables (a stack of the same account
    and region); construct IDs from VPC, group, zone and the route's planned ID."""
    tables = vpc.network_vpc.route_tables
    for route in side.routes:
        add_table_route(
            scope,
            f"{side.vpc}-{route.group}-{route.zone}-{route.id}",
            route_table_id=tables[(route.group, route.zone)],
            destination=str(route.destination),
            target=target,
        )


class VpcPeeringAccepterStack(PlannedStack):
    """Before the connection, in the accepter's account and region: the accepter VPC's id
    published for the requester and, across accounts, the role that accepts."""

    accept_role: PeeringAcceptRole | None

    def __init__(
        self,
        scope: Construct,
        *,
        stack: StackPlan,
        peering: VpcPeeringPlan,
        accepter_vpc: VpcStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            stack,
            f"multivpc: accepter side of VPC peering {peering.name} ({peering.accepter.vpc})",
            **kwargs,
        )
        requester, accepter = peering.requester, peering.accepter
        vpc_id = accepter_vpc.network_vpc.cfn_vpc.ref
        publish_id(self, "PublishedVpcId", peering.accepter_vpc_id, vpc_id)
        self.accept_role = None
        if peering.peer_role is not None:
            assert peering.requester_vpc_id is not None, "planned with every cross-account role"
            self.accept_role = PeeringAcceptRole(
                self,
                "AcceptRole",
                role_name=peering.peer_role,
                requester_account=requester.account_id,
                accepting_roles=[deploy_role_arn(self, requester.account_id, requester.region)],
                requester_vpc_id=read_id(self, "RequesterVpcId", peering.requester_vpc_id),
                requester_region=requester.region,
                accepter_vpc_id=vpc_id,
                account_id=accepter.account_id,
                region=accepter.region,
            )


class VpcPeeringStack(PlannedStack):
    """The connection, in the requester's account and region, with the requester's routes
    (in one account and region also the accepter's); its id published for an accepter
    elsewhere."""

    connection: VpcPeeringConnection

    def __init__(
        self,
        scope: Construct,
        *,
        stack: StackPlan,
        peering: VpcPeeringPlan,
        requester_vpc: VpcStack,
        accepter_vpc: VpcStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            stack,
            f"multivpc: VPC peering {peering.name} ({peering.requester.vpc} to "
            f"{peering.accepter.vpc})",
            **kwargs,
        )
        requester, accepter = peering.requester, peering.accepter
        # In one account and region the accepter's NetworkVpc is at hand: the construct
        # takes both and checks their CIDRs (the config's rules check every peering).
        peer_network = accepter_vpc.network_vpc if peering.same_place else None
        peer_vpc_id = (
            None if peering.same_place else read_id(self, "AccepterVpcId", peering.accepter_vpc_id)
        )
        role_arn = (
            f"arn:{cdk.Aws.PARTITION}:iam::{accepter.account_id}:role/{peering.peer_role}"
            if peering.peer_role is not None
            else None
        )
        self.connection = VpcPeeringConnection(
            self,
            peering.name,
            network=requester_vpc.network_vpc,
            peer_network=peer_network,
            peer_vpc_id=peer_vpc_id,
            peer_owner_id=accepter.account_id if peering.cross_account else None,
            peer_region=accepter.region if accepter.region != requester.region else None,
            peer_role_arn=role_arn,
            name=stack.name,
        )
        target = self.connection.target
        _routes(self, requester, requester_vpc, target)
        if peering.dns_resolution:
            # In one account and region both options in one call; else the requester's.
            PeeringDnsResolution(
                self,
                "DnsResolution",
                connection_id=self.connection.connection_id,
                sides=("requester", "accepter") if peering.same_place else ("requester",),
                owner_account=requester.account_id,
            )
        if peering.same_place:
            _routes(self, accepter, accepter_vpc, target)
        else:
            publish_id(
                self, "PublishedConnectionId", peering.connection_id, self.connection.connection_id
            )


class VpcPeeringRoutesStack(PlannedStack):
    """The accepter's routes, in its account and region, once the connection exists (its
    id read with ``RemoteId``)."""

    def __init__(
        self,
        scope: Construct,
        *,
        stack: StackPlan,
        peering: VpcPeeringPlan,
        accepter_vpc: VpcStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            stack,
            f"multivpc: routes of VPC peering {peering.name} in {peering.accepter.vpc}",
            **kwargs,
        )
        connection_id = read_id(self, "ConnectionId", peering.connection_id)
        target = Router(ec2.RouterType.VPC_PEERING_CONNECTION, connection_id)
        _routes(self, peering.accepter, accepter_vpc, target)
        if peering.dns_resolution:
            PeeringDnsResolution(
                self,
                "DnsResolution",
                connection_id=connection_id,
                sides=("accepter",),
                owner_account=peering.requester.account_id,
            )
