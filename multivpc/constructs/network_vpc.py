"""NetworkVpc: a VPC whose subnets sit in explicit Availability Zones and Local Zones, with
exactly the gateways and routes it is given."""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict, Unpack, get_args

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from constructs import Construct, IConstruct

from multivpc.constructs.acknowledgements import acknowledge
from multivpc.constructs.default_security_group import RestrictDefaultSecurityGroup
from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.flow_logs import FlowLogSettings, VpcFlowLogs
from multivpc.constructs.routing import (
    NatGatewaySpec,
    Router,
    RouteSpec,
    RouteTarget,
    VpcGateway,
    add_route,
)
from multivpc.constructs.security_groups import (
    SecurityGroups,
    SecurityGroupSpec,
    check_security_groups,
)
from multivpc.constructs.subnet_layout import SubnetGroup, SubnetSpec, subnet_layout
from multivpc.constructs.vpc_view import SubnetRecord, VpcView
from multivpc.vocabulary import Tier, duplicates

DEFAULT_FLOW_LOGS = FlowLogSettings()
_LOOKUP_TYPES = {
    ec2.SubnetType.PUBLIC: "Public",
    ec2.SubnetType.PRIVATE_WITH_EGRESS: "Private",
    ec2.SubnetType.PRIVATE_ISOLATED: "Isolated",
}
_DEFAULT_DESTINATION = "0.0.0.0/0"


@dataclass(frozen=True)
class SubnetRouteTable:
    """One subnet's own route table (every ``NetworkVpc`` subnet has its own).

    Args:
        group: the subnet's group.
        zone: the subnet's zone.
        route_table_id: the route table's id (a token until deploy).
        local_zone: the subnet is in a Local Zone.
    """

    group: str
    zone: str
    route_table_id: str
    local_zone: bool = False


class NetworkVpcOptions(TypedDict, total=False):
    """``NetworkVpc``'s optional arguments, for ``NetworkVpc.from_groups``."""

    internet_gateway: bool | None
    flow_logs: FlowLogSettings | None
    flow_log_group_name: str | None
    enable_dns_support: bool
    enable_dns_hostnames: bool
    restrict_default_security_group: bool
    security_groups: Sequence[SecurityGroupSpec]
    name: str | None


