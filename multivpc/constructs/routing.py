"""Route targets share one small shape: a router type and a router id.

Route code takes any ``RouteTarget`` and never asks whether it is a gateway, a NAT
gateway, a transit gateway, a peering connection or an endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aws_cdk import aws_ec2 as ec2


class RouteTarget(Protocol):
    @property
    def router_type(self) -> ec2.RouterType: ...

    @property
    def router_id(self) -> str: ...


@dataclass(frozen=True)
class Router:
    """A route target: ``Router(ec2.RouterType.NAT_GATEWAY, nat.ref)``."""

    router_type: ec2.RouterType
    router_id: str


def add_route(
    subnet: ec2.Subnet,
    route_id: str,
    *,
    destination: str,
    target: RouteTarget,
    enables_internet_connectivity: bool = False,
) -> None:
    """Add ``destination -> target`` to the subnet's own route table."""
    subnet.add_route(
        route_id,
        router_id=target.router_id,
        router_type=target.router_type,
        destination_cidr_block=destination,
        enables_internet_connectivity=enables_internet_connectivity,
    )
