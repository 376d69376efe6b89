"""Reusable L3 constructs. None of them reads a config file; all take keyword-only,
typed arguments and work in any CDK app."""

from multivpc.constructs.default_security_group import RestrictDefaultSecurityGroup
from multivpc.constructs.flow_logs import FlowLogSettings, VpcFlowLogs
from multivpc.constructs.network_vpc import NetworkVpc, SubnetSpec
from multivpc.constructs.routing import Router, RouteTarget, add_route
from multivpc.constructs.vpc_view import VpcView

__all__ = [
    "FlowLogSettings",
    "NetworkVpc",
    "RestrictDefaultSecurityGroup",
    "RouteTarget",
    "Router",
    "SubnetSpec",
    "VpcFlowLogs",
    "VpcView",
    "add_route",
]
