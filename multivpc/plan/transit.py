"""Planning Transit Gateways: hub and routing stacks, attachments, segment routes, and the
VPC-side routes that segment intent implies."""

from __future__ import annotations

import dataclasses
import ipaddress
import zlib
from dataclasses import dataclass

from multivpc.config.lockfile import RoutingShards
from multivpc.config.models import NetworkConfig, TransitGateway
from multivpc.plan.network import (
    AttachmentPlan,
    AttachmentRoutingPlan,
    RoutePlan,
    SegmentRoutePlan,
    SharedId,
    TransitGatewayPeeringPlan,
    TransitGatewayPeeringRoutePlan,
    TransitGatewayPeeringSidePlan,
    TransitGatewayPlan,
    identity_version,
    vpc_version,
)
from multivpc.topology import (
    PlacedSubnet,
    Topology,
    TransitGatewayPeeringEnd,
    TransitGatewayPeeringTopology,
    TransitTopology,
)
from multivpc.topology.shards import route_key
from multivpc.vocabulary import cidr_id, sdk_role_name


def hub_stack_name(network: str, tgw: str) -> str:
    return f"{network}-tgw-{tgw}"


def routing_stack_name(network: str, tgw: str, shard: int) -> str:
    """Shard 0 is ``<network>-tgw-<tgw>-routing``, shard N ``...-routing-N`` (see
    ``multivpc.topology.shards``)."""
    base = f"{network}-tgw-{tgw}-routing"
    return base if shard == 0 else f"{base}-{shard}"


def peering_stack_names(network: str, peering: str) -> tuple[str, str, str]:
    """The attachment, accepter and requester-routing stacks of a peering."""
    base = f"{network}-tgw-peering-{peering}"
    return base, f"{base}-accept", f"{base}-routing"


def vpc_stack_name(network: str, vpc: str) -> str:
    return f"{network}-{vpc}"


def role_name(*parts: str) -> str:
    """A deterministic IAM role name (at most 64 characters) from names."""
    name = "mvpc-" + "-".join(parts) + "-ids"
    if len(name) <= 64:
        return name
    digest = f"{zlib.crc32(name.encode()):08x}"
    return f"{name[:55]}-{digest}"


@dataclass(frozen=True)
class TransitPlans:
    transit_gateways: tuple[TransitGatewayPlan, ...]
    attachments: dict[str, AttachmentPlan]
    """By VPC name."""
    peerings: tuple[TransitGatewayPeeringPlan, ...] = ()


def plan_transit(topology: Topology) -> TransitPlans:
    config = topology.config
    tgws = []
    attachments: dict[str, AttachmentPlan] = {}
    peerings = tuple(_plan_peering(config, p) for p in topology.transit_gateway_peerings)
    for tgw in topology.transit_gateways:
        # A peering's requester reads the accepter's gateway id unless both sit together.
        peer_readers = {
            (p.requester.account_id, sdk_role_name(p.attachment_stack, p.requester.region))
            for p in peerings
            if p.accepter.transit_gateway == tgw.name and not p.same_place
        }
        planned, by_vpc = _plan_tgw(config, tgw, peer_readers, topology.routing_shards(tgw.name))
        tgws.append(planned)
        attachments.update(by_vpc)
    return TransitPlans(tuple(tgws), attachments, peerings)


def _plan_peering(
    config: NetworkConfig, peering: TransitGatewayPeeringTopology
) -> TransitGatewayPeeringPlan:
    network = config.name
    requester, accepter = (_peering_side(config, end) for end in peering.ends)
    attachment_stack, accepter_stack, routing_stack = peering_stack_names(network, peering.name)
    assert peering.requester.transit is not None and peering.accepter.transit is not None
    peer_tgw_id = _tgw_id(network, peering.accepter.transit.transit_gateway, accepter.account_id)
    own_tgw_id = _tgw_id(network, peering.requester.transit.transit_gateway, requester.account_id)
    return TransitGatewayPeeringPlan(
        name=peering.name,
        requester=requester,
        accepter=accepter,
        attachment_stack=attachment_stack,
        accepter_stack=accepter_stack,
        requester_routing_stack=routing_stack,
        transit_gateway_id=own_tgw_id,
        peer_transit_gateway_id=peer_tgw_id,
        attachment_id=SharedId(
            parameter=f"/multivpc/{network}/transit-gateway-peerings/{peering.name}/attachment-id",
            account_id=requester.account_id,
            region=requester.region,
            reader_role=role_name(network, "peering", peering.name),
            # Create-only: TransitGatewayId, PeerTransitGatewayId, PeerRegion, PeerAccountId.
            version=identity_version(
                "transit-gateway-peering", own_tgw_id.version, peer_tgw_id.version
            ),
            # The accepter's stack reads it, unless both sides sit together.
            readers=()
            if (requester.account_id, requester.region) == (accepter.account_id, accepter.region)
            else ((accepter.account_id, sdk_role_name(accepter_stack, accepter.region)),),
        ),
    )


