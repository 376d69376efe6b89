"""NetworkPlan: what the stacks build, derived from a valid NetworkConfig.

The plan holds no resources; it answers "which subnets, with which CIDRs, in which zones,
which gateways, which stack" so that stacks only translate it into construct calls.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from multivpc.config.cidr import PlannedSubnet, planned_subnets
from multivpc.config.models import FlowLogs, NetworkConfig, Vpc


def public_zones(vpc: Vpc) -> set[str]:
    return {
        zone for group in vpc.subnets if group.tier == "public" for zone in vpc.group_zones(group)
    }


def nat_zones(vpc: Vpc) -> list[str]:
    """Zones that get a NAT gateway: Availability Zones first (by name), then Local Zones.

    - single: ``nat_zone``, or the first AZ (by name) with a public subnet;
    - per-az: every AZ with a private subnet (or, with no private subnet, with a public one);
    - Local Zones with ``nat_gateway: true``, in any mode.

    The first entry is where private subnets without a NAT gateway in their own zone (for
    example in a Local Zone) send internet traffic.
    """
    local = [zone.name for zone in vpc.local_zones if zone.nat_gateway]
    public = public_zones(vpc)
    if vpc.nat == "single":
        fallback = sorted(z for z in vpc.availability_zones if z in public)[:1]
        return [vpc.nat_zone, *local] if vpc.nat_zone is not None else [*fallback, *local]
    if vpc.nat == "per-az":
        private = {zone for g in vpc.subnets if g.tier == "private" for zone in vpc.group_zones(g)}
        served = private or public
        return sorted(z for z in vpc.availability_zones if z in served) + local
    return local


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
class VpcPlan:
    name: str
    stack_name: str
    account_id: str
    region: str
    cidr: ipaddress.IPv4Network
    zones: tuple[ZonePlan, ...]
    subnets: tuple[PlannedSubnet, ...]
    nat_zones: tuple[str, ...]
    internet_gateway: bool
    flow_logs: FlowLogs
    dns_support: bool
    dns_hostnames: bool


@dataclass(frozen=True)
class NetworkPlan:
    name: str
    vpcs: tuple[VpcPlan, ...]


def plan(config: NetworkConfig) -> NetworkPlan:
    return NetworkPlan(name=config.name, vpcs=tuple(_plan_vpc(config, vpc) for vpc in config.vpcs))


def _plan_vpc(config: NetworkConfig, vpc: Vpc) -> VpcPlan:
    zones: list[ZonePlan] = [AvailabilityZonePlan(name=z) for z in vpc.availability_zones]
    zones += [LocalZonePlan(name=z) for z in vpc.local_zone_names]
    return VpcPlan(
        name=vpc.name,
        stack_name=f"{config.name}-{vpc.name}",
        account_id=config.account_id(vpc),
        region=vpc.region,
        cidr=vpc.cidr,
        zones=tuple(zones),
        subnets=tuple(planned_subnets(vpc)),
        nat_zones=tuple(nat_zones(vpc)),
        internet_gateway=vpc.has_internet_gateway,
        flow_logs=vpc.flow_logs,
        dns_support=vpc.dns.support,
        dns_hostnames=vpc.dns.hostnames,
    )
