"""A Transit Gateway hub: the gateway, one route table per segment, and its RAM share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ram as ram
from constructs import Construct, IConstruct

from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.inline_function import allow_one_more, inline_function
from multivpc.constructs.network_vpc import NetworkVpc
from multivpc.constructs.routing import Router, RouteSpec
from multivpc.vocabulary import duplicates

ASSOCIATION_HANDLER = Path(__file__).with_name("association_handler.py")
"""The association function's code, inlined into the template."""
ASSOCIATION_TYPE = "Custom::TransitGatewayAssociation"


class TransitGatewayHub(Construct):
    """A Transit Gateway whose default route-table association and propagation are off, so
    nothing flows that a segment route table does not say.

    Args:
        segments: one route table per segment name (construct ID ``Segment-<name>``).
        amazon_side_asn: the private ASN. Default 64512.
        description: the gateway's description. Default: the construct path.
        share_principals: account ids and organization / OU ARNs to share with through
            RAM. Default: none (no share).
        allow_external_principals: the share may reach accounts outside the organization.
            Default False.
        auto_accept_shared_attachments: attachments from accounts the share reaches are
            accepted without a manual step (the share decides who may attach). Default:
            True when there is a share.

    Raises:
        ConstructArgumentError: no segment, or a segment named twice.
    """

    transit_gateway: ec2.CfnTransitGateway
    """The gateway."""
    route_tables: dict[str, ec2.CfnTransitGatewayRouteTable]
    """The route table of each segment."""
    resource_share: ram.CfnResourceShare | None
    """The RAM share, when there are principals."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        segments: Sequence[str],
        amazon_side_asn: int = 64512,
        description: str | None = None,
        share_principals: Sequence[str] = (),
        allow_external_principals: bool = False,
        auto_accept_shared_attachments: bool | None = None,
    ) -> None:
        super().__init__(scope, id)
        if not segments or len(set(segments)) != len(segments):
            raise ConstructArgumentError(
                self.node.path, "give at least one segment, each name once"
            )
        auto_accept = (
            bool(share_principals)
            if auto_accept_shared_attachments is None
            else auto_accept_shared_attachments
        )
        self.transit_gateway = ec2.CfnTransitGateway(
            self,
            "Resource",
            amazon_side_asn=amazon_side_asn,
            description=description or f"multivpc {self.node.path}",
            default_route_table_association="disable",
            default_route_table_propagation="disable",
            auto_accept_shared_attachments="enable" if auto_accept else "disable",
            dns_support="enable",
            vpn_ecmp_support="enable",
        )
        self.route_tables = {
            name: ec2.CfnTransitGatewayRouteTable(
                self, f"Segment-{name}", transit_gateway_id=self.transit_gateway.ref
            )
            for name in segments
        }
        self.resource_share = None
        if share_principals:
            self.resource_share = ram.CfnResourceShare(
                self,
                "Share",
                name=f"{self.node.path.replace('/', '-')}",
                resource_arns=[self.transit_gateway_arn],
                principals=list(share_principals),
                allow_external_principals=allow_external_principals,
            )

    @property
    def transit_gateway_id(self) -> str:
        return self.transit_gateway.ref

    @property
    def transit_gateway_arn(self) -> str:
        from aws_cdk import Stack

        return Stack.of(self).format_arn(
            service="ec2", resource="transit-gateway", resource_name=self.transit_gateway.ref
        )


class TransitGatewayVpcAttachment(Construct):
    """A VPC's attachment to a Transit Gateway (possibly of another account).

    Uses ``AWS::EC2::TransitGatewayAttachment``, which changes its subnets in place (adding
    an Availability Zone does not replace the attachment).

    Args:
        transit_gateway_id: the gateway.
        network: the ``NetworkVpc`` to attach, with ``subnet_group``: the group whose
            subnets (one per Availability Zone) hold the attachment. Every route of
            ``network`` to this gateway, given to it before or added later with
            ``add_route``, waits for the attachment (AWS refuses a route to a gateway
            the VPC is not attached to yet).
        zones: with ``network``, the Availability Zones served, in this order. Default:
            every Availability Zone of ``subnet_group``.
        vpc_id, subnet_ids: instead of ``network`` and ``subnet_group``, the VPC and one
            subnet per Availability Zone served, by id.
        appliance_mode: keep each flow in one Availability Zone. Default False.

    Raises:
        ConstructArgumentError: neither or both ways of naming the VPC, an unknown or
            empty group, or no subnets.
    """

    attachment: ec2.CfnTransitGatewayAttachment
    """The attachment."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        transit_gateway_id: str,
        network: NetworkVpc | None = None,
        subnet_group: str | None = None,
        zones: Sequence[str] | None = None,
        vpc_id: str | None = None,
        subnet_ids: Sequence[str] | None = None,
        appliance_mode: bool = False,
    ) -> None:
        super().__init__(scope, id)
        self._transit_gateway_id = transit_gateway_id
        self._network = network
        if (network is None) == (vpc_id is None) or (network is None) != (subnet_group is None):
            raise ConstructArgumentError(
                self.node.path,
                "give network and subnet_group, or vpc_id and subnet_ids",
            )
        if network is not None:
            assert subnet_group is not None
            vpc_id = network.cfn_vpc.ref
            try:
                subnets = network.zone_subnets(subnet_group, zones)
            except ConstructArgumentError as error:
                raise ConstructArgumentError(self.node.path, error.problem) from None
            subnet_ids = [subnet.subnet_id for subnet in subnets]
        if not subnet_ids:
            raise ConstructArgumentError(self.node.path, "an attachment needs subnets")
        self.attachment = ec2.CfnTransitGatewayAttachment(
            self,
            "Resource",
            transit_gateway_id=transit_gateway_id,
            vpc_id=vpc_id,  # type: ignore[arg-type]  # set above in either form
            subnet_ids=list(subnet_ids),
            options={
                "ApplianceModeSupport": "enable" if appliance_mode else "disable",
                "DnsSupport": "enable",
            },
        )
        if network is not None:
            for route in network.routes_to(self._router()):
                route.node.add_dependency(self.attachment)

    @property
    def attachment_id(self) -> str:
        return self.attachment.ref

    def _router(self) -> Router:
        return Router(ec2.RouterType.TRANSIT_GATEWAY, self._transit_gateway_id)

    def add_route(
        self, *, group: str, zone: str, destination: str, id: str = "DefaultRoute"
    ) -> ec2.CfnRoute:
        """A route of the attached ``network``'s subnet ``group``/``zone`` to the gateway,
        created after the attachment; ``id`` names it, as for ``RouteSpec`` (give every
        route but a subnet's default route its own)."""
        if self._network is None:
            raise ConstructArgumentError(
                self.node.path, "add_route needs the attachment to be given a network"
            )
        route = self._network.add_route(RouteSpec(group, zone, destination, self._router(), id))
        route.node.add_dependency(self.attachment)
        return route