def _peering_side(
    config: NetworkConfig, end: TransitGatewayPeeringEnd
) -> TransitGatewayPeeringSidePlan:
    assert end.transit is not None, "plan needs a checked topology"
    spec = end.transit.transit_gateway
    destinations = end.destinations()
    return TransitGatewayPeeringSidePlan(
        transit_gateway=spec.name,
        hub_stack=hub_stack_name(config.name, spec.name),
        account_id=config.accounts[spec.account],
        region=spec.region,
        segment=end.side.segment,
        routes=tuple(
            TransitGatewayPeeringRoutePlan(
                segment=segment,
                cidr=cidr,
                id=f"{segment}-{vpc if vpc is not None else cidr_id(cidr)}",
            )
            for segment in end.route_tables
            for vpc, cidr in destinations
        ),
    )


def _tgw_id(network: str, tgw: TransitGateway, account_id: str) -> SharedId:
    return SharedId(
        parameter=f"/multivpc/{network}/transit-gateways/{tgw.name}/id",
        account_id=account_id,
        region=tgw.region,
        reader_role=role_name(network, tgw.name),
        # AWS::EC2::TransitGateway: AmazonSideAsn is create-only (MulticastSupport is off).
        version=identity_version("transit-gateway", account_id, tgw.region, tgw.amazon_side_asn),
    )


