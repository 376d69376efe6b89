"""One stack per VPC: translates a VpcPlan into a NetworkVpc, nothing else."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from multivpc.config.plan import VpcPlan
from multivpc.constructs.flow_logs import FlowLogSettings
from multivpc.constructs.network_vpc import NetworkVpc, SubnetSpec


class VpcStack(cdk.Stack):
    def __init__(self, scope: Construct, id: str, *, vpc: VpcPlan, **kwargs: Any) -> None:
        super().__init__(
            scope,
            id,
            env=cdk.Environment(account=vpc.account_id, region=vpc.region),
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
                )
                for s in vpc.subnets
            ],
            nat_gateway_zones=vpc.nat_zones,
            internet_gateway=vpc.internet_gateway,
            flow_logs=FlowLogSettings(
                destination=flow_logs.destination,
                retention_days=flow_logs.retention_days,
                traffic_type=flow_logs.traffic_type,
            )
            if flow_logs.enabled
            else None,
            enable_dns_support=vpc.dns_support,
            enable_dns_hostnames=vpc.dns_hostnames,
        )
