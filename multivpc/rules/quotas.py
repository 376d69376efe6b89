"""Rules about AWS quotas that only the plan can count: routes per VPC route table and
the Transit Gateway's attachments, route tables and routes.

Each quota is AWS's default unless the config's ``quotas:`` declares a raised value;
sources: https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html and
https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.plan import NetworkPlan, TransitGatewayPlan
from multivpc.rules.paths import vpc_path
from multivpc.rules.registry import plan_rule
from multivpc.topology import Topology

ATTACHMENTS_PER_TRANSIT_GATEWAY = 5000
"""AWS's quota "Attachments per transit gateway": 5,000, not adjustable (so not a key of
``quotas:``)."""
AWS_PREFIX_LIST_WEIGHT = 1
"""What a gateway endpoint's route (to AWS's S3 or DynamoDB prefix list) counts against the
route table quota: the list's weight, 1 for both (AWS-managed prefix lists, "weight")."""


def route_table_routes(network: NetworkPlan) -> Counter[tuple[str, str, str]]:
    """Non-propagated routes of every VPC route table, by (VPC, group, zone): the VPC's own
    routes (default, Transit Gateway), its VPC peering routes and its gateway endpoints'
    prefix-list routes (each counted as its list's weight)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for vpc in network.vpcs:
        for route in vpc.routes:
            counts[(vpc.name, route.group, route.zone)] += 1
        for gateway in vpc.endpoints.gateway if vpc.endpoints else ():
            for group, zone in gateway.route_tables:
                counts[(vpc.name, group, zone)] += AWS_PREFIX_LIST_WEIGHT
    for peering in network.vpc_peerings:
        for side in (peering.requester, peering.accepter):
            for route in side.routes:
                counts[(side.vpc, route.group, route.zone)] += 1
    return counts


@plan_rule(
    "route-table-quota",
    finding="a VPC route table holds more routes than quotas.routes_per_route_table "
    "(AWS's default 50, adjustable up to 1,000)",
    why="AWS refuses the route over the quota, and CloudFormation fails the deploy half-way "
    "with some routes of the table created and others not",
)
def route_table_quota(topology: Topology, network: NetworkPlan) -> Iterator[Finding]:
    quota = topology.config.quotas.routes_per_route_table
    worst: dict[tuple[str, str], tuple[int, str]] = {}
    for (vpc, group, zone), count in sorted(route_table_routes(network).items()):
        if count > quota and count > worst.get((vpc, group), (0, ""))[0]:
            worst[(vpc, group)] = (count, zone)
    for (vpc, group), (count, zone) in worst.items():
        yield Finding(
            (*vpc_path(vpc), "subnets", f"[{group}]"),
            f"the route table of group {group} in {zone} holds {count} routes, more than the "
            f"quota of {quota} routes per route table",
            "route summaries instead of one route per VPC (transit_gateway.summaries, or "
            "peer_ranges on the peerings), or declare a raised quotas.routes_per_route_table "
            "once AWS raised it (1,000 at most)",
        )


def transit_gateway_routes(tgw: TransitGatewayPlan, network: NetworkPlan) -> int:
    """Routes across every route table of ``tgw``: one propagated route per propagation of
    an attachment (a VPC has one range), its static and blackhole routes, and the static
    routes to its peerings."""
    propagated = sum(len(a.propagates_into) for a in tgw.attachments)
    peered = sum(
        len(side.routes)
        for peering in network.transit_gateway_peerings
        for side in (peering.requester, peering.accepter)
        if side.transit_gateway == tgw.name
    )
    return propagated + len(tgw.routes) + peered


@plan_rule(
    "transit-gateway-quotas",
    finding="a Transit Gateway has more attachments (5,000), route tables "
    "(quotas.route_tables_per_transit_gateway) or routes (quotas.routes_per_transit_gateway) "
    "than AWS allows",
    why="AWS refuses the attachment, route table or route over its quota and the deploy "
    "fails half-way; 5,000 attachments per gateway cannot be raised",
)
def transit_gateway_quotas(topology: Topology, network: NetworkPlan) -> Iterator[Finding]:
    quotas = topology.config.quotas
    for tgw in network.transit_gateways:
        where = ("transit_gateways", f"[{tgw.name}]")
        attachments = len(tgw.attachments)
        if attachments > ATTACHMENTS_PER_TRANSIT_GATEWAY:
            yield Finding(
                where,
                f"{attachments} VPCs attach to Transit Gateway {tgw.name}, more than the "
                f"{ATTACHMENTS_PER_TRANSIT_GATEWAY} attachments AWS allows per gateway (not "
                "adjustable)",
                "attach some VPCs to a second Transit Gateway, peered with this one",
            )
        segments = len(tgw.segments)
        if segments > quotas.route_tables_per_transit_gateway:
            yield Finding(
                (*where, "segments"),
                f"{segments} segments need {segments} route tables, more than the quota of "
                f"{quotas.route_tables_per_transit_gateway} per Transit Gateway",
                "merge segments, or declare a raised quotas.route_tables_per_transit_gateway "
                "once AWS raised it",
            )
        routes = transit_gateway_routes(tgw, network)
        if routes > quotas.routes_per_transit_gateway:
            yield Finding(
                where,
                f"the route tables of Transit Gateway {tgw.name} hold {routes} routes "
                "(propagated and static), more than the quota of "
                f"{quotas.routes_per_transit_gateway}",
                "isolate segments that need not reach each other, or declare a raised "
                "quotas.routes_per_transit_gateway once AWS raised it",
            )


RULES = (route_table_quota, transit_gateway_quotas)
