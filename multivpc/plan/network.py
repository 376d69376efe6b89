"""NetworkPlan: what the stacks build, derived from a checked topology.

The plan holds no resources; it answers every question a stack would otherwise have to
decide: which stacks exist (role, account, region, dependencies), which subnets with which
CIDRs in which zones, where each gateway goes, and every route of every route table with
its target. Stacks only translate it into construct calls.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from multivpc.config.models import FlowLogs
from multivpc.plan.endpoints import EndpointsPlan
from multivpc.plan.security_groups import SecurityGroupPlan
from multivpc.topology import PlacedSubnet
from multivpc.vocabulary import NagPack

StackRole = Literal[
    "vpc",
    "hub",
    "routing",
    "tgw-peering",
    "tgw-peering-accepter",
    "tgw-peering-routing",
    "vpc-peering-accepter",
    "vpc-peering",
    "vpc-peering-routes",
]
"""vpc: one VPC and what belongs to it, its Transit Gateway attachment included. hub: a
Transit Gateway, its segment route tables and its RAM share, in the owner's account.
routing: the segment intent of a Transit Gateway (associations, propagations, static
routes), deployed after the spokes whose attachments it routes. tgw-peering: a Transit
Gateway peering attachment, in the requester's account and region. tgw-peering-accepter: its
acceptance, association and static routes on the accepter's side. tgw-peering-routing: its
association and static routes on the requester's side, once accepted. vpc-peering-accepter:
what the requester of a VPC peering needs from the accepter's account and region before it
asks (the accepter VPC's id and, across accounts, the role that accepts). vpc-peering: the
VPC peering connection and the requester's routes (and, in one account and region, the
accepter's). vpc-peering-routes: the accepter's routes once the connection exists."""

TargetKind = Literal["internet-gateway", "nat-gateway", "transit-gateway", "vpc-peering"]
"""What a route points at. Transit Gateway, peering and endpoint targets come with their
features; each is a kind here, never a branch in a construct."""


class AvailabilityZonePlan(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["availability"] = "availability"
    name: str


class LocalZonePlan(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["local"] = "local"
    name: str


ZonePlan = Annotated[AvailabilityZonePlan | LocalZonePlan, Field(discriminator="kind")]


@dataclass(frozen=True)
class NatGatewayPlan:
    """A NAT gateway in ``zone``, inside the subnet of public group ``subnet_group`` there."""

    zone: str
    subnet_group: str


@dataclass(frozen=True)
class RoutePlan:
    """One route in the route table of subnet (``group``, ``zone``).

    ``id`` is the route's construct ID inside that route table; ``target_name`` names the
    target among its kind (the zone of a NAT gateway; empty for the internet gateway).
    """

    group: str
    zone: str
    id: str
    destination: ipaddress.IPv4Network
    target_kind: TargetKind
    target_name: str = ""


def identity_version(*parts: object) -> str:
    """A short, stable digest of ``parts``: what identifies a resource that publishes an
    id (see ``SharedId.version``). The same parts give the same digest in every run."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def vpc_version(account_id: str, region: str, cidr: ipaddress.IPv4Network | None) -> str:
    """What identifies a VPC: AWS::EC2::VPC's create-only CidrBlock, where it lives."""
    return identity_version("vpc", account_id, region, str(cidr))


@dataclass(frozen=True)
class SharedId:
    """An id published as an SSM parameter in its owner's account, readable from other
    accounts by assuming ``reader_role`` there (the mechanism is in the README)."""

    parameter: str
    account_id: str
    region: str
    reader_role: str
    """The role other accounts assume to read it; empty when only its own account and
    region read it (through a CloudFormation parameter of an SSM parameter type)."""
    version: str = ""
    """A digest of what identifies the owner's resource: its create-only properties and
    those of what it references (``identity_version``). It changes exactly when the owner
    replaces the resource, so a reader that carries it reads the new id in that deploy."""
    readers: tuple[tuple[str, str], ...] = ()
    """(account id, role name) of each SDK-call role that reads it through ``reader_role``
    (``vocabulary.sdk_role_name`` of the reading stack): the reader role trusts exactly
    these."""


@dataclass(frozen=True)
class AttachmentPlan:
    """A VPC's Transit Gateway attachment, built in the VPC's stack."""

    transit_gateway: str
    transit_gateway_stack: str
    segment: str
    subnet_group: str
    zones: tuple[str, ...]
    appliance_mode: bool
    cross_account: bool
    """The VPC's account differs from the Transit Gateway's: ids travel as ``SharedId``s."""
    transit_gateway_id: SharedId
    attachment_id: SharedId
    reader_accounts: tuple[str, ...]
    """Accounts allowed to read ``attachment_id`` (the Transit Gateway owner's, if other)."""


@dataclass(frozen=True)
class SegmentRoutePlan:
    """A static route (to ``vpc``'s attachment) or a blackhole in a segment's route table."""

    segment: str
    cidr: ipaddress.IPv4Network
    vpc: str | None
    id: str
    routing_stack: str = ""
    """The routing stack that holds the route: its VPC's, or for a blackhole the shard of
    its id."""

    @property
    def blackhole(self) -> bool:
        return self.vpc is None


@dataclass(frozen=True)
class AttachmentRoutingPlan:
    """Where one attachment is associated and what it propagates into; in which stack."""

    vpc: str
    vpc_stack: str
    segment: str
    propagates_into: tuple[str, ...]
    cross_account: bool
    attachment_id: SharedId
    routing_stack: str


@dataclass(frozen=True)
class TransitGatewayPlan:
    name: str
    stack_name: str
    account_id: str
    region: str
    amazon_side_asn: int
    share_principals: tuple[str, ...]
    """Account ids and organization / OU ARNs the RAM share names."""
    allow_external_principals: bool
    segments: tuple[str, ...]
    routes: tuple[SegmentRoutePlan, ...]
    attachments: tuple[AttachmentRoutingPlan, ...]
    routing_stacks: tuple[str, ...]
    id_parameter: SharedId
    reader_accounts: tuple[str, ...]
    """Accounts allowed to read the Transit Gateway's id (spoke accounts other than its own)."""
    route_table_ids: dict[str, SharedId]
    """Each segment's route table id, published for the routing stacks of the gateway's
    own account and region (no reader role)."""

    def attachment(self, vpc: str) -> AttachmentRoutingPlan:
        return next(a for a in self.attachments if a.vpc == vpc)


@dataclass(frozen=True)
class TransitGatewayPeeringRoutePlan:
    """A static route to the peering attachment in one segment's route table."""

    segment: str
    cidr: ipaddress.IPv4Network
    id: str
    """The route's construct ID: ``<segment>-<peer VPC>`` or ``<segment>-<cidr id>``."""


@dataclass(frozen=True)
class PeeringSidePlan:
    """Where one side of a peering (of either kind) is."""

    account_id: str
    region: str


@dataclass(frozen=True)
class TransitGatewayPeeringSidePlan(PeeringSidePlan):
    transit_gateway: str
    hub_stack: str
    segment: str
    """The segment whose route table the peering attachment is associated with."""
    routes: tuple[TransitGatewayPeeringRoutePlan, ...]


SideT = TypeVar("SideT", bound=PeeringSidePlan)


@dataclass(frozen=True)
class PeeringPlan(Generic[SideT]):
    """What the two kinds of peering (Transit Gateway, VPC) share: a name, the requester
    (it creates the peering attachment or connection) and the accepter, and where they
    are. In one account and region (``same_place``) ids are plain references; otherwise
    the accepter's resource id and the attachment's or connection's id cross as
    ``SharedId``s, and the accepter side's work waits in a stack of its own."""

    name: str
    requester: SideT
    accepter: SideT

    @property
    def sides(self) -> tuple[SideT, SideT]:
        return (self.requester, self.accepter)

    @property
    def same_place(self) -> bool:
        """Both sides in one account and region."""
        return (self.requester.account_id, self.requester.region) == (
            self.accepter.account_id,
            self.accepter.region,
        )

    @property
    def cross_account(self) -> bool:
        return self.requester.account_id != self.accepter.account_id


@dataclass(frozen=True)
class TransitGatewayPeeringPlan(PeeringPlan[TransitGatewayPeeringSidePlan]):
    """A peering between two Transit Gateways, over three stacks: the attachment
    (requester), the acceptance with the accepter's routing, the requester's routing."""

    attachment_stack: str
    accepter_stack: str
    requester_routing_stack: str
    transit_gateway_id: SharedId
    """The requester's gateway id, read by the attachment stack (same account and region)."""
    peer_transit_gateway_id: SharedId
    """The accepter's gateway id, read by the attachment stack."""
    attachment_id: SharedId
    """The peering attachment's id, read by the accepter's stack and the requester's
    routing stack."""


@dataclass(frozen=True)
class VpcPeeringSidePlan(PeeringSidePlan):
    """One VPC of a VPC peering, with the routes its route tables send to the peer
    (``RoutePlan``s of target kind ``vpc-peering``, ``target_name`` the peering)."""

    vpc: str
    vpc_stack: str
    routes: tuple[RoutePlan, ...]


@dataclass(frozen=True)
class VpcPeeringPlan(PeeringPlan[VpcPeeringSidePlan]):
    """A VPC peering connection. In one account and region: one stack (``connection_stack``)
    with the connection and both sides' routes, plain references. Otherwise three, in
    deploy order: ``accepter_stack`` (accepter's account and region: the accepter VPC's id
    published for the requester, and across accounts ``peer_role``), ``connection_stack``
    (requester's: the connection with PeerOwnerId/PeerRegion/PeerRoleArn, the requester's
    routes, the connection id published for the accepter), ``accepter_routes_stack``."""

    connection_stack: str
    accepter_stack: str
    accepter_routes_stack: str
    peer_role: str | None
    """The accepter account's role the requester assumes to accept (cross-account only)."""
    accepter_vpc_id: SharedId
    """The accepter VPC's id, read by the connection stack when not ``same_place``."""
    connection_id: SharedId
    """The connection's id, read by the accepter's routes stack when not ``same_place``."""
    requester_vpc_id: SharedId | None = None
    """Across accounts: the requester VPC's id, published by the requester's VPC stack and
    read by ``accepter_stack``, whose accept role may accept connections from that VPC
    only (``ec2:RequesterVpc``)."""
    dns_resolution: bool = False
    """Each side's ``AllowDnsResolutionFromRemoteVpc``, set by its own account and region:
    the connection stack sets the requester's (in one account and region, both), the
    accepter's routes stack the accepter's."""


@dataclass(frozen=True)
class VpcPlan:
    name: str
    stack_name: str
    account_id: str
    region: str
    cidr: ipaddress.IPv4Network
    zones: tuple[ZonePlan, ...]
    subnets: tuple[PlacedSubnet, ...]
    nat_gateways: tuple[NatGatewayPlan, ...]
    internet_gateway: bool
    routes: tuple[RoutePlan, ...]
    flow_logs: FlowLogs
    flow_log_group_name: str
    parameter_prefix: str
    """Where the VPC's ids are published as SSM parameters (``/multivpc/<network>/<vpc>``)."""
    dns_support: bool
    dns_hostnames: bool
    attachment: AttachmentPlan | None = None
    tags: dict[str, str] = field(default_factory=dict)
    """Tags on every resource of the VPC's stack."""
    group_tags: dict[str, dict[str, str]] = field(default_factory=dict)
    """Tags on every resource of a group's subnets, by group."""
    endpoints: EndpointsPlan | None = None
    """The VPC's own endpoints to AWS services, if it asks for any."""
    security_groups: tuple[SecurityGroupPlan, ...] = ()
    """The VPC's named security groups, in config order."""
    shared_vpc_ids: tuple[SharedId, ...] = ()
    """The VPC's id, published for stacks of other accounts: for the accepter of each VPC
    peering across accounts that this VPC requests (``VpcPeeringPlan.requester_vpc_id``)."""

    def routes_of(self, group: str, zone: str) -> tuple[RoutePlan, ...]:
        return tuple(r for r in self.routes if r.group == group and r.zone == zone)


@dataclass(frozen=True)
class StackPlan:
    """One CloudFormation stack: its role, where it deploys, what it holds, what it waits for.

    ``vpcs`` names the VPC of a vpc stack, or the attachments a routing stack routes;
    ``transit_gateway`` names the Transit Gateway of a hub or routing stack;
    ``transit_gateway_peering`` the Transit Gateway peering of a tgw-peering* stack;
    ``vpc_peering`` the VPC peering of a vpc-peering* stack.
    """

    name: str
    role: StackRole
    account_id: str
    region: str
    vpcs: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    transit_gateway: str | None = None
    transit_gateway_peering: str | None = None
    vpc_peering: str | None = None


@dataclass(frozen=True)
class NetworkPlan:
    name: str
    stacks: tuple[StackPlan, ...]
    vpcs: tuple[VpcPlan, ...]
    nag_packs: tuple[NagPack, ...] = ()
    """cdk-nag compliance packs to run besides AwsSolutions."""
    transit_gateways: tuple[TransitGatewayPlan, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    """Tags on every resource of every stack."""
    transit_gateway_peerings: tuple[TransitGatewayPeeringPlan, ...] = ()
    vpc_peerings: tuple[VpcPeeringPlan, ...] = ()

    @cached_property
    def _vpcs_by_name(self) -> dict[str, VpcPlan]:
        return {vpc.name: vpc for vpc in self.vpcs}

    def vpc_peering(self, name: str) -> VpcPeeringPlan:
        for peering in self.vpc_peerings:
            if peering.name == name:
                return peering
        raise KeyError(f"no VPC peering named {name} in the plan")

    def transit_gateway_peering(self, name: str) -> TransitGatewayPeeringPlan:
        for peering in self.transit_gateway_peerings:
            if peering.name == name:
                return peering
        raise KeyError(f"no Transit Gateway peering named {name} in the plan")

    def transit_gateway(self, name: str) -> TransitGatewayPlan:
        for tgw in self.transit_gateways:
            if tgw.name == name:
                return tgw
        raise KeyError(f"no Transit Gateway named {name} in the plan")

    def vpc(self, name: str) -> VpcPlan:
        try:
            return self._vpcs_by_name[name]
        except KeyError:
            raise KeyError(f"no VPC named {name} in the plan") from None
