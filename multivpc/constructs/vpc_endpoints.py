"""VpcEndpoints: gateway and interface endpoints to AWS services in one VPC, the security
group of the interface endpoints, and an optional Session Manager instance role."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from multivpc.constructs.acknowledgements import skip_checkov
from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.network_vpc import NetworkVpc
from multivpc.endpoint_services import is_endpoint_service_name, resolve_services, service_name
from multivpc.vocabulary import SessionManagerPolicy, cidr_id, duplicates

SESSION_MANAGER_POLICY = "AmazonSSMManagedInstanceCore"
"""The AWS managed policy of ``session_manager_policy="managed"``."""
SESSION_MANAGER_ACTIONS = (
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
"""What the SSM agent needs for Session Manager and nothing else (AWS's Session Manager
guide, "custom IAM instance profile"; the same actions as the AWS managed policy
AWSCloud9SSMInstanceProfile)."""
HTTPS = 443


@dataclass(frozen=True)
class GatewayEndpointSpec:
    """A gateway endpoint (S3 or DynamoDB).

    Args:
        service: the short service name (``s3``); it names the construct
            (``Gateway-<service>``), so adding a service changes no other logical ID.
        service_name: the endpoint service name (``com.amazonaws.us-east-1.s3``).
        route_table_ids: the route tables that get the service's prefix-list route.
        policy: the endpoint policy document. Default None: AWS's full-access policy.
    """

    service: str
    service_name: str
    route_table_ids: Sequence[str]
    policy: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class InterfaceEndpointSpec:
    """An interface endpoint with private DNS.

    Args:
        service: the short service name (``ssm``, ``ecr.api``); it names the construct
            (``Interface-<service with dots as dashes>``).
        service_name: the endpoint service name (``com.amazonaws.us-east-1.ssm``).
        policy: the endpoint policy document. Default None: AWS's full-access policy.
    """

    service: str
    service_name: str
    policy: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class HttpsSource:
    """A CIDR the interface endpoints admit on TCP 443, with the rule's description.
    Default description: ``HTTPS to the interface endpoints from <cidr>``."""

    cidr: str
    description: str = field(default="")


class VpcEndpoints(Construct):
    """Endpoints to AWS services in one VPC.

    Gateway endpoints go on the route tables they are given. Every interface endpoint gets
    a network interface in each of ``subnet_ids`` (one subnet per Availability Zone),
    private DNS, and one shared security group that admits TCP 443 from ``sources`` only
    (each rule with a description) and sends nothing out.

    Two ways to say which: from a ``NetworkVpc`` by name (``network=``, ``services=``),
    or with explicit specs and ids (``vpc_id=``, ``gateway_endpoints=``,
    ``interface_endpoints=``); specs may be added to ``services`` too.

    Args:
        network: the ``NetworkVpc`` (or ``vpc_id``, one of the two).
        services: short names of the services (``s3``, ``ssm``, ``ecr.api``) and of the
            named sets (``session-manager``, ``secrets``, ``ecr``, ``logging``, ``sts``),
            as ``multivpc/endpoint_services.py`` lists them; s3 and dynamodb become
            gateway endpoints, every other service an interface endpoint, named
            ``com.amazonaws.<the stack's region>.<service>``. Needs ``network`` and a
            stack with an explicit region. Default: none.
        subnet_group: with ``network``, the group holding the interface endpoints'
            network interfaces, one per Availability Zone. Default: the first group that
            is not public and has a subnet in an Availability Zone.
        zones: with ``network``, the Availability Zones of those interfaces. Default:
            every Availability Zone of ``subnet_group``.
        route_from: with ``services``, the groups whose route tables get the gateway
            endpoints. Default: every group that is not public.
        vpc_id: the VPC, instead of ``network``.
        gateway_endpoints: gateway endpoints (``GatewayEndpointSpec``). Default: none.
        interface_endpoints: interface endpoints (``InterfaceEndpointSpec``). Default:
            none.
        subnet_ids, subnets: the subnets of the interface endpoints' network interfaces
            (ids, or ``ec2.ISubnet`` whose zones are checked), one per Availability Zone.
            Default with ``network``: as ``subnet_group`` says; else required with
            interface endpoints.
        sources: CIDRs (``str`` or ``HttpsSource``) admitted on TCP 443. Default with
            ``network``: its CIDR; else required with interface endpoints (multivpc's
            plan: the VPC's CIDR unless the config names others).
        security_group_ids: groups for the interface endpoints' network interfaces
            instead of the generated one (then no ``sources``): for example
            ``network.security_groups.group_id("app")``. Default: the generated group.
        session_manager_role: also create an EC2 instance role and its instance profile,
            for instances reached through Session Manager. Default False.
        session_manager_policy: the role's policy: ``"minimal"`` (default), a managed
            policy of its own with ``SESSION_MANAGER_ACTIONS`` only; ``"managed"``, AWS's
            AmazonSSMManagedInstanceCore (Systems Manager's other features too, and every
            SSM parameter and document of the account readable).
        parameter_prefix: with ``session_manager_role``, publish the instance profile's
            name and the role's ARN as the SSM parameters
            ``<prefix>/session-manager/instance-profile-name`` and
            ``<prefix>/session-manager/instance-role-arn``, and as stack outputs.
            Default None: nothing is published.
        name: the base of the ``Name`` tags (``<name>-<service>`` on endpoints,
            ``<name>-endpoints`` on the security group) and of the security group's
            description. Default: the construct ID.

    Raises:
        ConstructArgumentError: an argument breaks one of the rules above, before anything
            is created: among them an unknown service name (the closest known named), a
            short name as a spec's ``service_name``, two subnets in one zone.
    """

    gateway_endpoints: dict[str, ec2.CfnVPCEndpoint]
    """Gateway endpoints by service (``s3``)."""
    interface_endpoints: dict[str, ec2.CfnVPCEndpoint]
    """Interface endpoints by service (``ssm``)."""
    security_group: ec2.CfnSecurityGroup | None
    """The interface endpoints' security group, when there are interface endpoints."""
    instance_role: iam.Role | None
    """The Session Manager instance role, when asked for."""
    instance_profile: iam.CfnInstanceProfile | None
    """Its instance profile: launch instances with ``instance_profile.ref`` (its name)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        network: NetworkVpc | None = None,
        services: Sequence[str] = (),
        subnet_group: str | None = None,
        zones: Sequence[str] | None = None,
        route_from: Sequence[str] | None = None,
        vpc_id: str | None = None,
        gateway_endpoints: Sequence[GatewayEndpointSpec] = (),
        interface_endpoints: Sequence[InterfaceEndpointSpec] = (),
        subnet_ids: Sequence[str] = (),
        subnets: Sequence[ec2.ISubnet] = (),
        sources: Sequence[str | HttpsSource] | None = None,
        security_group_ids: Sequence[str] = (),
        session_manager_role: bool = False,
        session_manager_policy: SessionManagerPolicy = "minimal",
        parameter_prefix: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        try:
            if (network is None) == (vpc_id is None):
                raise ValueError("give network (a NetworkVpc) or vpc_id, not both")
            gateway_endpoints = [*gateway_endpoints]
            interface_endpoints = [*interface_endpoints]
            if services:
                more_interface, more_gateway = self._from_names(services, network, route_from)
                interface_endpoints += more_interface
                gateway_endpoints += more_gateway
            if network is not None:
                vpc_id = network.cfn_vpc.ref
                if interface_endpoints and not subnet_ids and not subnets:
                    subnets = _interface_subnets(network, subnet_group, zones)
                if sources is None and not security_group_ids:
                    sources = [network.cidr]
            elif subnet_group or zones or route_from:  # (services: checked by _from_names)
                raise ValueError("subnet_group, zones and route_from need network")
            subnet_ids = [*subnet_ids, *(subnet.subnet_id for subnet in subnets)]
            admitted = [s if isinstance(s, HttpsSource) else HttpsSource(s) for s in sources or ()]
            if security_group_ids and admitted:
                raise ValueError(
                    "sources shape the generated group, which security_group_ids replaces; "
                    "give one of the two"
                )
            _check_arguments(
                gateway_endpoints,
                interface_endpoints,
                subnet_ids,
                subnets,
                admitted,
                named_groups=bool(security_group_ids),
            )
        except ValueError as error:
            problem = error.problem if isinstance(error, ConstructArgumentError) else str(error)
            raise ConstructArgumentError(self.node.path, problem) from None
        assert vpc_id is not None
        name = name or id

        self.gateway_endpoints = {}
        for gateway in gateway_endpoints:
            endpoint = ec2.CfnVPCEndpoint(
                self,
                f"Gateway-{_construct_id(gateway.service)}",
                vpc_id=vpc_id,
                service_name=gateway.service_name,
                vpc_endpoint_type="Gateway",
                route_table_ids=list(gateway.route_table_ids),
                policy_document=dict(gateway.policy) if gateway.policy is not None else None,
                tags=[cdk.CfnTag(key="Name", value=f"{name}-{gateway.service}")],
            )
            self.gateway_endpoints[gateway.service] = endpoint

        self.security_group = None
        self.interface_endpoints = {}
        if interface_endpoints and not security_group_ids:
            self.security_group = ec2.CfnSecurityGroup(
                self,
                "SecurityGroup",
                vpc_id=vpc_id,
                # Create-only: derived from the name, never from the rules.
                group_description=f"{name}: interface endpoints, HTTPS from named sources",
                # What aws-cdk-lib writes for allow_all_outbound=False: a rule matching no
                # traffic, since a group without egress rules would allow all.
                security_group_egress=[
                    ec2.CfnSecurityGroup.EgressProperty(
                        ip_protocol="icmp",
                        from_port=252,
                        to_port=86,
                        cidr_ip="255.255.255.255/32",
                        description="No outbound traffic: endpoint interfaces only answer",
                    )
                ],
            )
            self.security_group.tags.set_tag("Name", f"{name}-endpoints")
            for source in admitted:
                # One resource per source, named after it: adding a source adds a rule.
                ec2.CfnSecurityGroupIngress(
                    self,
                    f"HttpsFrom-{cidr_id(source.cidr)}",
                    group_id=self.security_group.attr_group_id,
                    ip_protocol="tcp",
                    from_port=HTTPS,
                    to_port=HTTPS,
                    cidr_ip=source.cidr,
                    description=source.description
                    or f"HTTPS to the interface endpoints from {source.cidr}",
                )
        endpoint_groups = list(security_group_ids) or (
            [self.security_group.attr_group_id] if self.security_group else []
        )
        for interface in interface_endpoints:
            endpoint = ec2.CfnVPCEndpoint(
                self,
                f"Interface-{_construct_id(interface.service)}",
                vpc_id=vpc_id,
                service_name=interface.service_name,
                vpc_endpoint_type="Interface",
                subnet_ids=list(subnet_ids),
                security_group_ids=endpoint_groups,
                private_dns_enabled=True,
                policy_document=dict(interface.policy) if interface.policy is not None else None,
                tags=[cdk.CfnTag(key="Name", value=f"{name}-{interface.service}")],
            )
            self.interface_endpoints[interface.service] = endpoint

        self.instance_role = None
        self.instance_profile = None
        if session_manager_role:
            self.instance_role = iam.Role(
                self,
                "SessionManagerRole",
                assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
                description="Instances reached through Session Manager (no inbound rule, "
                "no bastion)",
            )
            if session_manager_policy == "managed":
                self.instance_role.add_managed_policy(
                    iam.ManagedPolicy.from_aws_managed_policy_name(SESSION_MANAGER_POLICY)
                )
                cdk.Validations.of(self.instance_role).acknowledge(
                    cdk.Acknowledgment(
                        id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::"
                        f"aws:policy/{SESSION_MANAGER_POLICY}]",
                        reason="Chosen by the config (session_manager_policy: managed): "
                        "AmazonSSMManagedInstanceCore grants the SSM agent's actions for "
                        "every Systems Manager feature, ssm:GetParameter(s) and "
                        "ssm:GetDocument on every resource of the account and region among "
                        "them.",
                    )
                )
            else:
                policy = iam.ManagedPolicy(
                    self,
                    "SessionManagerPolicy",
                    description="Session Manager only: the agent's channels and its registration",
                    roles=[self.instance_role],
                    statements=[
                        iam.PolicyStatement(actions=list(SESSION_MANAGER_ACTIONS), resources=["*"])
                    ],
                )
                # One reason for both checkers, which flag the same statement.
                reason = (
                    "The ssmmessages actions support no resource-level permission, and "
                    "ssm:UpdateInstanceInformation is called by the agent for the instance it "
                    "runs on, which the role cannot name."
                )
                cfn_policy = policy.node.default_child
                assert isinstance(cfn_policy, iam.CfnManagedPolicy)
                skip_checkov(cfn_policy, "CKV_AWS_111", reason)
                cdk.Validations.of(policy).acknowledge(
                    cdk.Acknowledgment(
                        id="AwsSolutions::AwsSolutions-IAM5[Resource::*]", reason=reason
                    )
                )
            self.instance_profile = iam.CfnInstanceProfile(
                self, "SessionManagerInstanceProfile", roles=[self.instance_role.role_name]
            )
            if parameter_prefix is not None:
                self._publish_session_manager(parameter_prefix)

    def _publish_session_manager(self, prefix: str) -> None:
        """The instance profile's name and the role's ARN, as SSM parameters and outputs:
        ``ec2.Instance`` in another app takes a role (an imported profile is not one of
        its arguments) and makes the profile itself."""
        assert self.instance_profile is not None and self.instance_role is not None
        published = (
            (
                "SessionManagerInstanceProfileName",
                "instance-profile-name",
                self.instance_profile.ref,
                "The instance profile for instances reached through Session Manager",
            ),
            (
                "SessionManagerInstanceRoleArn",
                "instance-role-arn",
                self.instance_role.role_arn,
                "The instance role for instances reached through Session Manager (for "
                "ec2.Instance's role, which makes its own profile)",
            ),
        )
        for construct_id, name, value, description in published:
            ssm.StringParameter(
                self,
                construct_id,
                parameter_name=f"{prefix}/session-manager/{name}",
                string_value=value,
                description=description,
            )
            cdk.CfnOutput(self, f"{construct_id}Output", value=value, description=description)

    def _from_names(
        self, names: Sequence[str], network: NetworkVpc | None, route_from: Sequence[str] | None
    ) -> tuple[list[InterfaceEndpointSpec], list[GatewayEndpointSpec]]:
        """Specs for short service and set names, in the stack's region, gateway endpoints
        on the route tables of ``route_from`` (default: every group that is not public)."""
        if network is None:
            raise ValueError("services (short names) need network, to find route tables")
        region = cdk.Stack.of(self).region
        if cdk.Token.is_unresolved(region):
            raise ValueError(
                "services (short names) need the stack's region: give the stack "
                "env=cdk.Environment(region=...), or specs with full service names"
            )
        interface, gateway = resolve_services(names)
        if route_from is None:
            route_from = list(
                dict.fromkeys(s.group for s in network.subnet_specs if s.tier != "public")
            )
        tables = [table.route_table_id for table in network.route_tables_of(*route_from)]
        return (
            [InterfaceEndpointSpec(s, service_name(region, s)) for s in interface],
            [GatewayEndpointSpec(s, service_name(region, s), tables) for s in gateway],
        )


def _interface_subnets(
    network: NetworkVpc, group: str | None, zones: Sequence[str] | None
) -> list[ec2.ISubnet]:
    """One subnet per Availability Zone of ``group`` (default: the first group that is
    not public and has a subnet in an Availability Zone)."""
    if group is None:
        candidates = [
            s.group for s in network.subnet_specs if s.tier != "public" and not s.local_zone
        ]
        if not candidates:
            raise ValueError(
                "interface endpoints need a subnet group that is not public: give subnet_group"
            )
        group = candidates[0]
    return list(network.zone_subnets(group, zones))


def _construct_id(service: str) -> str:
    return service.replace(".", "-")


def _check_arguments(
    gateway_endpoints: Sequence[GatewayEndpointSpec],
    interface_endpoints: Sequence[InterfaceEndpointSpec],
    subnet_ids: Sequence[str],
    subnets: Sequence[ec2.ISubnet],
    sources: Sequence[HttpsSource],
    *,
    named_groups: bool = False,
) -> None:
    for kind, specs in (("gateway", gateway_endpoints), ("interface", interface_endpoints)):
        repeated = duplicates(_construct_id(spec.service) for spec in specs)
        if repeated:
            raise ValueError(f"{kind} endpoint {repeated[0]} is given twice")
        for spec in specs:
            given = spec.service_name
            if not cdk.Token.is_unresolved(given) and not is_endpoint_service_name(given):
                raise ValueError(
                    f"{kind} endpoint {spec.service}: service_name {given!r} is a short "
                    f"name; give the endpoint service name (com.amazonaws.REGION.{given}), or "
                    f"services=[{given!r}] with network="
                )
    if not interface_endpoints:
        return
    if not subnet_ids:
        raise ValueError("interface endpoints need subnets (one subnet per zone)")
    literal = [i for i in subnet_ids if not cdk.Token.is_unresolved(i)]
    if len(set(literal)) != len(literal):
        raise ValueError("subnet_ids name one subnet twice")
    by_zone: dict[str, str] = {}
    for subnet in subnets:
        zone = subnet.availability_zone
        if cdk.Token.is_unresolved(zone):
            continue
        if zone in by_zone:
            raise ValueError(
                f"two interface endpoint subnets in {zone} ({by_zone[zone]} and "
                f"{subnet.node.path}); AWS takes one subnet per Availability Zone"
            )
        by_zone[zone] = subnet.node.path
    if not sources and not named_groups:
        raise ValueError(
            "interface endpoints need sources (the CIDRs admitted on TCP 443) or security_group_ids"
        )
    for source in sources:
        if cdk.Token.is_unresolved(source.cidr):
            continue
        try:
            ipaddress.IPv4Network(source.cidr)
        except ValueError as error:
            raise ValueError(f"source {source.cidr!r} is not an IPv4 CIDR ({error})") from None
