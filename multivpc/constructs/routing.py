"""Routes: one small target shape, and the route a ``NetworkVpc`` is told to create.

Route code takes any ``RouteTarget`` (a router type and a router id) and never asks
whether it is a gateway, a NAT gateway, a transit gateway, a peering connection or an
endpoint. Which route goes where is decided by the caller (multivpc's plan), never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from aws_cdk import aws_ec2 as ec2
from constructs import Construct


class RouteTarget(Protocol):
    """Anything a route can point at."""

    @property
    def router_type(self) -> ec2.RouterType: ...

    @property
    def router_id(self) -> str: ...


@dataclass(frozen=True)
class Router:
    """A route target built elsewhere: ``Router(ec2.RouterType.TRANSIT_GATEWAY, tgw.ref)``."""

    router_type: ec2.RouterType
    router_id: str


@dataclass(frozen=True)
class VpcGateway:
    """A gateway the ``NetworkVpc`` itself creates, named before it exists.

    Use ``VpcGateway.internet()`` or ``VpcGateway.nat(zone)``.
    """

    kind: Literal["internet-gateway", "nat-gateway"]
    zone: str = ""

    @classmethod
    def internet(cls) -> VpcGateway:
        return cls("internet-gateway")

    @classmethod
    def nat(cls, zone: str) -> VpcGateway:
        return cls("nat-gateway", zone)


@dataclass(frozen=True)
class RouteSpec:
    """One route in the route table of the subnet of ``group`` in ``zone``.

    Args:
        group: the subnet's group.
        zone: the subnet's zone.
        destination: an IPv4 CIDR, such as ``0.0.0.0/0``.
        target: a ``VpcGateway`` of the same ``NetworkVpc``, or any ``RouteTarget``.
        id: the route's construct ID inside the subnet. Default ``DefaultRoute``; give
            every other route of the same subnet its own, stable ID.
    """

    group: str
    zone: str
    destination: str
    target: VpcGateway | RouteTarget
    id: str = "DefaultRoute"


@dataclass(frozen=True)
class NatGatewaySpec:
    """A NAT gateway in ``zone``, placed in the public subnet of ``group`` there."""

    zone: str
    group: str


def add_route(
    subnet: ec2.Subnet,
    route_id: str,
    *,
    destination: str,
    target: RouteTarget,
    enables_internet_connectivity: bool = False,
) -> ec2.CfnRoute:
    """Add ``destination -> target`` to the subnet's own route table; returns the route.

    Args:
        enables_internet_connectivity: the route gives the subnet internet access, so
            workloads placed there wait for it. Default False.
    """
    subnet.add_route(
        route_id,
        router_id=target.router_id,
        router_type=target.router_type,
        destination_cidr_block=destination,
        enables_internet_connectivity=enables_internet_connectivity,
    )
    route = subnet.node.find_child(route_id)
    assert isinstance(route, ec2.CfnRoute)
    return route


_ROUTER_PROPERTIES: dict[ec2.RouterType, str] = {
    ec2.RouterType.EGRESS_ONLY_INTERNET_GATEWAY: "egress_only_internet_gateway_id",
    ec2.RouterType.GATEWAY: "gateway_id",
    ec2.RouterType.INSTANCE: "instance_id",
    ec2.RouterType.NAT_GATEWAY: "nat_gateway_id",
    ec2.RouterType.NETWORK_INTERFACE: "network_interface_id",
    ec2.RouterType.TRANSIT_GATEWAY: "transit_gateway_id",
    ec2.RouterType.VPC_PEERING_CONNECTION: "vpc_peering_connection_id",
    ec2.RouterType.VPC_ENDPOINT: "vpc_endpoint_id",
}
"""The ``AWS::EC2::Route`` property each router type fills (data, not a branch)."""


def add_table_route(
    scope: Construct, id: str, *, route_table_id: str, destination: str, target: RouteTarget
) -> ec2.CfnRoute:
    """``destination -> target`` in any route table, such as one of another stack of the
    same account and region (a subnet's ``route_table.route_table_id``)."""
    return ec2.CfnRoute(
        scope,
        id,
        route_table_id=route_table_id,
        destination_cidr_block=destination,
        **{_ROUTER_PROPERTIES[target.router_type]: target.router_id},
    )
