"""The stack of role ``vpc``: translates a VpcPlan into a NetworkVpc, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from multivpc.constructs import (
    FlowLogSettings,
    GatewayEndpointSpec,
    InterfaceEndpointSpec,
    NatGatewaySpec,
    NetworkVpc,
    Peer,
    PublishedIds,
    RouteSpec,
    SecurityGroupRule,
    SecurityGroupSpec,
    SubnetSpec,
    TransitGatewayVpcAttachment,
    VpcEndpoints,
    VpcGateway,
)
from multivpc.plan import AttachmentPlan, RoutePlan, StackPlan, TargetKind, VpcPlan
from multivpc.plan.endpoints import EndpointsPlan
from multivpc.plan.security_groups import SecurityGroupPlan
from multivpc.stacks.shared import PlannedStack, keep_export, publish_id, read_id


class VpcStack(PlannedStack):
    """One VPC with its subnets, gateways, routes and flow logs."""

    network_vpc: NetworkVpc
    published: PublishedIds

    def __init__(
        self,
        scope: Construct,
        *,
        stack: StackPlan,
        vpc: VpcPlan,
        **kwargs: Any,
    ) -> None:
        """A VPC attached to a Transit Gateway reads the gateway's id at deploy time
        (``read_id``): with ``LocalId`` in the gateway's account and region, else ``RemoteId``."""
        super().__init__(
            scope,
            stack,
            f"multivpc: VPC {vpc.name} ({vpc.cidr}) in {vpc.region}",
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
            routes=[
                _route(route) for route in vpc.routes if route.target_kind != "transit-gateway"
            ],
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
            security_groups=[_security_group(group) for group in vpc.security_groups],
            name=vpc.stack_name,
        )
        # Group tags outrank VPC tags, which outrank the network's (priority 50).
        for key, value in vpc.tags.items():
            cdk.Tags.of(self).add(key, value, priority=100)
        for (group, _), subnet in self.network_vpc.subnets.items():
            for key, value in vpc.group_tags.get(group, {}).items():
                cdk.Tags.of(subnet).add(key, value, priority=150)
        self.published = PublishedIds(
            self, "Published", network_vpc=self.network_vpc, prefix=vpc.parameter_prefix
        )
        for shared in vpc.shared_vpc_ids:  # for stacks of other accounts
            publish_id(
                self,
                f"SharedVpcId-{shared.parameter.rsplit('/', 2)[-2]}",
                shared,
                self.network_vpc.cfn_vpc.ref,
            )
        self.attachment: TransitGatewayVpcAttachment | None = None
        if vpc.attachment is not None:
            self.attachment = self._attach(vpc, vpc.attachment)
        self.endpoints: VpcEndpoints | None = None
        if vpc.endpoints is not None:
            self.endpoints = self._endpoints(vpc, vpc.endpoints)

    def _endpoints(self, vpc: VpcPlan, planned: EndpointsPlan) -> VpcEndpoints:
        subnets, tables = self.network_vpc.subnets, self.network_vpc.route_tables
        groups = self.network_vpc.security_groups  # the config's, when endpoints name them
        return VpcEndpoints(
            self,
            "Endpoints",
            vpc_id=self.network_vpc.cfn_vpc.ref,
            gateway_endpoints=[
                GatewayEndpointSpec(
                    service=g.service,
                    service_name=g.service_name,
                    route_table_ids=[tables[key] for key in g.route_tables],
                    policy=g.policy,
                )
                for g in planned.gateway
            ],
            interface_endpoints=[
                InterfaceEndpointSpec(
                    service=i.service, service_name=i.service_name, policy=i.policy
                )
                for i in planned.interface
            ],
            subnet_ids=[subnets[(planned.subnet_group, zone)].subnet_id for zone in planned.zones],
            sources=[str(cidr) for cidr in planned.sources] or None,
            security_group_ids=[
                groups.group_id(name) for name in planned.security_groups if groups
            ],
            session_manager_role=planned.session_manager_role,
            session_manager_policy=planned.session_manager_policy,
            parameter_prefix=vpc.parameter_prefix,
            name=vpc.stack_name,
        )

    def _attach(self, vpc: VpcPlan, planned: AttachmentPlan) -> TransitGatewayVpcAttachment:
        key = self.network_vpc.flow_logs.key if self.network_vpc.flow_logs else None
        transit_gateway_id = read_id(
            self, "TransitGatewayId", planned.transit_gateway_id, encryption_key=key
        )
        attachment = TransitGatewayVpcAttachment(
            self,
            "TransitGatewayAttachment",
            transit_gateway_id=transit_gateway_id,
            network=self.network_vpc,
            subnet_group=planned.subnet_group,
            zones=planned.zones,
            appliance_mode=planned.appliance_mode,
        )
        attachment.attachment.tags.set_tag("Name", vpc.stack_name)
        if not planned.cross_account:  # the routing stack of this account reads it
            keep_export(self, attachment.attachment_id)
        publish_id(self, "PublishedAttachmentId", planned.attachment_id, attachment.attachment_id)
        for route in vpc.routes:
            if route.target_kind == "transit-gateway":  # each waits for the attachment
                attachment.add_route(
                    group=route.group,
                    zone=route.zone,
                    destination=str(route.destination),
                    id=route.id,
                )
        return attachment


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


def _security_group(group: SecurityGroupPlan) -> SecurityGroupSpec:
    rules = {
        direction: [
            SecurityGroupRule(
                protocol=r.protocol,
                peer=Peer.group(r.peer) if r.peer_kind == "group" else Peer.cidr(r.peer),
                description=r.description,
                from_port=r.from_port,
                to_port=r.to_port,
            )
            for r in group.rules
            if r.direction == direction
        ]
        for direction in ("ingress", "egress")
    }
    return SecurityGroupSpec(
        name=group.name,
        description=group.description,
        ingress=rules["ingress"],
        egress=rules["egress"],
        internet_facing=group.internet_facing,
    )
