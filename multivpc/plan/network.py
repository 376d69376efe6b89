"""NetworkPlan: what the stacks build, derived from a checked topology.

The plan holds no resources; it answers every question a stack would otherwise have to
decide: which stacks exist (role, account, region, dependencies), which subnets with which
CIDRs in which zones, where each gateway goes, and every route of every route table with
its target. Stacks only translate it into construct calls.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from multivpc.config.models import FlowLogs
from multivpc.topology import PlacedSubnet
from multivpc.vocabulary import NagPack

StackRole = Literal["vpc"]
"""vpc: one VPC and what belongs to it. Hub and routing stacks come with the Transit
Gateway."""

TargetKind = Literal["internet-gateway", "nat-gateway"]
"""What a route points at. Transit Gateway, peering and endpoint targets come with their
features; each is a kind here, never a branch in a construct."""


class AvailabilityZonePlan(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["availability"] = "availability"
    name: str


class LocalZonePlan(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["local"] = "local"
    name: str


ZonePlan = Annotated[AvailabilityZonePlan | LocalZonePlan, Field(discriminator="kind")]


@dataclass(frozen=True)
class NatGatewayPlan:
    """A NAT gateway in ``zone``, inside the subnet of public group ``subnet_group`` there."""

    zone: str
    subnet_group: str


@dataclass(frozen=True)
class RoutePlan:
    """One route in the route table of subnet (``group``, ``zone``).

    ``id`` is the route's construct ID inside that route table; ``target_name`` names the
    target among its kind (the zone of a NAT gateway; empty for the internet gateway).
    """

    group: str
    zone: str
    id: str
    destination: ipaddress.IPv4Network
    target_kind: TargetKind
    target_name: str = ""


@dataclass(frozen=True)
class VpcPlan:
    name: str
    stack_name: str
    account_id: str
    region: str
    cidr: ipaddress.IPv4Network
    zones: tuple[ZonePlan, ...]
    subnets: tuple[PlacedSubnet, ...]
    nat_gateways: tuple[NatGatewayPlan, ...]
    internet_gateway: bool
    routes: tuple[RoutePlan, ...]
    flow_logs: FlowLogs
    flow_log_group_name: str
    parameter_prefix: str
    """Where the VPC's ids are published as SSM parameters (``/multivpc/<network>/<vpc>``)."""
    dns_support: bool
    dns_hostnames: bool

    def routes_of(self, group: str, zone: str) -> tuple[RoutePlan, ...]:
        return tuple(r for r in self.routes if r.group == group and r.zone == zone)


@dataclass(frozen=True)
class StackPlan:
    """One CloudFormation stack: its role, where it deploys, what it holds, what it waits for."""

    name: str
    role: StackRole
    account_id: str
    region: str
    vpcs: tuple[str, ...]
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkPlan:
    name: str
    stacks: tuple[StackPlan, ...]
    vpcs: tuple[VpcPlan, ...]
    nag_packs: tuple[NagPack, ...] = ()
    """cdk-nag compliance packs to run besides AwsSolutions."""

    def vpc(self, name: str) -> VpcPlan:
        for vpc in self.vpcs:
            if vpc.name == name:
                return vpc
        raise KeyError(f"no VPC named {name} in the plan")
