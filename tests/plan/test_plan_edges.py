"""Plan edges found by mutation testing: every field of a VPC's plan, the Transit Gateway
plan (stacks, attachments, segment intent, the ids shared across accounts and who may
read them), routing stack shards, and the VPC-side routes to the Transit Gateway.

Every expectation is written down by hand from the config in the test, never read back
from the plan that built it.
"""

from __future__ import annotations

import ipaddress
import zlib
from typing import Any

import pytest

from multivpc.config import ConfigError
from multivpc.config.models import FlowLogs
from multivpc.plan import (
    AttachmentPlan,
    AttachmentRoutingPlan,
    NatGatewayPlan,
    NetworkPlan,
    RoutePlan,
    SegmentRoutePlan,
    SharedId,
    StackPlan,
    TransitGatewayPlan,
    VpcPlan,
    plan,
)
from multivpc.plan.network import AvailabilityZonePlan, LocalZonePlan, identity_version
from multivpc.topology import PlacedSubnet
from multivpc.topology.shards import ROUTING_RESOURCE_BUDGET
from multivpc.vocabulary import Tier
from tests.conftest import sdk_role
from tests.support.builder import NetworkBuilder, network

NETWORK, PROD, DEV = "111111111111", "222222222222", "333333333333"
ORG = "arn:aws:organizations::111111111111:organization/o-abcdefghij"
A, B = "us-east-1a", "us-east-1b"
BOS = "us-east-1-bos-1a"
ANY = ipaddress.IPv4Network("0.0.0.0/0")


