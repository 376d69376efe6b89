"""NetworkVpc: a VPC whose subnets sit in explicit Availability Zones and Local Zones."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from multivpc.constructs.default_security_group import RestrictDefaultSecurityGroup
from multivpc.constructs.flow_logs import FlowLogSettings, VpcFlowLogs
from multivpc.constructs.routing import Router, add_route
from multivpc.constructs.vpc_view import VpcView

Tier = Literal["public", "private", "isolated"]
DEFAULT_FLOW_LOGS = FlowLogSettings()


@dataclass(frozen=True)
class SubnetSpec:
    """One subnet: its group, tier, zone and CIDR.

    local_zone: the zone is a Local Zone (default False). Local Zone subnets are left out
    of the IVpc's ``availability_zones`` but can still be selected by group.
    """

    group: str
    tier: Tier
    zone: str
    cidr: str
    local_zone: bool = False


class NetworkVpc(Construct):
    """A VPC, one subnet per spec with its own route table, gateways, flow logs and a
    default security group without rules.

    Keyword arguments:
    - cidr: the VPC's IPv4 block.
    - subnets: the subnets; each one's construct ID is ``<group>-<zone>``.
    - nat_gateway_zones: zones that get a NAT gateway, in the first (by name) public subnet
      of the zone. Private subnets route to the NAT gateway in their own zone, else to the
      first zone listed. Default: none.
    - internet_gateway: default True when any subnet is public.
    - flow_logs: default ``FlowLogSettings()``; None turns flow logs off.
    - enable_dns_support, enable_dns_hostnames: default True.
    - restrict_default_security_group: default True.

    Attributes: ``cfn_vpc``, ``subnets`` (keyed by ``(group, zone)``), ``route_tables``
    (same keys), ``internet_gateway``, ``nat_gateways`` (by zone), ``flow_logs``,
    ``default_security_group`` and ``vpc`` (an ``ec2.IVpc`` view).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cidr: str,
        subnets: Sequence[SubnetSpec],
        nat_gateway_zones: Sequence[str] = (),
        internet_gateway: bool | None = None,
        flow_logs: FlowLogSettings | None = DEFAULT_FLOW_LOGS,
        enable_dns_support: bool = True,
        enable_dns_hostnames: bool = True,
        restrict_default_security_group: bool = True,
    ) -> None:
        super().__init__(scope, id)
        has_public = any(spec.tier == "public" for spec in subnets)
        wants_gateway = has_public if internet_gateway is None else internet_gateway
        self._check(cidr, subnets, nat_gateway_zones, wants_gateway)

        self.cfn_vpc = ec2.CfnVPC(
            self,
            "Resource",
            cidr_block=cidr,
            enable_dns_support=enable_dns_support,
            enable_dns_hostnames=enable_dns_hostnames,
        )
        vpc_id = self.cfn_vpc.ref

        self.internet_gateway: ec2.CfnInternetGateway | None = None
        self.internet_gateway_attachment: ec2.CfnVPCGatewayAttachment | None = None
        if wants_gateway:
            self.internet_gateway = ec2.CfnInternetGateway(self, "InternetGateway")
            self.internet_gateway_attachment = ec2.CfnVPCGatewayAttachment(
                self,
                "InternetGatewayAttachment",
                vpc_id=vpc_id,
                internet_gateway_id=self.internet_gateway.ref,
            )

        self.subnets: dict[tuple[str, str], ec2.Subnet] = {}
        for spec in subnets:
            subnet_class = ec2.PublicSubnet if spec.tier == "public" else ec2.PrivateSubnet
            subnet = subnet_class(
                self,
                f"{spec.group}-{spec.zone}",
                vpc_id=vpc_id,
                availability_zone=spec.zone,
                cidr_block=spec.cidr,
                map_public_ip_on_launch=spec.tier == "public",
            )
            self.subnets[(spec.group, spec.zone)] = subnet
            if spec.tier == "public" and self.internet_gateway is not None:
                assert self.internet_gateway_attachment is not None
                assert isinstance(subnet, ec2.PublicSubnet)
                subnet.add_default_internet_route(
                    self.internet_gateway.ref, self.internet_gateway_attachment
                )

        self.nat_gateways: dict[str, ec2.CfnNatGateway] = {}
        for zone in nat_gateway_zones:
            group = min(s.group for s in subnets if s.zone == zone and s.tier == "public")
            public_subnet = self.subnets[(group, zone)]
            assert isinstance(public_subnet, ec2.PublicSubnet)
            self.nat_gateways[zone] = public_subnet.add_nat_gateway()
        if self.nat_gateways:
            default_nat = self.nat_gateways[nat_gateway_zones[0]]
            for spec in subnets:
                if spec.tier != "private":
                    continue
                nat = self.nat_gateways.get(spec.zone, default_nat)
                add_route(
                    self.subnets[(spec.group, spec.zone)],
                    "DefaultRoute",
                    destination="0.0.0.0/0",
                    target=Router(ec2.RouterType.NAT_GATEWAY, nat.ref),
                    enables_internet_connectivity=True,
                )

        self.flow_logs = (
            VpcFlowLogs(self, "FlowLogs", vpc_id=vpc_id, settings=flow_logs) if flow_logs else None
        )
        self.default_security_group = (
            RestrictDefaultSecurityGroup(
                self,
                "DefaultSecurityGroup",
                security_group_id=self.cfn_vpc.attr_default_security_group,
            )
            if restrict_default_security_group
            else None
        )
        self._specs = list(subnets)
        self._view: VpcView | None = None

    @property
    def route_tables(self) -> dict[tuple[str, str], str]:
        """Route table id of every subnet, keyed like ``subnets``."""
        return {key: subnet.route_table.route_table_id for key, subnet in self.subnets.items()}

    @property
    def vpc(self) -> ec2.IVpc:
        """The ``ec2.IVpc`` view, created on first use (it costs synth time otherwise)."""
        if self._view is None:
            self._view = VpcView(
                self,
                "View",
                vpc=self.cfn_vpc,
                subnets=[(s.group, s.tier, self.subnets[(s.group, s.zone)]) for s in self._specs],
                availability_zones=list(
                    dict.fromkeys(s.zone for s in self._specs if not s.local_zone)
                ),
                has_egress=bool(self.nat_gateways),
                internet_connectivity=self.internet_gateway_attachment,
            )
        return self._view

    def _check(
        self,
        cidr: str,
        subnets: Sequence[SubnetSpec],
        nat_gateway_zones: Sequence[str],
        internet_gateway: bool,
    ) -> None:
        try:
            self._check_arguments(cidr, subnets, nat_gateway_zones, internet_gateway)
        except ValueError as error:
            # The construct path is read only on failure: each read is a jsii round trip.
            raise ValueError(f"{self.node.path}: {error}") from None

    @staticmethod
    def _check_arguments(
        cidr: str,
        subnets: Sequence[SubnetSpec],
        nat_gateway_zones: Sequence[str],
        internet_gateway: bool,
    ) -> None:
        try:
            network = ipaddress.IPv4Network(cidr)
        except ValueError as error:
            raise ValueError(f"cidr {cidr!r} is not an IPv4 CIDR ({error})") from None
        if not subnets:
            raise ValueError("a VPC needs at least one subnet")
        seen: set[tuple[str, str]] = set()
        tiers: dict[str, str] = {}
        for spec in subnets:
            key = (spec.group, spec.zone)
            if key in seen:
                raise ValueError(f"two subnets of group {spec.group} in {spec.zone}")
            seen.add(key)
            if tiers.setdefault(spec.group, spec.tier) != spec.tier:
                raise ValueError(
                    f"group {spec.group} mixes tiers {tiers[spec.group]} and {spec.tier}"
                )
            try:
                subnet_network = ipaddress.IPv4Network(spec.cidr)
            except ValueError as error:
                raise ValueError(f"subnet {spec.group}/{spec.zone}: {error}") from None
            if not subnet_network.subnet_of(network):
                raise ValueError(
                    f"subnet {spec.group}/{spec.zone} {spec.cidr} is outside the VPC {cidr}"
                )
        public_zones = {s.zone for s in subnets if s.tier == "public"}
        for zone in nat_gateway_zones:
            if zone not in public_zones:
                raise ValueError(f"a NAT gateway in {zone} needs a public subnet in {zone}")
        if public_zones and not internet_gateway:
            raise ValueError("public subnets need an internet gateway")
        if nat_gateway_zones and not internet_gateway:
            raise ValueError("NAT gateways need an internet gateway")
