"""The plan: every route, NAT gateway and stack, checked against expectations written down
here by hand (never read back from the plan that built them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from multivpc.load import load_network
from multivpc.plan import NetworkPlan, VpcPlan, plan
from tests.support.builder import base
from tests.support.cdk_cli import ROOT

BOS = "us-east-1-bos-1a"


def _plan_file(path: Path) -> NetworkPlan:
    return plan(load_network(path).topology)


def _routes(vpc: VpcPlan) -> dict[str, tuple[str, str, str]]:
    """{"group-zone": (destination, target kind, target name)} for every planned route."""
    table: dict[str, tuple[str, str, str]] = {}
    for route in vpc.routes:
        key = f"{route.group}-{route.zone}"
        assert key not in table, f"two routes for {key}"
        table[key] = (str(route.destination), route.target_kind, route.target_name)
    return table


IGW = ("0.0.0.0/0", "internet-gateway", "")


def _nat(zone: str) -> tuple[str, str, str]:
    return ("0.0.0.0/0", "nat-gateway", zone)


def test_single_vpc_example() -> None:
    network = _plan_file(ROOT / "examples" / "single-vpc.yaml")
    [stack] = network.stacks
    assert (stack.name, stack.role, stack.account_id, stack.region) == (
        "single-vpc-app",
        "vpc",
        "111111111111",
        "us-east-1",
    )
    assert (stack.vpcs, stack.depends_on) == (("app",), ())
    vpc = network.vpc("app")
    assert {(n.zone, n.subnet_group) for n in vpc.nat_gateways} == {
        ("us-east-1a", "public"),
        ("us-east-1b", "public"),
        ("us-east-1c", "public"),
    }
    assert _routes(vpc) == {
        "public-us-east-1a": IGW,
        "public-us-east-1b": IGW,
        "public-us-east-1c": IGW,
        "private-us-east-1a": _nat("us-east-1a"),
        "private-us-east-1b": _nat("us-east-1b"),
        "private-us-east-1c": _nat("us-east-1c"),
    }
    assert {r.id for r in vpc.routes} == {"DefaultRoute"}


def test_local_zones_example_routes_the_local_zone_to_the_region_nat() -> None:
    network = _plan_file(ROOT / "examples" / "local-zones.yaml")
    vpc = network.vpc("media")
    assert [(n.zone, n.subnet_group) for n in vpc.nat_gateways] == [("us-west-2a", "edge")]
    assert _routes(vpc) == {
        "edge-us-west-2a": IGW,
        "edge-us-west-2b": IGW,
        "edge-us-west-2-lax-1a": IGW,
        "app-us-west-2a": _nat("us-west-2a"),
        "app-us-west-2b": _nat("us-west-2a"),
        "app-us-west-2-lax-1a": _nat("us-west-2a"),
    }
    assert network.stacks[0].account_id == "222222222222"


def test_single_nat_goes_where_nat_zone_says() -> None:
    vpc = plan(base().set(nat="single", nat_zone="us-east-1b").load().topology).vpc("app")
    assert [(n.zone, n.subnet_group) for n in vpc.nat_gateways] == [("us-east-1b", "public")]
    assert _routes(vpc)["private-us-east-1a"] == _nat("us-east-1b")


def test_single_nat_defaults_to_the_first_az_by_name_not_by_list_order() -> None:
    builder = base().set(nat="single", availability_zones=["us-east-1b", "us-east-1a"])
    vpc = plan(builder.load().topology).vpc("app")
    assert [n.zone for n in vpc.nat_gateways] == ["us-east-1a"]
    assert _routes(vpc)["private-us-east-1b"] == _nat("us-east-1a")


def test_per_az_nat_and_a_local_zone_nat_each_serve_their_own_zone() -> None:
    zones = ["us-east-1a", "us-east-1b", BOS]
    builder = (
        base()
        .set(local_zones=[{"name": BOS, "nat_gateway": True}])
        .group("public", zones=zones)
        .group("private", zones=zones)
    )
    vpc = plan(builder.load().topology).vpc("app")
    assert [n.zone for n in vpc.nat_gateways] == ["us-east-1a", "us-east-1b", BOS]
    routes = _routes(vpc)
    assert routes[f"private-{BOS}"] == _nat(BOS)
    assert routes["private-us-east-1b"] == _nat("us-east-1b")


def test_only_a_local_zone_nat_serves_the_whole_vpc() -> None:
    builder = (
        base()
        .set(nat="none", local_zones=[{"name": BOS, "nat_gateway": True}])
        .group("public", zones=["us-east-1a", BOS])
    )
    vpc = plan(builder.load().topology).vpc("app")
    assert _routes(vpc)["private-us-east-1a"] == _nat(BOS)
    assert _routes(vpc)["private-us-east-1b"] == _nat(BOS)


def test_nat_sits_in_the_first_public_group_by_name() -> None:
    builder = base().group("edge", tier="public", cidr="10.0.32.0/20", prefix_length=24)
    vpc = plan(builder.load().topology).vpc("app")
    assert {n.subnet_group for n in vpc.nat_gateways} == {"edge"}


def test_without_nat_private_and_isolated_subnets_have_no_routes() -> None:
    builder = base().set(nat="none").group("private", tier="isolated")
    vpc = plan(builder.load().topology).vpc("app")
    assert vpc.nat_gateways == ()
    assert _routes(vpc) == {"public-us-east-1a": IGW, "public-us-east-1b": IGW}


def test_without_public_groups_and_internet_gateway_nothing_routes_out() -> None:
    builder = base().set(nat="none", internet_gateway=False).drop_group("public")
    vpc = plan(builder.load().topology).vpc("app")
    assert vpc.internet_gateway is False
    assert vpc.routes == ()


def test_one_stack_per_vpc_in_its_own_account_and_region() -> None:
    builder = (
        base()
        .vpc(
            "west",
            cidr="10.1.0.0/16",
            account="apps",
            region="us-west-2",
            availability_zones=["us-west-2a", "us-west-2b"],
        )
        .top(name="estate")
    )
    network = plan(builder.load().topology)
    assert [(s.name, s.role, s.account_id, s.region, s.vpcs) for s in network.stacks] == [
        ("estate-app", "vpc", "111111111111", "us-east-1", ("app",)),
        ("estate-west", "vpc", "222222222222", "us-west-2", ("west",)),
    ]
    assert network.vpc("west").stack_name == "estate-west"


def test_unknown_vpc_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no VPC named nope"):
        plan(base().load().topology).vpc("nope")


def test_a_zone_without_its_own_nat_uses_the_first_az_nat_among_several() -> None:
    zones = ["us-east-1a", "us-east-1b", BOS]
    builder = base().set(local_zones=[{"name": BOS}]).group("private", zones=zones)
    vpc = plan(builder.load().topology).vpc("app")
    assert [n.zone for n in vpc.nat_gateways] == ["us-east-1a", "us-east-1b"]
    routes = _routes(vpc)
    assert routes[f"private-{BOS}"] == _nat("us-east-1a")
    assert routes["private-us-east-1b"] == _nat("us-east-1b")


def test_a_blackhole_without_attachments_still_gets_its_routing_stack() -> None:
    builder = base().top(
        transit_gateways=[
            {
                "name": "hub",
                "segments": [
                    {"name": "s", "routes": [{"cidr": "10.99.0.0/16", "blackhole": True}]}
                ],
            }
        ]
    )
    network = plan(builder.load().topology)
    tgw = network.transit_gateway("hub")
    assert tgw.routing_stacks == ("test-tgw-hub-routing",)
    [route] = tgw.routes
    assert (route.routing_stack, str(route.cidr), route.vpc) == (
        "test-tgw-hub-routing",
        "10.99.0.0/16",
        None,
    )
    [routing] = [s for s in network.stacks if s.role == "routing"]
    assert (routing.vpcs, routing.depends_on) == ((), ("test-tgw-hub",))