class NetworkVpc(Construct):
    """A VPC with one subnet (and its own route table) per spec, the NAT gateways and
    routes it is given, flow logs, and a default security group without rules.

    NetworkVpc decides no routing: every route comes from ``routes``. Order of creation:
    subnets, routes to the internet gateway, NAT gateways, then every other route.

    Args:
        cidr: the VPC's IPv4 block.
        subnets: the subnets, at least one; each (group, zone) once, one tier per group.
        nat_gateways: NAT gateways, each in the public subnet of a group in a zone.
            Default: none.
        routes: every route of every subnet's route table (``RouteSpec``); targets are
            ``VpcGateway.internet()``, ``VpcGateway.nat(zone)`` or any ``RouteTarget``.
            Default: none.
        internet_gateway: create and attach an internet gateway. Default: True when any
            subnet is public.
        flow_logs: where flow logs go. Default ``FlowLogSettings()`` (a KMS-encrypted log
            group, 365 days); None turns flow logs off.
        flow_log_group_name: the flow-log group's name (cloud-watch-logs). Default
            ``/vpc-flow-logs/<this construct's path>``. Changing it replaces the log group.
        enable_dns_support: Amazon-provided DNS. Default True.
        enable_dns_hostnames: DNS hostnames for instances with public IPs. Default True.
        restrict_default_security_group: strip the default security group's rules.
            Default True.
        security_groups: named security groups for workloads (``SecurityGroupSpec``),
            built by a ``SecurityGroups`` construct (``SecurityGroups``); no outbound
            traffic unless a rule allows it. Default: none.
        name: the ``Name`` tag of the VPC and the base of the others (``<name>-igw``,
            ``<name>-<group>-<zone>`` on subnets and their route tables,
            ``<name>-nat-<zone>`` on NAT gateways and their Elastic IPs,
            ``<name>-flow-logs`` on the flow log, its key and log group). Default: the
            construct ID. Tags never change a logical ID.

    cdk-nag findings this construct causes on purpose are acknowledged here, with reasons:
    CloudFormation's W3010 (explicit zone names), the compliance packs'
    VPCNoUnrestrictedRouteToIGW on routes to the internet gateway, and
    VPCDefaultSecurityGroupClosed (the packs cannot see the custom resource that closes it).

    Raises:
        ConstructArgumentError: an argument breaks one of the rules above, before anything
            is created.
    """

    cfn_vpc: ec2.CfnVPC
    """The VPC resource."""
    cidr: str
    """The VPC's IPv4 block, as given."""
    subnets: dict[tuple[str, str], ec2.Subnet]
    """Every subnet, keyed by ``(group, zone)``."""
    internet_gateway: ec2.CfnInternetGateway | None
    """The internet gateway, when there is one."""
    internet_gateway_attachment: ec2.CfnVPCGatewayAttachment | None
    """Its attachment to the VPC; routes to the internet gateway depend on it."""
    nat_gateways: dict[str, ec2.CfnNatGateway]
    """NAT gateways by zone."""
    routes: dict[tuple[str, str, str], ec2.CfnRoute]
    """Every route, keyed by ``(group, zone, route id)``."""
    flow_logs: VpcFlowLogs | None
    """The flow logs and their destination, unless turned off."""
    default_security_group: RestrictDefaultSecurityGroup | None
    """What strips the default security group's rules, unless turned off."""
    security_groups: SecurityGroups | None
    """The named security groups, when there are any."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cidr: str,
        subnets: Sequence[SubnetSpec],
        nat_gateways: Sequence[NatGatewaySpec] = (),
        routes: Sequence[RouteSpec] = (),
        internet_gateway: bool | None = None,
        flow_logs: FlowLogSettings | None = DEFAULT_FLOW_LOGS,
        flow_log_group_name: str | None = None,
        enable_dns_support: bool = True,
        enable_dns_hostnames: bool = True,
        restrict_default_security_group: bool = True,
        security_groups: Sequence[SecurityGroupSpec] = (),
        name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        has_public = any(spec.tier == "public" for spec in subnets)
        wants_gateway = has_public if internet_gateway is None else internet_gateway
        try:
            _check_arguments(cidr, subnets, nat_gateways, routes, wants_gateway)
            check_security_groups(security_groups)
        except ValueError as error:
            # The construct path is read only on failure: each read is a jsii round trip.
            raise ConstructArgumentError(self.node.path, str(error)) from None

        self.cidr = cidr
        self.cfn_vpc = ec2.CfnVPC(
            self,
            "Resource",
            cidr_block=cidr,
            enable_dns_support=enable_dns_support,
            enable_dns_hostnames=enable_dns_hostnames,
        )
        vpc_id = self.cfn_vpc.ref

        self.internet_gateway = None
        self.internet_gateway_attachment = None
        if wants_gateway:
            self.internet_gateway = ec2.CfnInternetGateway(self, "InternetGateway")
            self.internet_gateway_attachment = ec2.CfnVPCGatewayAttachment(
                self,
                "InternetGatewayAttachment",
                vpc_id=vpc_id,
                internet_gateway_id=self.internet_gateway.ref,
            )

        self.subnets = {}
        for spec in subnets:
            subnet_class = ec2.PublicSubnet if spec.tier == "public" else ec2.PrivateSubnet
            self.subnets[(spec.group, spec.zone)] = subnet_class(
                self,
                f"{spec.group}-{spec.zone}",
                vpc_id=vpc_id,
                availability_zone=spec.zone,
                cidr_block=spec.cidr,
                map_public_ip_on_launch=spec.map_public_ip_on_launch,
            )

        self.routes = {}
        self._route_specs: list[RouteSpec] = []
        to_internet = [r for r in routes if r.target == VpcGateway.internet()]
        for route in to_internet:
            self._add_route(route)
        self.nat_gateways = {}
        self._nat_resources: dict[str, tuple[ec2.CfnNatGateway, IConstruct]] = {}
        for nat in nat_gateways:
            public_subnet = self.subnets[(nat.group, nat.zone)]
            assert isinstance(public_subnet, ec2.PublicSubnet)
            gateway = public_subnet.add_nat_gateway()
            self.nat_gateways[nat.zone] = gateway
            self._nat_resources[nat.zone] = (gateway, public_subnet.node.find_child("EIP"))
        for route in routes:
            if route.target != VpcGateway.internet():
                self._add_route(route)

        self.flow_logs = (
            VpcFlowLogs(
                self,
                "FlowLogs",
                vpc_id=vpc_id,
                settings=flow_logs,
                log_group_name=flow_log_group_name,
            )
            if flow_logs
            else None
        )
        self.default_security_group = None
        if restrict_default_security_group:
            log_key = self.flow_logs.key if self.flow_logs and self.flow_logs.log_group else None
            self.default_security_group = RestrictDefaultSecurityGroup(
                self,
                "DefaultSecurityGroup",
                security_group_id=self.cfn_vpc.attr_default_security_group,
                encryption_key=log_key,
            )
            acknowledge(
                self.cfn_vpc,
                "VPCDefaultSecurityGroupClosed",
                "The packs read the template only; this VPC's default security group is "
                "stripped of its rules by the RestrictDefaultSecurityGroup custom resource.",
            )
        cdk.Validations.of(self).acknowledge(
            cdk.Acknowledgment(
                id="CloudFormation-Validate::W3010",
                reason="Subnets sit in zones named explicitly, so that synth needs no lookups "
                "and Local Zones can be addressed.",
            )
        )
        self.security_groups = (
            SecurityGroups(
                self, "SecurityGroups", vpc_id=vpc_id, groups=security_groups, name=name or id
            )
            if security_groups
            else None
        )
        self._specs = list(subnets)
        self._view: VpcView | None = None
        self._tag_names(name or id)
        for spec in self._specs:
            # What ec2.Vpc.from_lookup groups subnets by, so other apps can select by group.
            cfn_subnet = self.subnets[(spec.group, spec.zone)].node.default_child
            assert isinstance(cfn_subnet, ec2.CfnSubnet)
            cfn_subnet.tags.set_tag("aws-cdk:subnet-name", spec.group)
            cfn_subnet.tags.set_tag(
                "aws-cdk:subnet-type", _LOOKUP_TYPES[self._record(spec).subnet_type]
            )

    @classmethod
    def from_groups(
        cls,
        scope: Construct,
        id: str,
        *,
        cidr: str,
        zones: Sequence[str],
        groups: Sequence[SubnetGroup],
        nat_gateways: int | None = None,
        nat_group: str | None = None,
        **options: Unpack[NetworkVpcOptions],
    ) -> NetworkVpc:
        """A VPC laid out the short way, as ``ec2.Vpc`` is: ``groups`` across ``zones``,
        each subnet sized by its group's mask, public groups routed to the internet
        gateway, private groups to a NAT gateway (one per zone by default).

        The explicit specs it stands for are ``subnet_layout(...)`` with the same
        arguments (see there for the addresses and routes it chooses); ``options`` are
        ``NetworkVpc``'s other arguments (``flow_logs``, ``name``, ...).

        Raises:
            ConstructArgumentError: the layout cannot be built (groups that do not fit,
                a mask outside 16 to 28, NAT gateways without a public or private group).
        """
        try:
            layout = subnet_layout(
                cidr=cidr,
                zones=zones,
                groups=groups,
                nat_gateways=nat_gateways,
                nat_group=nat_group,
            )
        except ValueError as error:
            path = "/".join(part for part in (scope.node.path, id) if part)
            raise ConstructArgumentError(path, str(error)) from None
        return cls(
            scope,
            id,
            cidr=cidr,
            subnets=layout.subnets,
            nat_gateways=layout.nat_gateways,
            routes=layout.routes,
            **options,
        )

    def security_group(self, name: str) -> ec2.ISecurityGroup:
        """Named security group ``name`` as an ``ec2.ISecurityGroup`` (for a workload's
        ``security_groups``); the same as ``vpc.security_group(name)``.

        Raises:
            ConstructArgumentError: there is no such group (the known ones named).
        """
        if self.security_groups is None:
            raise ConstructArgumentError(
                self.node.path, f"no security group named {name!r}; this VPC has none"
            )
        return self.security_groups.security_group(name)

    @property
    def route_tables(self) -> dict[tuple[str, str], str]:
        """Route table id of every subnet, keyed like ``subnets``."""
        return {key: subnet.route_table.route_table_id for key, subnet in self.subnets.items()}

    @property
    def subnet_specs(self) -> tuple[SubnetSpec, ...]:
        """The specs of every subnet, in the order given."""
        return tuple(self._specs)

    def route_tables_of(self, *groups: str) -> list[SubnetRouteTable]:
        """The route tables of the subnets of ``groups`` (of every subnet when no group
        is named), in the order the subnets were given.

        Raises:
            ConstructArgumentError: a group that does not exist (the known ones named).
        """
        self._check_groups(groups)
        return [
            SubnetRouteTable(
                group=spec.group,
                zone=spec.zone,
                route_table_id=self.subnets[(spec.group, spec.zone)].route_table.route_table_id,
                local_zone=spec.local_zone,
            )
            for spec in self._specs
            if not groups or spec.group in groups
        ]

    def zone_subnets(self, group: str, zones: Sequence[str] | None = None) -> list[ec2.Subnet]:
        """One subnet of ``group`` per Availability Zone, what an attachment or interface
        endpoints take: in ``zones`` order, by default every Availability Zone of the
        group in the order the subnets were given. Local Zone subnets are left out (AWS
        offers neither there).

        Raises:
            ConstructArgumentError: no such group, no subnet of it in an Availability
                Zone, or a zone of ``zones`` where it has none.
        """
        self._check_groups([group])
        of_group = [s.zone for s in self._specs if s.group == group and not s.local_zone]
        if not of_group:
            raise ConstructArgumentError(
                self.node.path, f"no subnet of group {group!r} in an Availability Zone"
            )
        missing = [zone for zone in zones or () if zone not in of_group]
        if missing:
            raise ConstructArgumentError(
                self.node.path,
                f"group {group} has no subnet in {', '.join(missing)}; it has "
                f"{', '.join(of_group)}",
            )
        twice = duplicates(zones or ())
        if twice:
            raise ConstructArgumentError(
                self.node.path, f"zones name {', '.join(twice)} twice; one subnet per zone"
            )
        return [self.subnets[(group, zone)] for zone in (zones or of_group)]

    def _check_groups(self, groups: Sequence[str]) -> None:
        known = list(dict.fromkeys(spec.group for spec in self._specs))
        unknown = [group for group in groups if group not in known]
        if unknown:
            raise ConstructArgumentError(
                self.node.path,
                f"no subnet group named {unknown[0]!r}; groups: {', '.join(known)}",
            )

    @property
    def vpc(self) -> ec2.IVpc:
        """The ``ec2.IVpc`` view, created on first use (it costs synth time otherwise).

        A private subnet counts as ``PRIVATE_WITH_EGRESS`` when it has a route to
        0.0.0.0/0, else as ``PRIVATE_ISOLATED``.
        """
        if self._view is None:
            self._view = VpcView(
                self,
                "View",
                vpc=self.cfn_vpc,
                subnets=[self._record(spec) for spec in self._specs],
                availability_zones=list(
                    dict.fromkeys(s.zone for s in self._specs if not s.local_zone)
                ),
                internet_connectivity=self.internet_gateway_attachment,
                security_groups=self.security_group,
            )
        return self._view

    def _record(self, spec: SubnetSpec) -> SubnetRecord:
        if spec.tier == "public":
            subnet_type = ec2.SubnetType.PUBLIC
        elif spec.tier == "private" and self._has_default_route(spec):
            subnet_type = ec2.SubnetType.PRIVATE_WITH_EGRESS
        else:
            subnet_type = ec2.SubnetType.PRIVATE_ISOLATED
        return SubnetRecord(
            group=spec.group,
            subnet_type=subnet_type,
            subnet=self.subnets[(spec.group, spec.zone)],
            local_zone=spec.local_zone,
        )

    def _has_default_route(self, spec: SubnetSpec) -> bool:
        return any(
            (r.group, r.zone, r.destination) == (spec.group, spec.zone, _DEFAULT_DESTINATION)
            for r in self._route_specs
        )

    def _tag_names(self, name: str) -> None:
        """Name tags: on L1 resources directly where nothing else tags them (cheaper than
        Tags aspects), as aspects where CDK's own tags must be outranked."""
        self.cfn_vpc.tags.set_tag("Name", name)
        if self.internet_gateway is not None:
            self.internet_gateway.tags.set_tag("Name", f"{name}-igw")
        # ec2.Subnet tags itself and its children with its path (priority 100); ours win.
        for (group, zone), subnet in self.subnets.items():
            cdk.Tags.of(subnet).add("Name", f"{name}-{group}-{zone}", priority=200)
        for zone, (nat, eip) in self._nat_resources.items():
            for child in (nat, eip):
                cdk.Tags.of(child).add("Name", f"{name}-nat-{zone}", priority=300)
        if self.flow_logs is not None:
            self.flow_logs.flow_log.tags.set_tag("Name", f"{name}-flow-logs")
            destinations: list[Construct | None] = [
                self.flow_logs.key,
                self.flow_logs.log_group,
                self.flow_logs.bucket,
            ]
            for destination in destinations:
                if destination is not None:
                    cdk.Tags.of(destination).add("Name", f"{name}-flow-logs")

    def routes_to(self, target: VpcGateway | RouteTarget) -> list[ec2.CfnRoute]:
        """The routes (given or added so far) whose target is ``target``."""
        return [
            self.routes[(spec.group, spec.zone, spec.id)]
            for spec in self._route_specs
            if spec.target == target
        ]

    def add_route(self, route: RouteSpec) -> ec2.CfnRoute:
        """Add one more route (for example to a Transit Gateway attachment created after
        the VPC); the same checks as for ``routes`` apply. Returns the route."""
        try:
            _check_routes(
                {(s.group, s.zone): s for s in self._specs},
                [*self._route_specs, route],
                set(self.nat_gateways),
                self.internet_gateway is not None,
            )
        except ValueError as error:
            raise ConstructArgumentError(self.node.path, str(error)) from None
        self._add_route(route)
        return self.routes[(route.group, route.zone, route.id)]

    def _add_route(self, route: RouteSpec) -> None:
        subnet = self.subnets[(route.group, route.zone)]
        target = self._resolve(route.target)
        created = add_route(
            subnet,
            route.id,
            destination=route.destination,
            target=target,
            # As ec2.Vpc: workloads placed in the subnet wait for its way out.
            enables_internet_connectivity=isinstance(route.target, VpcGateway)
            or route.destination == _DEFAULT_DESTINATION,
        )
        if route.target == VpcGateway.internet():
            assert self.internet_gateway_attachment is not None
            created.node.add_dependency(self.internet_gateway_attachment)
            acknowledge(
                created,
                "VPCNoUnrestrictedRouteToIGW",
                "A public subnet is public through this route; it was asked for explicitly.",
            )
        self.routes[(route.group, route.zone, route.id)] = created
        self._route_specs.append(route)

    def _resolve(self, target: VpcGateway | RouteTarget) -> RouteTarget:
        if not isinstance(target, VpcGateway):
            return target
        if target.kind == "internet-gateway":
            assert self.internet_gateway is not None
            return Router(ec2.RouterType.GATEWAY, self.internet_gateway.ref)
        return Router(ec2.RouterType.NAT_GATEWAY, self.nat_gateways[target.zone].ref)


