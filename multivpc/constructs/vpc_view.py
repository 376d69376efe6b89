"""An ``ec2.IVpc`` over subnets built elsewhere, so CDK code can place workloads in them.

``select_subnets`` understands ``subnet_group_name`` (multivpc's group names),
``subnet_type``, ``availability_zones``, ``one_per_az`` and explicit ``subnets``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_ec2 as ec2
from aws_cdk.interfaces import aws_ec2 as ec2_refs
from constructs import Construct, DependencyGroup, IDependable

from multivpc.constructs.errors import ConstructArgumentError


@dataclass(frozen=True)
class SubnetRecord:
    """One subnet as the view selects it.

    Args:
        group: the subnet group's name (what ``subnet_group_name`` selects).
        subnet_type: what ``subnet_type`` selects: PUBLIC, PRIVATE_WITH_EGRESS or
            PRIVATE_ISOLATED.
        subnet: the subnet.
        local_zone: the subnet is in a Local Zone. Default False.
    """

    group: str
    subnet_type: ec2.SubnetType
    subnet: ec2.Subnet
    local_zone: bool = False


@jsii.implements(ec2.IVpc)
class VpcView(cdk.Resource):
    """The IVpc face of a ``NetworkVpc``.

    Args:
        vpc: the VPC resource.
        subnets: a ``SubnetRecord`` for every subnet.
        availability_zones: what ``availability_zones`` reports (Local Zones left out).
        internet_connectivity: what workloads wait for before reaching the internet (the
            internet gateway attachment). Default: nothing.
        security_groups: looks up a named security group (``security_group(name)``).
            Default: the VPC has none.

    Local Zone subnets are left out of every selection (by group, by type, the default
    one, ``one_per_az``) and of ``public_subnets``, ``private_subnets`` and
    ``isolated_subnets``, unless the selection names their zone in
    ``availability_zones`` (or passes them in ``subnets``): most services that take a
    subnet selection (interface endpoints, Fargate, RDS) are not offered there.

    Raises:
        ConstructArgumentError: ``select_subnets`` names a group that does not exist, or uses
            ``subnet_filters`` (not supported).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.CfnVPC,
        subnets: Sequence[SubnetRecord],
        availability_zones: Sequence[str],
        internet_connectivity: IDependable | None = None,
        security_groups: Callable[[str], ec2.ISecurityGroup] | None = None,
    ) -> None:
        super().__init__(scope, id)
        self._security_groups = security_groups
        self._vpc = vpc
        self._subnets = list(subnets)
        self._availability_zones = list(availability_zones)
        self._connectivity = DependencyGroup()
        if internet_connectivity is not None:
            self._connectivity.add(internet_connectivity)

    # IVpc attributes
    @property
    def vpc_id(self) -> str:
        return self._vpc.ref

    @property
    def vpc_arn(self) -> str:
        return cdk.Stack.of(self).format_arn(
            service="ec2", resource="vpc", resource_name=self.vpc_id
        )

    @property
    def vpc_ref(self) -> ec2_refs.VPCReference:
        return ec2_refs.VPCReference(vpc_id=self.vpc_id)

    @property
    def vpc_cidr_block(self) -> str:
        return self._vpc.attr_cidr_block

    @property
    def availability_zones(self) -> list[str]:
        return list(self._availability_zones)

    @property
    def public_subnets(self) -> list[ec2.ISubnet]:
        return self._of_type(ec2.SubnetType.PUBLIC)

    @property
    def private_subnets(self) -> list[ec2.ISubnet]:
        return self._of_type(ec2.SubnetType.PRIVATE_WITH_EGRESS)

    @property
    def isolated_subnets(self) -> list[ec2.ISubnet]:
        return self._of_type(ec2.SubnetType.PRIVATE_ISOLATED)

    @property
    def vpn_gateway_id(self) -> str | None:
        return None

    @property
    def internet_connectivity_established(self) -> IDependable:
        return self._connectivity

    def security_group(self, name: str) -> ec2.ISecurityGroup:
        """The VPC's security group ``name``, as ``NetworkVpc.security_group`` gives it."""
        if self._security_groups is None:
            raise ConstructArgumentError(self.node.path, "this VPC has no named security groups")
        return self._security_groups(name)

    # IVpc methods
    def select_subnets(
        self,
        *,
        availability_zones: Sequence[str] | None = None,
        one_per_az: bool | None = None,
        subnet_filters: Sequence[ec2.SubnetFilter] | None = None,
        subnet_group_name: str | None = None,
        subnet_type: ec2.SubnetType | None = None,
        subnets: Sequence[ec2.ISubnet] | None = None,
    ) -> ec2.SelectedSubnets:
        if subnet_filters:
            raise ConstructArgumentError(
                self.node.path, "subnet_filters are not supported; select by group"
            )
        asked_zones = set(availability_zones or ())
        if subnets is not None:
            chosen = list(subnets)
        elif subnet_group_name is None and subnet_type is None:
            chosen = self._default_selection(asked_zones)
        else:
            matching = [
                record
                for record in self._subnets
                if (subnet_group_name is None or record.group == subnet_group_name)
                and (subnet_type is None or record.subnet_type == subnet_type)
            ]
            known_groups = {record.group for record in self._subnets}
            if subnet_group_name is not None and subnet_group_name not in known_groups:
                known = ", ".join(sorted(known_groups))
                raise ConstructArgumentError(
                    self.node.path, f"no subnet group named {subnet_group_name!r}; known: {known}"
                )
            if subnet_type is not None and not matching:
                # As ec2.Vpc does: an empty selection would give a resource no subnet.
                groups = ", ".join(
                    sorted({f"{r.group} ({r.subnet_type.name})" for r in self._subnets})
                )
                raise ConstructArgumentError(
                    self.node.path,
                    f"no subnet of type {subnet_type.name}"
                    + (f" in group {subnet_group_name!r}" if subnet_group_name else "")
                    + f"; the groups here: {groups} (a private group is PRIVATE_WITH_EGRESS "
                    "only with a route to 0.0.0.0/0)",
                )
            chosen = [r.subnet for r in matching if _selectable(r, asked_zones)]
        if availability_zones is not None:
            chosen = [s for s in chosen if s.availability_zone in availability_zones]
        if one_per_az:
            first_per_zone: dict[str, ec2.ISubnet] = {}
            for subnet in chosen:
                first_per_zone.setdefault(subnet.availability_zone, subnet)
            chosen = list(first_per_zone.values())
        public_ids = {s.node.path for s in self.public_subnets}
        # As ec2.Vpc: what is placed in the subnets waits for their routes out (to the
        # internet gateway, a NAT gateway, or a default route elsewhere).
        connectivity = DependencyGroup()
        for subnet in chosen:
            connectivity.add(subnet.internet_connectivity_established)
        return ec2.SelectedSubnets(
            availability_zones=[s.availability_zone for s in chosen],
            has_public=any(s.node.path in public_ids for s in chosen),
            internet_connectivity_established=connectivity,
            subnet_ids=[s.subnet_id for s in chosen],
            subnets=chosen,
            is_pending_lookup=False,
        )

    def add_gateway_endpoint(self, id: str, **options: Any) -> ec2.GatewayVpcEndpoint:
        return ec2.GatewayVpcEndpoint(self, id, vpc=self, **options)

    def add_interface_endpoint(self, id: str, **options: Any) -> ec2.InterfaceVpcEndpoint:
        return ec2.InterfaceVpcEndpoint(self, id, vpc=self, **options)

    def add_flow_log(self, id: str, **options: Any) -> ec2.FlowLog:
        return ec2.FlowLog(
            self, id, resource_type=ec2.FlowLogResourceType.from_vpc(self), **options
        )

    def add_client_vpn_endpoint(self, id: str, **options: Any) -> ec2.ClientVpnEndpoint:
        return ec2.ClientVpnEndpoint(self, id, vpc=self, **options)

    def add_vpn_connection(self, id: str, **options: Any) -> ec2.VpnConnection:
        raise NotImplementedError(f"{self.node.path}: VPN connections are not supported yet")

    def enable_vpn_gateway(self, **options: Any) -> None:
        raise NotImplementedError(f"{self.node.path}: VPN gateways are not supported yet")

    # helpers
    def _of_type(
        self, subnet_type: ec2.SubnetType, asked_zones: frozenset[str] | set[str] = frozenset()
    ) -> list[ec2.ISubnet]:
        return [
            r.subnet
            for r in self._subnets
            if r.subnet_type == subnet_type and _selectable(r, asked_zones)
        ]

    @property
    def local_zone_subnets(self) -> list[ec2.ISubnet]:
        """Every Local Zone subnet (left out of ``public_subnets``, ``private_subnets``,
        ``isolated_subnets`` and of selections that do not name its zone)."""
        return [r.subnet for r in self._subnets if r.local_zone]

    def _default_selection(self, asked_zones: set[str]) -> list[ec2.ISubnet]:
        # Like ec2.Vpc: private subnets first, then isolated, then public.
        for subnet_type in (
            ec2.SubnetType.PRIVATE_WITH_EGRESS,
            ec2.SubnetType.PRIVATE_ISOLATED,
            ec2.SubnetType.PUBLIC,
        ):
            chosen = self._of_type(subnet_type, asked_zones)
            if chosen:
                return chosen
        return []


def _selectable(record: SubnetRecord, asked_zones: set[str] | frozenset[str]) -> bool:
    """A Local Zone subnet is selected only when the selection names its zone: interface
    endpoints, Fargate and most managed services are not offered in Local Zones."""
    return not record.local_zone or record.subnet.availability_zone in asked_zones
