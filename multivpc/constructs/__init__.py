"""Reusable L3 constructs. None of them reads a config file; all take keyword-only,
typed arguments and work in any CDK app."""

from multivpc.constructs.default_security_group import RestrictDefaultSecurityGroup
from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.flow_logs import FlowLogSettings, VpcFlowLogs
from multivpc.constructs.network_vpc import NetworkVpc, NetworkVpcOptions, SubnetRouteTable
from multivpc.constructs.published_ids import PublishedIds
from multivpc.constructs.routing import (
    NatGatewaySpec,
    Router,
    RouteSpec,
    RouteTarget,
    VpcGateway,
    add_route,
    add_table_route,
)
from multivpc.constructs.security_groups import (
    Peer,
    SecurityGroupRule,
    SecurityGroups,
    SecurityGroupSpec,
)
from multivpc.constructs.shared_ids import LocalId, PublishedId, RemoteId
from multivpc.constructs.subnet_layout import SubnetGroup, SubnetSpec, VpcLayout, subnet_layout
from multivpc.constructs.transit_gateway import (
    SegmentAttachment,
    SegmentRoute,
    SegmentRouting,
    TransitGatewayAssociation,
    TransitGatewayHub,
    TransitGatewayVpcAttachment,
)
from multivpc.constructs.transit_gateway_peering import (
    TransitGatewayPeeringAcceptance,
    TransitGatewayPeeringAttachment,
)
from multivpc.constructs.vpc_endpoints import (
    GatewayEndpointSpec,
    HttpsSource,
    InterfaceEndpointSpec,
    VpcEndpoints,
)
from multivpc.constructs.vpc_peering import (
    PeeringAcceptRole,
    PeeringDnsResolution,
    VpcPeeringConnection,
)
from multivpc.constructs.vpc_view import SubnetRecord, VpcView

__all__ = [
    "ConstructArgumentError",
    "FlowLogSettings",
    "GatewayEndpointSpec",
    "HttpsSource",
    "InterfaceEndpointSpec",
    "LocalId",
    "NatGatewaySpec",
    "NetworkVpc",
    "NetworkVpcOptions",
    "Peer",
    "PeeringAcceptRole",
    "PeeringDnsResolution",
    "PublishedId",
    "PublishedIds",
    "RemoteId",
    "RestrictDefaultSecurityGroup",
    "RouteSpec",
    "RouteTarget",
    "Router",
    "SecurityGroupRule",
    "SecurityGroupSpec",
    "SecurityGroups",
    "SegmentAttachment",
    "SegmentRoute",
    "SegmentRouting",
    "SubnetGroup",
    "SubnetRecord",
    "SubnetRouteTable",
    "SubnetSpec",
    "TransitGatewayAssociation",
    "TransitGatewayHub",
    "TransitGatewayPeeringAcceptance",
    "TransitGatewayPeeringAttachment",
    "TransitGatewayVpcAttachment",
    "VpcEndpoints",
    "VpcFlowLogs",
    "VpcGateway",
    "VpcLayout",
    "VpcPeeringConnection",
    "VpcView",
    "add_route",
    "add_table_route",
    "subnet_layout",
]