def _check_arguments(
    cidr: str,
    subnets: Sequence[SubnetSpec],
    nat_gateways: Sequence[NatGatewaySpec],
    routes: Sequence[RouteSpec],
    internet_gateway: bool,
) -> None:
    try:
        network = ipaddress.IPv4Network(cidr)
    except ValueError as error:
        raise ValueError(f"cidr {cidr!r} is not an IPv4 CIDR ({error})") from None
    if not subnets:
        raise ValueError("a VPC needs at least one subnet")
    tiers: dict[str, str] = {}
    specs: dict[tuple[str, str], SubnetSpec] = {}
    allowed = get_args(Tier)
    for spec in subnets:
        if spec.tier not in allowed:
            raise ValueError(
                f"subnet {spec.group}/{spec.zone}: tier {spec.tier!r} is none of "
                f"{', '.join(allowed)} (lower case)"
            )
        key = (spec.group, spec.zone)
        if key in specs:
            raise ValueError(f"two subnets of group {spec.group} in {spec.zone}")
        specs[key] = spec
        if tiers.setdefault(spec.group, spec.tier) != spec.tier:
            raise ValueError(f"group {spec.group} mixes tiers {tiers[spec.group]} and {spec.tier}")
        try:
            subnet_network = ipaddress.IPv4Network(spec.cidr)
        except ValueError as error:
            raise ValueError(f"subnet {spec.group}/{spec.zone}: {error}") from None
        if spec.map_public_ip_on_launch and spec.tier != "public":
            raise ValueError(
                f"subnet {spec.group}/{spec.zone} is {spec.tier}; only public subnets may map "
                "public IPs on launch"
            )
        if not subnet_network.subnet_of(network):
            raise ValueError(
                f"subnet {spec.group}/{spec.zone} {spec.cidr} is outside the VPC {cidr}"
            )
    _check_overlaps(subnets)
    if any(spec.tier == "public" for spec in subnets) and not internet_gateway:
        raise ValueError("public subnets need an internet gateway")
    nat_zones: set[str] = set()
    for nat in nat_gateways:
        host = specs.get((nat.group, nat.zone))
        if host is None or host.tier != "public":
            raise ValueError(
                f"a NAT gateway in {nat.zone} needs a public subnet of group {nat.group} there"
            )
        if nat.zone in nat_zones:
            raise ValueError(f"two NAT gateways in {nat.zone}; give each zone at most one")
        nat_zones.add(nat.zone)
    if nat_gateways and not internet_gateway:
        raise ValueError("NAT gateways need an internet gateway")
    _check_routes(specs, routes, nat_zones, internet_gateway)