def _plan_tgw(
    config: NetworkConfig,
    tgw: TransitTopology,
    peer_readers: set[tuple[str, str]],
    shards: RoutingShards,
) -> tuple[TransitGatewayPlan, dict[str, AttachmentPlan]]:
    network = config.name
    spec = tgw.transit_gateway
    assert tgw.account_id is not None, "plan needs a checked topology"
    owner = tgw.account_id
    stack = hub_stack_name(network, spec.name)
    # Spokes of other accounts read the gateway's id in their VPC stacks.
    spoke_readers = {
        (account, sdk_role_name(vpc_stack_name(network, a.vpc.name), a.vpc.region))
        for a in tgw.attachments
        if (account := config.accounts[a.vpc.account]) != owner
    }
    readers = tuple(sorted(spoke_readers | peer_readers))
    id_parameter = dataclasses.replace(_tgw_id(network, spec, owner), readers=readers)
    reader_accounts = sorted({account for account, _ in readers})

    def routing_stack(shard: int) -> str:
        return routing_stack_name(network, spec.name, shard)

    attachments: dict[str, AttachmentPlan] = {}
    routing = []
    for attachment in tgw.attachments:
        vpc = attachment.vpc
        account = config.accounts[vpc.account]
        cross = account != owner
        shard_stack = routing_stack(shards.attachments[vpc.name])
        attachment_id = SharedId(
            parameter=f"/multivpc/{network}/transit-gateways/{spec.name}/attachments/{vpc.name}",
            account_id=account,
            region=vpc.region,
            reader_role=role_name(network, vpc.name),
            # Create-only: TransitGatewayId and VpcId (subnets change in place).
            version=identity_version(
                "attachment", id_parameter.version, vpc_version(account, vpc.region, vpc.cidr)
            ),
            # The routing stack reads it when the VPC is of another account.
            readers=((owner, sdk_role_name(shard_stack, spec.region)),) if cross else (),
        )
        attachments[vpc.name] = AttachmentPlan(
            transit_gateway=spec.name,
            transit_gateway_stack=stack,
            segment=attachment.segment,
            subnet_group=attachment.subnet_group,
            zones=attachment.zones,
            appliance_mode=attachment.spec.appliance_mode,
            cross_account=cross,
            transit_gateway_id=id_parameter,
            attachment_id=attachment_id,
            reader_accounts=(owner,) if cross else (),
        )
        routing.append(
            AttachmentRoutingPlan(
                vpc=vpc.name,
                vpc_stack=vpc_stack_name(network, vpc.name),
                segment=attachment.segment,
                propagates_into=tgw.propagates_into(attachment.segment),
                cross_account=cross,
                attachment_id=attachment_id,
                routing_stack=shard_stack,
            )
        )
    routes = tuple(
        SegmentRoutePlan(
            segment=segment.name,
            cidr=route.cidr,
            vpc=route.vpc,
            id=f"{segment.name}-{cidr_id(route.cidr)}",
            routing_stack=routing_stack(
                shards.attachments.get(route.vpc, 0)
                if route.vpc is not None
                else shards.routes[route_key(segment.name, route.cidr)]
            ),
        )
        for segment in spec.segments
        for route in segment.routes
    )
    principals = tuple(config.accounts.get(p, p) for p in spec.share_with)
    planned = TransitGatewayPlan(
        name=spec.name,
        stack_name=stack,
        account_id=owner,
        region=spec.region,
        amazon_side_asn=spec.amazon_side_asn,
        share_principals=principals,
        allow_external_principals=spec.allow_external_principals,
        segments=tuple(s.name for s in spec.segments),
        routes=routes,
        attachments=tuple(routing),
        # Only shards in use are stacks (CloudFormation needs a resource).
        routing_stacks=tuple(
            routing_stack(shard)
            for shard in sorted({*shards.attachments.values(), *shards.routes.values()})
        ),
        id_parameter=id_parameter,
        reader_accounts=tuple(reader_accounts),
        route_table_ids={
            segment.name: SharedId(
                parameter=f"/multivpc/{network}/transit-gateways/{spec.name}/route-tables/"
                f"{segment.name}",
                account_id=owner,
                region=spec.region,
                reader_role="",
                # AWS::EC2::TransitGatewayRouteTable: TransitGatewayId is create-only.
                version=identity_version("route-table", id_parameter.version, segment.name),
            )
            for segment in spec.segments
        },
    )
    return planned, attachments


def transit_routes(
    topology: Topology, vpc: str, subnets: tuple[PlacedSubnet, ...]
) -> tuple[RoutePlan, ...]:
    """The routes to the Transit Gateway in the route tables of the attachment's
    ``route_from`` groups: one per reachable VPC (named after it) and per static route of
    the VPC's segment, or the attachment's ``summaries`` instead."""
    for tgw in topology.transit_gateways:
        attachment = tgw.attachment_of(vpc)
        if attachment is None:
            continue
        spec = attachment.spec
        destinations: list[tuple[str, ipaddress.IPv4Network]]
        if spec.summaries is not None:
            destinations = [(f"Tgw-{cidr_id(c)}", c) for c in spec.summaries]
        else:
            destinations = [
                (f"Tgw-{other.vpc.name}", other.vpc.cidr)
                for other in tgw.reachable(vpc)
                if other.vpc.cidr is not None  # always, in a checked topology
            ]
            segment = tgw.segment(attachment.segment)
            if segment is not None:
                destinations += [
                    (f"Tgw-{cidr_id(r.cidr)}", r.cidr) for r in segment.routes if not r.blackhole
                ]
            for peering, role in topology.peerings_of(tgw.name):
                end = peering.requester if role == "requester" else peering.accepter
                if attachment.segment in end.route_tables:
                    destinations += [
                        (f"Tgw-{name if name is not None else cidr_id(c)}", c)
                        for name, c in end.destinations()
                    ]
            destinations = list(dict.fromkeys(destinations))
        return tuple(
            RoutePlan(
                group=subnet.group,
                zone=subnet.zone,
                id=route_id,
                destination=cidr,
                target_kind="transit-gateway",
                target_name=tgw.name,
            )
            for subnet in subnets
            if subnet.group in attachment.route_from
            for route_id, cidr in destinations
        )
    return ()