class TransitGatewayAssociation(Construct):
    """An attachment's association with a Transit Gateway route table, that moves in place.

    ``AWS::EC2::TransitGatewayRouteTableAssociation`` replaces itself when its route table
    changes, creating the new association first, which fails: an attachment holds one at a
    time. This custom resource instead disassociates from the old table and associates
    with the new one in one update (traffic of the attachment pauses in between), so a
    spoke moves to another segment in one deploy. A function per stack (code inlined,
    on the stack's SDK-call role) makes the calls and waits for each state. It may
    (dis)associate ``route_table_ids`` and the stack's attachments, each by ARN in the
    stack's account (``allow_one_more``): the association waits for the policy naming its
    attachment.

    Args:
        attachment_id: the attachment.
        route_table_id: the route table.
        route_table_ids: every route table the stack's associations may use (a move
            disassociates from the old one): the function may (dis)associate with these
            only. Default: ``route_table_id`` alone.
    """

    resource: cdk.CustomResource
    """The association."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        attachment_id: str,
        route_table_id: str,
        route_table_ids: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        actions = [
            "ec2:AssociateTransitGatewayRouteTable",
            "ec2:DisassociateTransitGatewayRouteTable",
        ]
        function = inline_function(
            stack,
            "AssociationFunction",
            source=ASSOCIATION_HANDLER,
            description="associates Transit Gateway attachments with route tables, moving "
            "an association in place",
            statements=[
                iam.PolicyStatement(
                    actions=actions,
                    resources=[
                        stack.format_arn(
                            service="ec2", resource="transit-gateway-route-table", resource_name=t
                        )
                        for t in (route_table_ids or [route_table_id])
                    ],
                ),
                iam.PolicyStatement(
                    actions=["ec2:DescribeTransitGatewayAttachments"], resources=["*"]
                ),
            ],
            wildcard_reason="ec2:DescribeTransitGatewayAttachments supports no resource-level "
            "permission.",
        )
        # The attachment by its id, in this (the gateway owner's) account: AWS lets only
        # the gateway's owner run the attachment APIs on a shared gateway's attachments.
        attachments = allow_one_more(
            stack,
            "AssociationAttachments",
            actions=actions,
            resource=stack.format_arn(
                service="ec2", resource="transit-gateway-attachment", resource_name=attachment_id
            ),
            description="The attachments the association function may (dis)associate",
        )
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=function.function_arn,
            resource_type=ASSOCIATION_TYPE,
            properties={"AttachmentId": attachment_id, "RouteTableId": route_table_id},
        )
        self.resource.node.add_dependency(attachments)


@dataclass(frozen=True)
class SegmentAttachment:
    """An attachment as a member of a segment.

    Args:
        name: names the constructs made for it (``<name>-Association``,
            ``<name>-Propagation-<segment>``); a VPC's name, for example.
        attachment_id: the Transit Gateway attachment (VPC or peering) id.
        segment: the segment whose route table it is associated with.
        propagates_to: the segments whose route tables learn its routes. Default none.
    """

    name: str
    attachment_id: str
    segment: str
    propagates_to: Sequence[str] = ()


@dataclass(frozen=True)
class SegmentRoute:
    """A static route in a segment's route table.

    Args:
        id: names the route (``Route-<id>``): keep it when the route changes.
        segment: the segment whose route table holds it.
        cidr: the destination.
        attachment: the ``SegmentAttachment.name`` it goes to; None: a blackhole.
    """

    id: str
    segment: str
    cidr: str
    attachment: str | None = None


class SegmentRouting(Construct):
    """What segment intent means in a Transit Gateway's route tables: associations (that
    move in place, see ``TransitGatewayAssociation``), propagations and static routes.

    Args:
        hub: the ``TransitGatewayHub`` whose segment route tables these are (in the same
            stack as this construct, or a stack this one may reference).
        route_tables: instead of ``hub``, the route table id of each segment (ids another
            account's stack published, for example).
        attachments: the ``SegmentAttachment`` of each attachment.
        routes: the ``SegmentRoute`` static routes. Default none.

    Raises:
        ConstructArgumentError: neither or both of ``hub`` and ``route_tables``, a record
            of another type (such as a tuple of an earlier release), a segment or
            attachment that is not given, a name given twice.
    """

    associations: dict[str, TransitGatewayAssociation]
    propagations: dict[tuple[str, str], ec2.CfnTransitGatewayRouteTablePropagation]
    routes: dict[str, ec2.CfnTransitGatewayRoute]

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        hub: TransitGatewayHub | None = None,
        route_tables: Mapping[str, str] | None = None,
        attachments: Sequence[SegmentAttachment],
        routes: Sequence[SegmentRoute] = (),
    ) -> None:
        super().__init__(scope, id)
        if (hub is None) == (route_tables is None):
            raise ConstructArgumentError(self.node.path, "give either hub or route_tables")
        if hub is not None:
            route_tables = {name: table.ref for name, table in hub.route_tables.items()}
        assert route_tables is not None
        _check_segment_routing(self.node.path, route_tables, attachments, routes)
        _check_stack_layout(self, attachments)
        ids = {a.name: a.attachment_id for a in attachments}
        self.associations = {}
        self.propagations = {}
        for attachment in attachments:
            name = attachment.name
            self.associations[name] = TransitGatewayAssociation(
                self,
                f"{name}-Association",
                attachment_id=attachment.attachment_id,
                route_table_id=route_tables[attachment.segment],
                route_table_ids=[route_tables[s] for s in sorted(route_tables)],
            )
            for table in attachment.propagates_to:
                self.propagations[(name, table)] = ec2.CfnTransitGatewayRouteTablePropagation(
                    self,
                    f"{name}-Propagation-{table}",
                    transit_gateway_attachment_id=attachment.attachment_id,
                    transit_gateway_route_table_id=route_tables[table],
                )
        self.routes = {}
        for route in routes:
            target = route.attachment
            self.routes[route.id] = ec2.CfnTransitGatewayRoute(
                self,
                f"Route-{route.id}",
                transit_gateway_route_table_id=route_tables[route.segment],
                destination_cidr_block=route.cidr,
                blackhole=True if target is None else None,
                transit_gateway_attachment_id=None if target is None else ids[target],
            )


def _references(value: str) -> list[IConstruct]:
    """The constructs whose attributes ``value`` references (none for a literal)."""
    if not cdk.Token.is_unresolved(value):
        return []
    return [
        token.target
        for token in cdk.Tokenization.reverse_string(value).tokens
        if isinstance(token, cdk.Reference)
    ]


def _check_stack_layout(routing: Construct, attachments: Sequence[SegmentAttachment]) -> None:
    """Refuse the layout CDK would refuse at synth with a cyclic reference: an attachment
    in another stack that takes the gateway's id from this construct's stack (this stack
    needs its attachment id, that stack needs this one's gateway id)."""
    here = cdk.Stack.of(routing).node.path
    for attachment in attachments:
        for resource in _references(attachment.attachment_id):
            there = cdk.Stack.of(resource)
            gateway_id = getattr(resource, "transit_gateway_id", None)
            if there.node.path == here or not isinstance(gateway_id, str):
                continue
            if any(cdk.Stack.of(r).node.path == here for r in _references(gateway_id)):
                raise ConstructArgumentError(
                    routing.node.path,
                    f"attachment {attachment.name} is in stack {there.stack_name}, which takes "
                    f"the Transit Gateway's id from stack {cdk.Stack.of(routing).stack_name}, "
                    "where this SegmentRouting is: each stack would wait for the other. Build "
                    "the SegmentRouting in a stack of its own, after the spokes' stacks "
                    "(SegmentRouting(routing_stack, ..., hub=hub)), or the spokes in the hub's "
                    "stack",
                )


def _check_segment_routing(
    path: str,
    route_tables: Mapping[str, str],
    attachments: Sequence[SegmentAttachment],
    routes: Sequence[SegmentRoute],
) -> None:
    for given, kind in ((attachments, SegmentAttachment), (routes, SegmentRoute)):
        for item in given:
            if not isinstance(item, kind):
                raise ConstructArgumentError(
                    path, f"{item!r} is not a {kind.__name__}; build one by keyword"
                )
    names = [a.name for a in attachments]
    repeated = duplicates(names)
    if repeated:
        raise ConstructArgumentError(path, f"attachment {repeated[0]} is given twice")
    for attachment in attachments:
        for table in (attachment.segment, *attachment.propagates_to):
            if table not in route_tables:
                known = ", ".join(sorted(route_tables))
                raise ConstructArgumentError(
                    path, f"{attachment.name}: no segment {table}; known: {known}"
                )
    for route in routes:
        if route.segment not in route_tables or (
            route.attachment is not None and route.attachment not in names
        ):
            raise ConstructArgumentError(path, f"route {route.id}: unknown segment or attachment")