def _check_overlaps(subnets: Sequence[SubnetSpec]) -> None:
    """No two subnets share an address: sorted by first address, each must end before
    the next begins."""
    ordered = sorted(subnets, key=lambda spec: ipaddress.IPv4Network(spec.cidr).network_address)
    for before, after in itertools.pairwise(ordered):
        if ipaddress.IPv4Network(before.cidr).overlaps(ipaddress.IPv4Network(after.cidr)):
            raise ValueError(
                f"subnets {before.group}/{before.zone} {before.cidr} and "
                f"{after.group}/{after.zone} {after.cidr} overlap; give each its own range"
            )


def _check_routes(
    specs: dict[tuple[str, str], SubnetSpec],
    routes: Sequence[RouteSpec],
    nat_zones: set[str],
    internet_gateway: bool,
) -> None:
    ids: set[tuple[str, str, str]] = set()
    destinations: set[tuple[str, str, str]] = set()
    for route in routes:
        where = f"route {route.id} of subnet {route.group}/{route.zone}"
        if (route.group, route.zone) not in specs:
            raise ValueError(f"{where}: there is no such subnet")
        try:
            ipaddress.IPv4Network(route.destination)
        except ValueError as error:
            raise ValueError(f"{where}: destination is not an IPv4 CIDR ({error})") from None
        if (route.group, route.zone, route.id) in ids:
            raise ValueError(f"{where}: the subnet has two routes with this id")
        ids.add((route.group, route.zone, route.id))
        if (route.group, route.zone, route.destination) in destinations:
            raise ValueError(f"{where}: the subnet already has a route to {route.destination}")
        destinations.add((route.group, route.zone, route.destination))
        target = route.target
        if target == VpcGateway.internet() and not internet_gateway:
            raise ValueError(f"{where}: it targets the internet gateway, and there is none")
        if (
            isinstance(target, VpcGateway)
            and target.kind == "nat-gateway"
            and target.zone not in nat_zones
        ):
            raise ValueError(
                f"{where}: it targets a NAT gateway in {target.zone}, and there is none"
            )