def net(cidr: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(cidr)


def isolated(name: str, cidr: str, prefix_length: int = 24, **keys: Any) -> dict[str, Any]:
    return {"name": name, "tier": "isolated", "cidr": cidr, "prefix_length": prefix_length, **keys}


def estate() -> NetworkBuilder:
    """Two Transit Gateways: ``edge`` (prod account, us-west-2, shared with an
    organization, nothing attached) declared before ``hub`` (network account) with three
    segments; shared <- prod, shared <- dev (isolated); prod has a blackhole and a static
    route to shared-services. Four spokes and one VPC that attaches nowhere."""
    return (
        network("estate")
        .top(
            accounts={"network": NETWORK, "prod": PROD, "dev": DEV},
            tags={"owner": "net-team"},
            nag_packs=["hipaa-security", "nist-800-53-r5", "hipaa-security"],
            transit_gateways=[
                {
                    "name": "edge",
                    "account": "prod",
                    "region": "us-west-2",
                    "amazon_side_asn": 4200000001,
                    "share_with": [ORG],
                    "allow_external_principals": True,
                    "segments": [{"name": "inspect"}],
                },
                {
                    "name": "hub",
                    "amazon_side_asn": 64600,
                    "share_with": ["prod", "dev"],
                    "segments": [
                        {"name": "shared"},
                        {
                            "name": "prod",
                            "reaches": ["shared"],
                            "routes": [
                                {"cidr": "10.99.0.0/16", "blackhole": True},
                                {"cidr": "10.50.0.0/16", "vpc": "shared-services"},
                            ],
                        },
                        {"name": "dev", "reaches": ["shared"], "isolated": True},
                    ],
                },
            ],
        )
        .vpc(
            "shared-services",
            cidr="10.0.0.0/16",
            nat="none",
            groups=[isolated("services", "10.0.0.0/20"), isolated("transit", "10.0.240.0/24", 28)],
            transit_gateway={"name": "hub", "segment": "shared", "subnet_group": "transit"},
        )
        .vpc(
            "prod-app",
            cidr="10.1.0.0/16",
            account="prod",
            nat="single",
            tags={"app": "prod"},
            flow_logs={"retention_days": 30, "traffic_type": "REJECT"},
            dns={"hostnames": False},
            transit_gateway={
                "name": "hub",
                "segment": "prod",
                "subnet_group": "transit",
                "appliance_mode": True,
            },
        )
        .group("public", map_public_ip_on_launch=True)
        .group("private", tags={"tier": "app"})
        .group("transit", **isolated("transit", "10.1.240.0/24", 28))
        .vpc(
            "dev-app",
            cidr="10.2.0.0/16",
            account="dev",
            nat="none",
            groups=[
                isolated("app", "10.2.0.0/20"),
                isolated("data", "10.2.16.0/20"),
                isolated("transit", "10.2.240.0/24", 28),
            ],
            transit_gateway={
                "name": "hub",
                "segment": "dev",
                "subnet_group": "transit",
                "route_from": ["data"],
            },
        )
        .vpc(
            "dev-tools",
            cidr="10.3.0.0/16",
            account="dev",
            nat="none",
            groups=[isolated("tools", "10.3.0.0/20"), isolated("transit", "10.3.240.0/24", 28)],
            transit_gateway={
                "name": "hub",
                "segment": "dev",
                "subnet_group": "transit",
                "summaries": ["10.0.0.0/8"],
            },
        )
        .vpc("lonely", cidr="10.4.0.0/16", local_zones=[{"name": BOS}])
        .group("private", zones=[A, B, BOS])
    )


@pytest.fixture  # per test, not per module: mutmut maps each test to what it calls
def planned() -> NetworkPlan:
    return plan(estate().load(strict=True).topology)


# What identifies each publisher (its create-only properties, stated here): a gateway by
# account, region and ASN; an attachment by its gateway and its VPC's account, region, range.
HUB_VERSION = identity_version("transit-gateway", NETWORK, "us-east-1", 64600)
RANGES = {"shared-services": "10.0.0.0/16", "prod-app": "10.1.0.0/16"}
RANGES |= {"dev-app": "10.2.0.0/16", "dev-tools": "10.3.0.0/16"}


def _hub_id() -> SharedId:
    return SharedId(
        parameter="/multivpc/estate/transit-gateways/hub/id",
        account_id=NETWORK,
        region="us-east-1",
        reader_role="mvpc-estate-hub-ids",
        version=HUB_VERSION,
        # the VPC stacks of the spokes of other accounts read it (listed in sorted order)
        readers=tuple(
            sorted(
                (
                    (PROD, sdk_role("us-east-1", "estate-prod-app")),
                    (DEV, sdk_role("us-east-1", "estate-dev-app")),
                    (DEV, sdk_role("us-east-1", "estate-dev-tools")),
                )
            )
        ),
    )


def _attachment_id(vpc: str, account: str) -> SharedId:
    vpc_identity = identity_version("vpc", account, "us-east-1", RANGES[vpc])
    return SharedId(
        parameter=f"/multivpc/estate/transit-gateways/hub/attachments/{vpc}",
        account_id=account,
        region="us-east-1",
        reader_role=f"mvpc-estate-{vpc}-ids",
        version=identity_version("attachment", HUB_VERSION, vpc_identity),
        # the routing stack reads it across accounts
        readers=((NETWORK, sdk_role("us-east-1", "estate-tgw-hub-routing")),)
        if account != NETWORK
        else (),
    )


def _route_table_ids(
    tgw: str, account: str, region: str, tgw_version: str, segments: tuple[str, ...]
) -> dict[str, SharedId]:
    """Each segment's route table id: published in the hub's account and region for its
    routing stacks only (no reader role); replaced with the gateway."""
    return {
        segment: SharedId(
            parameter=f"/multivpc/estate/transit-gateways/{tgw}/route-tables/{segment}",
            account_id=account,
            region=region,
            reader_role="",
            version=identity_version("route-table", tgw_version, segment),
        )
        for segment in segments
    }


def test_stacks_hubs_then_vpcs_then_routing(planned: NetworkPlan) -> None:
    spokes = ("shared-services", "prod-app", "dev-app", "dev-tools")
    assert planned.stacks == (
        StackPlan("estate-tgw-edge", "hub", PROD, "us-west-2", (), (), "edge"),
        StackPlan("estate-tgw-hub", "hub", NETWORK, "us-east-1", (), (), "hub"),
        StackPlan(
            "estate-shared-services",
            "vpc",
            NETWORK,
            "us-east-1",
            ("shared-services",),
            ("estate-tgw-hub",),
        ),
        StackPlan("estate-prod-app", "vpc", PROD, "us-east-1", ("prod-app",), ("estate-tgw-hub",)),
        StackPlan("estate-dev-app", "vpc", DEV, "us-east-1", ("dev-app",), ("estate-tgw-hub",)),
        StackPlan("estate-dev-tools", "vpc", DEV, "us-east-1", ("dev-tools",), ("estate-tgw-hub",)),
        StackPlan("estate-lonely", "vpc", NETWORK, "us-east-1", ("lonely",), ()),
        StackPlan(
            "estate-tgw-hub-routing",
            "routing",
            NETWORK,
            "us-east-1",
            spokes,
            (
                "estate-tgw-hub",
                "estate-shared-services",
                "estate-prod-app",
                "estate-dev-app",
                "estate-dev-tools",
            ),
            "hub",
        ),
    )


def test_network_level_fields(planned: NetworkPlan) -> None:
    assert planned.name == "estate"
    assert planned.nag_packs == ("hipaa-security", "nist-800-53-r5")
    assert planned.tags == {"owner": "net-team"}
    assert [v.name for v in planned.vpcs] == [
        "shared-services",
        "prod-app",
        "dev-app",
        "dev-tools",
        "lonely",
    ]


def test_a_gateway_without_attachments_has_no_routing_stack(planned: NetworkPlan) -> None:
    assert planned.transit_gateway("edge") == TransitGatewayPlan(
        name="edge",
        stack_name="estate-tgw-edge",
        account_id=PROD,
        region="us-west-2",
        amazon_side_asn=4200000001,
        share_principals=(ORG,),
        allow_external_principals=True,
        segments=("inspect",),
        routes=(),
        attachments=(),
        routing_stacks=(),
        id_parameter=SharedId(
            parameter="/multivpc/estate/transit-gateways/edge/id",
            account_id=PROD,
            region="us-west-2",
            reader_role="mvpc-estate-edge-ids",
            version=identity_version("transit-gateway", PROD, "us-west-2", 4200000001),
        ),
        reader_accounts=(),
        route_table_ids=_route_table_ids(
            "edge",
            PROD,
            "us-west-2",
            identity_version("transit-gateway", PROD, "us-west-2", 4200000001),
            ("inspect",),
        ),
    )


def test_hub_plan_segment_intent_and_who_reads_which_id(planned: NetworkPlan) -> None:
    routing = "estate-tgw-hub-routing"
    assert planned.transit_gateway("hub") == TransitGatewayPlan(
        name="hub",
        stack_name="estate-tgw-hub",
        account_id=NETWORK,
        region="us-east-1",
        amazon_side_asn=64600,
        share_principals=(PROD, DEV),
        allow_external_principals=False,
        segments=("shared", "prod", "dev"),
        routes=(
            SegmentRoutePlan(
                "prod", net("10.99.0.0/16"), None, "prod-10-99-0-0-16", "estate-tgw-hub-routing"
            ),
            SegmentRoutePlan(
                "prod",
                net("10.50.0.0/16"),
                "shared-services",
                "prod-10-50-0-0-16",
                "estate-tgw-hub-routing",
            ),
        ),
        attachments=(
            # shared is reached by prod and dev: it propagates into all three tables
            AttachmentRoutingPlan(
                "shared-services",
                "estate-shared-services",
                "shared",
                ("shared", "prod", "dev"),
                False,
                _attachment_id("shared-services", NETWORK),
                routing,
            ),
            AttachmentRoutingPlan(
                "prod-app",
                "estate-prod-app",
                "prod",
                ("shared", "prod"),
                True,
                _attachment_id("prod-app", PROD),
                routing,
            ),
            # dev is isolated: not into its own table, and dev does not reach prod
            AttachmentRoutingPlan(
                "dev-app",
                "estate-dev-app",
                "dev",
                ("shared",),
                True,
                _attachment_id("dev-app", DEV),
                routing,
            ),
            AttachmentRoutingPlan(
                "dev-tools",
                "estate-dev-tools",
                "dev",
                ("shared",),
                True,
                _attachment_id("dev-tools", DEV),
                routing,
            ),
        ),
        routing_stacks=(routing,),
        id_parameter=_hub_id(),
        reader_accounts=(PROD, DEV),
        route_table_ids=_route_table_ids(
            "hub", NETWORK, "us-east-1", HUB_VERSION, ("shared", "prod", "dev")
        ),
    )
    assert planned.transit_gateway("hub").attachment("dev-app").propagates_into == ("shared",)


def test_attachments_in_the_spoke_plans(planned: NetworkPlan) -> None:
    def attachment(vpc: str, account: str, segment: str, appliance: bool) -> AttachmentPlan:
        cross = account != NETWORK
        return AttachmentPlan(
            transit_gateway="hub",
            transit_gateway_stack="estate-tgw-hub",
            segment=segment,
            subnet_group="transit",
            zones=(A, B),
            appliance_mode=appliance,
            cross_account=cross,
            transit_gateway_id=_hub_id(),
            attachment_id=_attachment_id(vpc, account),
            reader_accounts=(NETWORK,) if cross else (),
        )

    assert planned.vpc("shared-services").attachment == attachment(
        "shared-services", NETWORK, "shared", False
    )
    assert planned.vpc("prod-app").attachment == attachment("prod-app", PROD, "prod", True)
    assert planned.vpc("dev-app").attachment == attachment("dev-app", DEV, "dev", False)
    assert planned.vpc("dev-tools").attachment == attachment("dev-tools", DEV, "dev", False)
    assert planned.vpc("lonely").attachment is None


def _subnet(group: str, tier: Tier, zone: str, cidr: str, public_ip: bool = False) -> PlacedSubnet:
    return PlacedSubnet(group, tier, zone, zone == BOS, net(cidr), public_ip)


def _tgw(group: str, zone: str, route_id: str, cidr: str) -> RoutePlan:
    return RoutePlan(group, zone, route_id, net(cidr), "transit-gateway", "hub")


def test_every_field_of_a_spoke_with_nat_tags_flow_logs_and_dns(planned: NetworkPlan) -> None:
    assert planned.vpc("prod-app") == VpcPlan(
        name="prod-app",
        stack_name="estate-prod-app",
        account_id=PROD,
        region="us-east-1",
        cidr=net("10.1.0.0/16"),
        zones=(AvailabilityZonePlan(name=A), AvailabilityZonePlan(name=B)),
        subnets=(
            _subnet("public", "public", A, "10.1.0.0/24", True),
            _subnet("public", "public", B, "10.1.1.0/24", True),
            _subnet("private", "private", A, "10.1.16.0/24"),
            _subnet("private", "private", B, "10.1.17.0/24"),
            _subnet("transit", "isolated", A, "10.1.240.0/28"),
            _subnet("transit", "isolated", B, "10.1.240.16/28"),
        ),
        nat_gateways=(NatGatewayPlan(A, "public"),),
        internet_gateway=True,
        routes=(
            RoutePlan("public", A, "DefaultRoute", ANY, "internet-gateway", ""),
            RoutePlan("public", B, "DefaultRoute", ANY, "internet-gateway", ""),
            RoutePlan("private", A, "DefaultRoute", ANY, "nat-gateway", A),
            RoutePlan("private", B, "DefaultRoute", ANY, "nat-gateway", A),
            # prod reaches shared; the static route counts, the blackhole does not
            _tgw("private", A, "Tgw-shared-services", "10.0.0.0/16"),
            _tgw("private", A, "Tgw-10-50-0-0-16", "10.50.0.0/16"),
            _tgw("private", B, "Tgw-shared-services", "10.0.0.0/16"),
            _tgw("private", B, "Tgw-10-50-0-0-16", "10.50.0.0/16"),
        ),
        flow_logs=FlowLogs(retention_days=30, traffic_type="REJECT"),
        flow_log_group_name="/multivpc/estate/prod-app/flow-logs",
        parameter_prefix="/multivpc/estate/prod-app",
        dns_support=True,
        dns_hostnames=False,
        attachment=planned.vpc("prod-app").attachment,  # compared in its own test
        tags={"app": "prod"},
        group_tags={"private": {"tier": "app"}},
    )


def test_every_field_of_a_vpc_with_a_local_zone(planned: NetworkPlan) -> None:
    assert planned.vpc("lonely") == VpcPlan(
        name="lonely",
        stack_name="estate-lonely",
        account_id=NETWORK,
        region="us-east-1",
        cidr=net("10.4.0.0/16"),
        zones=(AvailabilityZonePlan(name=A), AvailabilityZonePlan(name=B), LocalZonePlan(name=BOS)),
        subnets=(
            _subnet("public", "public", A, "10.4.0.0/24"),
            _subnet("public", "public", B, "10.4.1.0/24"),
            _subnet("private", "private", A, "10.4.16.0/24"),
            _subnet("private", "private", B, "10.4.17.0/24"),
            _subnet("private", "private", BOS, "10.4.31.0/24"),
        ),
        nat_gateways=(NatGatewayPlan(A, "public"), NatGatewayPlan(B, "public")),
        internet_gateway=True,
        routes=(
            RoutePlan("public", A, "DefaultRoute", ANY, "internet-gateway", ""),
            RoutePlan("public", B, "DefaultRoute", ANY, "internet-gateway", ""),
            RoutePlan("private", A, "DefaultRoute", ANY, "nat-gateway", A),
            RoutePlan("private", B, "DefaultRoute", ANY, "nat-gateway", B),
            RoutePlan("private", BOS, "DefaultRoute", ANY, "nat-gateway", A),
        ),
        flow_logs=FlowLogs(),
        flow_log_group_name="/multivpc/estate/lonely/flow-logs",
        parameter_prefix="/multivpc/estate/lonely",
        dns_support=True,
        dns_hostnames=True,
        attachment=None,
        tags={},
        group_tags={},
    )


def test_spoke_routes_to_the_transit_gateway(planned: NetworkPlan) -> None:
    # shared is reached by every other segment: one route per other spoke, services only
    assert planned.vpc("shared-services").routes == tuple(
        _tgw("services", zone, f"Tgw-{vpc}", cidr)
        for zone in (A, B)
        for vpc, cidr in (
            ("prod-app", "10.1.0.0/16"),
            ("dev-app", "10.2.0.0/16"),
            ("dev-tools", "10.3.0.0/16"),
        )
    )
    # route_from names data only; dev is isolated and does not reach prod
    assert planned.vpc("dev-app").routes == (
        _tgw("data", A, "Tgw-shared-services", "10.0.0.0/16"),
        _tgw("data", B, "Tgw-shared-services", "10.0.0.0/16"),
    )
    # summary destinations replace the per-VPC routes
    assert planned.vpc("dev-tools").routes == (
        _tgw("tools", A, "Tgw-10-0-0-0-8", "10.0.0.0/8"),
        _tgw("tools", B, "Tgw-10-0-0-0-8", "10.0.0.0/8"),
    )


def test_routes_of_one_route_table(planned: NetworkPlan) -> None:
    vpc = planned.vpc("prod-app")
    assert vpc.routes_of("private", B) == (
        RoutePlan("private", B, "DefaultRoute", ANY, "nat-gateway", A),
        _tgw("private", B, "Tgw-shared-services", "10.0.0.0/16"),
        _tgw("private", B, "Tgw-10-50-0-0-16", "10.50.0.0/16"),
    )
    assert vpc.routes_of("public", A) == (
        RoutePlan("public", A, "DefaultRoute", ANY, "internet-gateway", ""),
    )
    assert vpc.routes_of("transit", A) == ()


def test_unknown_names_are_key_errors(planned: NetworkPlan) -> None:
    with pytest.raises(KeyError, match="no Transit Gateway named nope in the plan"):
        planned.transit_gateway("nope")
    with pytest.raises(StopIteration):
        planned.transit_gateway("hub").attachment("lonely")


# -- routing stack shards ---------------------------------------------------------------


def sharded(spokes: list[str], blackholes: int, *, name: str = "net") -> NetworkBuilder:
    """One hub, segments shared (``blackholes`` routes) and prod (one route, reaches
    shared); every spoke in prod. An attachment counts 1 association + 2 propagations +
    2 for reading a cross-account id, and every static route counts once: ``5 x spokes +
    blackholes + 1`` resources against a budget of 400."""
    blocks = ipaddress.IPv4Network("172.16.0.0/12").subnets(new_prefix=24)
    routes = [{"cidr": str(next(blocks)), "blackhole": True} for _ in range(blackholes)]
    builder = network(name).top(
        # Up to 120 spokes reach each other: 119 routes per table, declared as a raised quota.
        quotas={"routes_per_route_table": 1000},
        transit_gateways=[
            {
                "name": "hub",
                "share_with": ["apps"],
                "segments": [
                    {"name": "shared", "routes": routes},
                    {
                        "name": "prod",
                        "reaches": ["shared"],
                        "routes": [{"cidr": "192.168.0.0/24", "blackhole": True}],
                    },
                ],
            }
        ],
    )
    for index, spoke in enumerate(spokes):
        builder.vpc(
            spoke,
            cidr=f"10.{index}.0.0/16",
            nat="none",
            groups=[
                isolated("app", f"10.{index}.0.0/20"),
                isolated("transit", f"10.{index}.240.0/24", 28),
            ],
            transit_gateway={"name": "hub", "segment": "prod", "subnet_group": "transit"},
        )
    return builder


def _routing(builder: NetworkBuilder) -> dict[str, tuple[str, ...]]:
    """{routing stack: the VPCs it routes}, checked against the hub's attachments."""
    network_plan = plan(builder.load(strict=True).topology)
    tgw = network_plan.transit_gateway("hub")
    stacks = {s.name: s for s in network_plan.stacks if s.role == "routing"}
    assert tuple(stacks) == tgw.routing_stacks
    for stack in stacks.values():
        assert stack.depends_on == ("net-tgw-hub", *(f"net-{vpc}" for vpc in stack.vpcs))
        assert all(tgw.attachment(vpc).routing_stack == stack.name for vpc in stack.vpcs)
    return {name: stack.vpcs for name, stack in stacks.items()}


# The shard of an attachment is crc32(VPC name) % shards, written down here: a change
# moves attachments between deployed stacks. crc32 % 4 is 3, 1, 2, 0 for spoke-0, -1,
# -4, -5 (so % 2 is 1, 1, 0, 0), and 3, 1, 2, 0 for spoke-2, -3, -6, -7.
FOUR = ["spoke-0", "spoke-1", "spoke-4", "spoke-5"]


def test_exactly_the_budget_fits_one_routing_stack() -> None:
    # 4 attachments x 5 + 379 + 1 routes = 400 resources
    assert _routing(sharded(FOUR, 379)) == {"net-tgw-hub-routing": tuple(FOUR)}


def test_one_resource_over_the_budget_splits_in_two() -> None:
    # 4 x 5 + 380 + 1 = 401 resources: two shards, named -1 and -2
    assert _routing(sharded(FOUR, 380)) == {
        "net-tgw-hub-routing-1": ("spoke-4", "spoke-5"),
        "net-tgw-hub-routing-2": ("spoke-0", "spoke-1"),
    }


def test_three_shards_needed_makes_four() -> None:
    # 120 x 5 + 255 + 1 = 856 resources: 3 shards needed, rounded up to a power of two;
    # each spoke in the shard of crc32(its name) modulo 4 (stated here on its own)
    spokes = [f"spoke-{i}" for i in range(120)]
    routing = _routing(sharded(spokes, 255))
    assert len(routing) == 4
    for shard, vpcs in routing.items():
        index = int(shard.rsplit("-", 1)[1]) - 1
        assert all(zlib.crc32(vpc.encode()) % 4 == index for vpc in vpcs), shard


def test_every_segments_routes_count() -> None:
    # shared's 380 blackholes count besides prod's one route: two stacks, not one
    assert len(_routing(sharded(FOUR, 380))) == 2


def test_blackholes_spread_over_the_shards() -> None:
    network_plan = plan(sharded(FOUR, 380).load(strict=True).topology)
    tgw = network_plan.transit_gateway("hub")
    held = {name: 0 for name in tgw.routing_stacks}
    for route in tgw.routes:
        held[route.routing_stack] += 1
    assert sum(held.values()) == 381
    assert all(count > 100 for count in held.values()), held


def test_reader_role_names_stay_within_64_characters() -> None:
    network_name = "n" * 46
    builder = sharded(["spoke-01", "spoke-012"], 0, name=network_name)
    tgw = plan(builder.load(strict=True).topology).transit_gateway("hub")
    roles = {a.vpc: a.attachment_id.reader_role for a in tgw.attachments}
    # "mvpc-" + network + "-" + vpc + "-ids": 64 characters fit, 65 are cut to 55 and a
    # crc32 of the full name
    assert roles == {
        "spoke-01": f"mvpc-{network_name}-spoke-01-ids",
        "spoke-012": f"mvpc-{network_name}-spo-917586b0",
    }
    assert all(len(role) <= 64 for role in roles.values())


# -- once bugs: configs the rules accepted and synth refused; now refused or planned once --


def _routes_to_one_destination_twice(builder: NetworkBuilder) -> list[tuple[str, str, str, str]]:
    """(vpc, group, zone, destination) of every route table with two routes to one
    destination (the VPC construct refuses those at synth); [] when the rules reject the
    config, which is the other acceptable answer."""
    try:
        loaded = builder.load(strict=True)
    except ConfigError:
        return []
    seen: set[tuple[str, str, str, str]] = set()
    twice = []
    for vpc in plan(loaded.topology).vpcs:
        for route in vpc.routes:
            key = (vpc.name, route.group, route.zone, str(route.destination))
            if key in seen:
                twice.append(key)
            seen.add(key)
    return twice


def _attached(**attachment: Any) -> NetworkBuilder:
    return (
        network()
        .top(transit_gateways=[{"name": "hub", "segments": [{"name": "shared"}]}])
        .vpc("app", cidr="10.0.0.0/16")
        .group("transit", **isolated("transit", "10.0.240.0/24", 28))
        .set(
            transit_gateway={
                "name": "hub",
                "segment": "shared",
                "subnet_group": "transit",
                **attachment,
            }
        )
    )


def test_a_default_summary_route_beside_nat_is_refused_or_planned_once() -> None:
    assert _routes_to_one_destination_twice(_attached(summaries=["0.0.0.0/0"])) == []


def test_a_summary_destination_listed_twice_is_refused_or_planned_once() -> None:
    destinations = ["10.8.0.0/16", "10.8.0.0/16"]
    assert _routes_to_one_destination_twice(_attached(summaries=destinations)) == []


def test_a_static_route_to_a_reached_vpcs_cidr_is_refused_or_planned_once() -> None:
    builder = sharded(["prod"], 0)
    builder.vpc(
        "shared",
        cidr="10.1.0.0/16",
        nat="none",
        groups=[isolated("app", "10.1.0.0/20"), isolated("transit", "10.1.240.0/24", 28)],
        transit_gateway={"name": "hub", "segment": "shared", "subnet_group": "transit"},
    )
    data = builder.data()
    data["transit_gateways"][0]["segments"][1]["routes"] = [
        {"cidr": "10.1.0.0/16", "vpc": "shared"}
    ]
    builder.top(transit_gateways=data["transit_gateways"])
    assert _routes_to_one_destination_twice(builder) == []


def test_routing_stacks_hold_every_segment_route_within_the_budget() -> None:
    segments = [
        {
            "name": f"s{k}",
            "routes": [{"cidr": f"172.{16 + k}.{i}.0/24", "blackhole": True} for i in range(100)],
        }
        for k in range(5)
    ]
    builder = network("net").top(transit_gateways=[{"name": "hub", "segments": segments}])
    builder.vpc(
        "one",
        cidr="10.0.0.0/16",
        nat="none",
        groups=[isolated("app", "10.0.0.0/20"), isolated("transit", "10.0.240.0/24", 28)],
        transit_gateway={"name": "hub", "segment": "s0", "subnet_group": "transit"},
    )
    tgw = plan(builder.load(strict=True).topology).transit_gateway("hub")
    # The routing stacks together hold every segment route and, per attachment, its
    # association and propagations: 500 + 1 + 1 resources, more than one stack's budget.
    held = len(tgw.routes) + sum(1 + len(a.propagates_into) for a in tgw.attachments)
    assert held == 502
    assert held <= ROUTING_RESOURCE_BUDGET * len(tgw.routing_stacks)


# -- routing shards are locked: growth never moves an attachment's routing ---------------
def _locked(
    builder: NetworkBuilder, lock: str | None = None
) -> tuple[dict[str, tuple[str, ...]], str]:
    """{routing stack: VPCs} of ``builder`` loaded with ``lock``, and the lock it writes."""
    loaded = builder.load(strict=True, lock=lock)
    assert loaded.lock is not None
    network_plan = loaded.network_plan()
    stacks = {s.name: s.vpcs for s in network_plan.stacks if s.role == "routing"}
    return stacks, loaded.lock.text()


def _hand_lock(attachments: dict[str, int], routes: dict[str, int]) -> str:
    lines = ["version: 1", "vpcs: {}", "transit_gateways:", "  hub:", "    attachments:"]
    lines += [f"      {vpc}: {shard}" for vpc, shard in attachments.items()]
    lines += ["    routes:"] + [f"      {key}: {shard}" for key, shard in routes.items()]
    return "\n".join(lines) + "\n"


def _blackhole_keys(count: int) -> list[str]:
    """The lock's keys of ``sharded``'s blackholes, then of prod's one route."""
    blocks = ipaddress.IPv4Network("172.16.0.0/12").subnets(new_prefix=24)
    return [f"shared {next(blocks)}" for _ in range(count)] + ["prod 192.168.0.0/24"]


def test_growth_past_one_stack_keeps_every_attachment_where_it_was() -> None:
    # 4 x 5 + 379 + 1 = 400: one stack; a fifth spoke makes 405.
    before, lock = _locked(sharded(FOUR, 379))
    assert before == {"net-tgw-hub-routing": tuple(FOUR)}
    grown = sharded([*FOUR, "spoke-2"], 379)
    after, _ = _locked(grown, lock)
    assert after == {"net-tgw-hub-routing": tuple(FOUR), "net-tgw-hub-routing-1": ("spoke-2",)}
    # Without the lock the same growth re-hashes every spoke over two new stacks.
    assert set(_routing(grown)) == {"net-tgw-hub-routing-1", "net-tgw-hub-routing-2"}


def test_new_vpcs_fill_the_lowest_shard_with_room_then_the_next() -> None:
    keys = _blackhole_keys(380)
    # shard 1: spoke-0 (5) + 300 routes = 305, room for 19 spokes of 5; shard 2: 5 + 81 = 86
    lock = _hand_lock(
        {"spoke-0": 1, "spoke-1": 2}, {key: 1 if i < 300 else 2 for i, key in enumerate(keys)}
    )
    new = [f"new-{i:02}" for i in range(20)]
    after, written = _locked(sharded(["spoke-0", "spoke-1", *new], 380), lock)
    assert after == {
        "net-tgw-hub-routing-1": ("spoke-0", *new[:19]),
        "net-tgw-hub-routing-2": ("spoke-1", "new-19"),
    }
    again, rewritten = _locked(sharded(["spoke-0", "spoke-1", *new], 380), written)
    assert again == after and rewritten == written


@pytest.mark.parametrize(("used", "fits"), [(395, True), (396, False)])
def test_a_shard_takes_a_vpc_up_to_exactly_the_budget(used: int, fits: bool) -> None:
    keys = _blackhole_keys(used - 6)  # used - 6 blackholes and prod's route, with spoke-0: used
    lock = _hand_lock({"spoke-0": 0}, dict.fromkeys(keys, 0))
    after, _ = _locked(sharded(["spoke-0", "spoke-1"], used - 6), lock)
    expected = (
        {"net-tgw-hub-routing": ("spoke-0", "spoke-1")}
        if fits
        else {"net-tgw-hub-routing": ("spoke-0",), "net-tgw-hub-routing-1": ("spoke-1",)}
    )
    assert after == expected


def test_a_removed_vpc_leaves_the_lock_and_moves_nothing() -> None:
    keys = _blackhole_keys(10)
    lock = _hand_lock({"spoke-0": 3, "spoke-1": 5}, dict.fromkeys(keys, 3))
    after, written = _locked(sharded(["spoke-1"], 10), lock)
    assert after == {"net-tgw-hub-routing-3": (), "net-tgw-hub-routing-5": ("spoke-1",)}
    assert "spoke-0" not in written and "      spoke-1: 5" in written


def test_a_broken_shard_entry_names_its_line_in_the_lock() -> None:
    lock = _hand_lock({"spoke-0": -1}, {})
    with pytest.raises(ConfigError) as raised:
        sharded(["spoke-0"], 0).load(lock=lock)
    assert raised.value.lines()[0].startswith(
        "test.lock.yaml:6: transit_gateways[hub].attachments[spoke-0]: "
    ), raised.value.lines()
