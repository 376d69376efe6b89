"""The plan of a VPC's own endpoints: every endpoint with its service name and policy,
which route tables get the gateway endpoints, where the interface endpoints' network
interfaces go and whom their security group admits."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from multivpc.config.models import EndpointPolicy
from multivpc.config.zones import partition_of
from multivpc.endpoint_services import (
    AWS_OWNED_BUCKETS,
    SSM_AWS_OWNED,
    STS_FEDERATED_ACTIONS,
    service_name,
)
from multivpc.topology import PlacedSubnet, Topology, VpcTopology
from multivpc.vocabulary import SessionManagerPolicy

PolicyDocument = Mapping[str, Any]

NETWORK_SID = "NetworkPrincipalsToNetworkResources"
AWS_OWNED_BUCKETS_SID = "AwsOwnedBucketsInstancesRead"
AWS_OWNED_SSM_SID = "NetworkPrincipalsToAwsOwnedSsm"
FEDERATED_SID = "FederatedCallersToNetworkRoles"
ECR_LAYERS_SID = "EcrImageLayers"


@dataclass(frozen=True)
class GatewayEndpointPlan:
    """A gateway endpoint (``service`` s3 or dynamodb) on the route tables of the subnets
    ``route_tables`` names by (group, zone). ``policy``: None for AWS's full-access one."""

    service: str
    service_name: str
    route_tables: tuple[tuple[str, str], ...]
    policy: PolicyDocument | None


@dataclass(frozen=True)
class InterfaceEndpointPlan:
    """An interface endpoint with private DNS; ``policy`` None for AWS's full-access one."""

    service: str
    service_name: str
    policy: PolicyDocument | None


@dataclass(frozen=True)
class EndpointsPlan:
    """Every endpoint of one VPC. Interface endpoints all have a network interface in the
    subnet of ``subnet_group`` in each of ``zones``, behind one security group admitting
    TCP 443 from each of ``sources``. ``session_manager_role``: an instance role and profile
    are built too, with ``session_manager_policy``."""

    gateway: tuple[GatewayEndpointPlan, ...]
    interface: tuple[InterfaceEndpointPlan, ...]
    subnet_group: str
    zones: tuple[str, ...]
    sources: tuple[ipaddress.IPv4Network, ...]
    session_manager_role: bool
    session_manager_policy: SessionManagerPolicy = "minimal"
    security_groups: tuple[str, ...] = ()
    """Named groups of the VPC on the interface endpoints, instead of a generated group
    admitting ``sources``."""


def _perimeter(
    account_ids: Sequence[str], organization_id: str | None, *, principals: bool, resources: bool
) -> Mapping[str, Any]:
    """The condition that the principal, the resource, or both belong to the network: the
    organization when one is given, else the given accounts."""
    accounts = sorted(set(account_ids))
    keys: dict[str, Any] = {}
    if principals:
        keys["aws:PrincipalOrgID" if organization_id else "aws:PrincipalAccount"] = (
            organization_id or accounts
        )
    if resources:
        keys["aws:ResourceOrgID" if organization_id else "aws:ResourceAccount"] = (
            organization_id or accounts
        )
    return {"StringEquals": keys}


def restricted_policy(
    service: str,
    region: str,
    account_ids: Sequence[str],
    organization_id: str | None,
    extra_statements: Sequence[Mapping[str, Any]] = (),
) -> PolicyDocument:
    """Everything, for principals of the network (the organization when one is given, else
    the given accounts) on resources of the network; plus what ``service`` needs of AWS's
    own resources (``multivpc.endpoint_services``: AWS-owned buckets for s3,
    AWS-owned parameters and documents for ssm, web identity and SAML sign-in for sts);
    plus ``extra_statements``."""
    partition = partition_of(region)
    statements: list[Mapping[str, Any]] = [
        {
            "Sid": NETWORK_SID,
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": _perimeter(account_ids, organization_id, principals=True, resources=True),
        }
    ]
    if service == "s3":
        statements.append(
            {
                "Sid": AWS_OWNED_BUCKETS_SID,
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [
                    f"arn:{partition}:s3:::{bucket.format(region=region)}/*"
                    for _, _, buckets in AWS_OWNED_BUCKETS
                    for bucket in buckets
                ],
            }
        )
    elif service == "ssm":
        actions, resources = SSM_AWS_OWNED
        statements.append(
            {
                "Sid": AWS_OWNED_SSM_SID,
                "Effect": "Allow",
                "Principal": "*",
                "Action": list(actions),
                "Resource": [f"arn:{partition}:ssm:{region}::{r}" for r in resources],
                "Condition": _perimeter(
                    account_ids, organization_id, principals=True, resources=False
                ),
            }
        )
    elif service == "sts":
        statements.append(
            {
                "Sid": FEDERATED_SID,
                "Effect": "Allow",
                "Principal": "*",
                "Action": list(STS_FEDERATED_ACTIONS),
                "Resource": "*",
                "Condition": _perimeter(
                    account_ids, organization_id, principals=False, resources=True
                ),
            }
        )
    return {"Version": "2012-10-17", "Statement": [*statements, *extra_statements]}


def ecr_layers_statement(region: str) -> Mapping[str, Any]:
    """ECR serves image layers from an S3 bucket of AWS's own, through pre-signed URLs
    whose principal is not one of the network's accounts."""
    return {
        "Sid": ECR_LAYERS_SID,
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:{partition_of(region)}:s3:::prod-{region}-starport-layer-bucket/*",
    }


def plan_endpoints(
    topology: Topology, facts: VpcTopology, subnets: Sequence[PlacedSubnet]
) -> EndpointsPlan | None:
    """The endpoints of a checked VPC (None when it asks for none)."""
    found = facts.endpoints
    if found is None:
        return None
    config, endpoints, region = topology.config, found.endpoints, facts.vpc.region
    accounts = tuple(config.accounts.values())

    def policy(
        chosen: EndpointPolicy, service: str, extra: Sequence[Mapping[str, Any]] = ()
    ) -> PolicyDocument | None:
        if chosen == "open":
            return None
        if chosen == "restricted":
            return restricted_policy(service, region, accounts, config.organization_id, extra)
        return dict(chosen)

    pulls_images = "ecr.dkr" in found.services("interface")
    gateway = tuple(
        GatewayEndpointPlan(
            service=service,
            service_name=service_name(region, service),
            route_tables=tuple(
                (s.group, s.zone) for group in found.route_from for s in subnets if s.group == group
            ),
            policy=policy(
                endpoints.gateway_policy,
                service,
                [ecr_layers_statement(region)] if service == "s3" and pulls_images else [],
            ),
        )
        for service in found.services("gateway")
    )
    interface = tuple(
        InterfaceEndpointPlan(
            service=service,
            service_name=service_name(region, service),
            policy=policy(endpoints.interface_policy, service),
        )
        for service in found.services("interface")
    )
    return EndpointsPlan(
        gateway=gateway,
        interface=interface,
        subnet_group=found.subnet_group or "",
        zones=found.zones if interface else (),
        sources=()
        if endpoints.security_groups is not None
        else tuple(endpoints.sources)
        if endpoints.sources is not None
        else (facts.cidr,),
        security_groups=tuple(endpoints.security_groups or ()),
        session_manager_role=endpoints.session_manager_role,
        session_manager_policy=endpoints.session_manager_policy,
    )
