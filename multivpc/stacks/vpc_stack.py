"""The stack of role ``vpc``: translates a VpcPlan into a NetworkVpc, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from multivpc.constructs import (
    FlowLogSettings,
    NatGatewaySpec,
    NetworkVpc,
    PublishedIds,
    RouteSpec,
    SubnetSpec,
    VpcGateway,
)
from multivpc.plan import RoutePlan, StackPlan, TargetKind, VpcPlan


class VpcStack(cdk.Stack):
    """One VPC with its subnets, gateways, routes and flow logs."""

    network_vpc: NetworkVpc
    published: PublishedIds

    def __init__(self, scope: Construct, *, stack: StackPlan, vpc: VpcPlan, **kwargs: Any) -> None:
        super().__init__(
            scope,
            stack.name,
            env=cdk.Environment(account=stack.account_id, region=stack.region),
            description=f"multivpc: VPC {vpc.name} ({vpc.cidr}) in {vpc.region}",
            **kwargs,
        )
        flow_logs = vpc.flow_logs
        self.network_vpc = NetworkVpc(
            self,
            vpc.name,
            cidr=str(vpc.cidr),
            subnets=[
                SubnetSpec(
                    group=s.group,
                    tier=s.tier,
                    zone=s.zone,
                    cidr=str(s.cidr),
                    local_zone=s.is_local_zone,
                    map_public_ip_on_launch=s.map_public_ip_on_launch,
                )
                for s in vpc.subnets
            ],
            nat_gateways=[
                NatGatewaySpec(zone=n.zone, group=n.subnet_group) for n in vpc.nat_gateways
            ],
            routes=[_route(route) for route in vpc.routes],
            internet_gateway=vpc.internet_gateway,
            flow_logs=FlowLogSettings(
                destination=flow_logs.destination,
                retention_days=flow_logs.retention_days,
                traffic_type=flow_logs.traffic_type,
                bucket_versioning=flow_logs.s3_versioning,
                bucket_encryption=flow_logs.s3_encryption,
            )
            if flow_logs.enabled
            else None,
            flow_log_group_name=vpc.flow_log_group_name,
            enable_dns_support=vpc.dns_support,
            enable_dns_hostnames=vpc.dns_hostnames,
        )
        self.published = PublishedIds(
            self, "Published", network_vpc=self.network_vpc, prefix=vpc.parameter_prefix
        )


def _route(route: RoutePlan) -> RouteSpec:
    return RouteSpec(
        group=route.group,
        zone=route.zone,
        destination=str(route.destination),
        target=_TARGETS[route.target_kind](route.target_name),
        id=route.id,
    )


_TARGETS: dict[TargetKind, Callable[[str], VpcGateway]] = {
    "internet-gateway": lambda _: VpcGateway.internet(),
    "nat-gateway": VpcGateway.nat,
}
"""Each planned target kind, as the construct names it."""
