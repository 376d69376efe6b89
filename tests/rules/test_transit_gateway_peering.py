"""Transit Gateway peering rules: each with one good and one bad config, then edges."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rules.cases import Case, case_tests
from tests.support.builder import NetworkBuilder, network

EU_ZONES = ["eu-west-1a", "eu-west-1b"]


def _transit(cidr: str) -> dict[str, Any]:
    return {"name": "transit", "tier": "isolated", "cidr": cidr, "prefix_length": 28}


def peered(
    *,
    peering: dict[str, Any] | None = None,
    eu_asn: int = 64513,
    extra_peerings: list[dict[str, Any]] | None = None,
    us_segments: list[dict[str, Any]] | None = None,
) -> NetworkBuilder:
    """hub (us-east-1, network account; shared <- prod) peered with hub-eu (eu-west-1,
    apps account; apps), a VPC in each segment."""
    default = {
        "name": "us-eu",
        "requester": {"transit_gateway": "hub", "segment": "shared"},
        "accepter": {"transit_gateway": "hub-eu", "segment": "apps"},
    }
    return (
        network()
        .top(
            transit_gateways=[
                {
                    "name": "hub",
                    "segments": us_segments
                    or [{"name": "shared"}, {"name": "prod", "reaches": ["shared"]}],
                },
                {
                    "name": "hub-eu",
                    "account": "apps",
                    "region": "eu-west-1",
                    "amazon_side_asn": eu_asn,
                    "segments": [{"name": "apps"}],
                },
            ],
            transit_gateway_peerings=[peering or default, *(extra_peerings or [])],
        )
        .vpc("shared", cidr="10.0.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
        .group("transit", **_transit("10.0.240.0/24"))
        .set(transit_gateway={"name": "hub", "segment": "shared", "subnet_group": "transit"})
        .vpc("prod", cidr="10.1.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
        .group("transit", **_transit("10.1.240.0/24"))
        .set(transit_gateway={"name": "hub", "segment": "prod", "subnet_group": "transit"})
        .vpc(
            "eu-app",
            cidr="10.64.0.0/16",
            nat="none",
            account="apps",
            region="eu-west-1",
            availability_zones=EU_ZONES,
        )
        .group("private", tier="isolated")
        .drop_group("public")
        .group("transit", **_transit("10.64.240.0/24"))
        .set(transit_gateway={"name": "hub-eu", "segment": "apps", "subnet_group": "transit"})
    )


def _peering(requester: dict[str, Any], accepter: dict[str, Any], name: str = "us-eu") -> Any:
    return {"name": name, "requester": requester, "accepter": accepter}


US = {"transit_gateway": "hub", "segment": "shared"}
EU = {"transit_gateway": "hub-eu", "segment": "apps"}

CASES = {
    "transit-gateway-peering-references": Case(
        peered(),
        peered(peering=_peering(US, {"transit_gateway": "hub-eu", "segment": "app"})),
        "transit_gateway_peerings[us-eu].accepter.segment: hub-eu has no segment app; use one "
        "of: apps",
    ),
    "transit-gateway-peering-asn": Case(
        peered(eu_asn=64513),
        peered(eu_asn=64512),
        "transit_gateway_peerings[us-eu]: hub and hub-eu both use ASN 64512; give "
        "transit_gateways[hub-eu].amazon_side_asn another private ASN",
    ),
    "transit-gateway-peering-routes": Case(
        peered(
            us_segments=[
                {"name": "shared", "routes": [{"cidr": "10.99.0.0/16", "blackhole": True}]},
                {"name": "prod", "reaches": ["shared"]},
            ]
        ),
        peered(
            us_segments=[
                {"name": "shared", "routes": [{"cidr": "10.64.0.0/16", "blackhole": True}]},
                {"name": "prod", "reaches": ["shared"]},
            ]
        ),
        "transit_gateway_peerings[us-eu].requester.segment: the route to peer VPC eu-app "
        "(10.64.0.0/16) in segment shared of hub collides with a static route of the segment",
    ),
}

test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


@pytest.mark.parametrize(
    ("builder", "rule_id", "expected"),
    [
        (
            peered(peering=_peering({"transit_gateway": "hbu", "segment": "shared"}, EU)),
            "transit-gateway-peering-references",
            "requester.transit_gateway: Transit Gateway hbu is not declared; use one of: hub, "
            "hub-eu",
        ),
        (
            peered(peering=_peering(US, {"transit_gateway": "hub", "segment": "prod"})),
            "transit-gateway-peering-references",
            "accepter.transit_gateway: the peering joins Transit Gateway hub with itself",
        ),
        (
            peered(extra_peerings=[_peering(EU, US, name="eu-us")]),
            "transit-gateway-peering-references",
            "transit_gateway_peerings[eu-us]: Transit Gateways hub-eu and hub are already "
            "peered by us-eu",
        ),
        (
            peered(extra_peerings=[_peering(US, EU)]),
            "transit-gateway-peering-references",
            "peering name us-eu is used more than once",
        ),
        (
            peered(peering=_peering({**US, "summaries": ["10.64.0.0/12", "10.64.0.0/12"]}, EU)),
            "transit-gateway-peering-routes",
            "requester.summaries: 10.64.0.0/12 is listed more than once",
        ),
        (
            peered(peering=_peering({**US, "summaries": ["10.1.128.0/17"]}, EU)),
            "transit-gateway-peering-routes",
            "destination 10.1.128.0/17 lies inside 10.1.0.0/16 of VPC prod, which segment "
            "shared reaches here",
        ),
    ],
)
def test_peering_edges(builder: NetworkBuilder, rule_id: str, expected: str) -> None:
    findings = builder.findings()
    assert any(f.startswith(f"{rule_id} ") and expected in f for f in findings), findings


def test_a_summary_that_covers_a_local_vpc_from_outside_passes() -> None:
    # 10.0.0.0/8 is wider than every local VPC: longest-prefix match keeps them local.
    assert peered(peering=_peering({**US, "summaries": ["10.0.0.0/8"]}, EU)).findings() == []


def _eu_spokes(count: int) -> NetworkBuilder:
    builder = peered()
    for index in range(count):
        cidr = f"10.{65 + index // 256}.{index % 256}.0/24"
        builder = builder.vpc(
            f"eu-{index}",
            cidr=cidr,
            nat="none",
            account="apps",
            region="eu-west-1",
            availability_zones=EU_ZONES,
            groups=[{"name": "transit", "tier": "isolated", "cidr": cidr, "prefix_length": 28}],
            transit_gateway={"name": "hub-eu", "segment": "apps", "subnet_group": "transit"},
        )
    return builder


def test_route_budget_boundary() -> None:
    # The requester writes one route per eu VPC in 2 segments (shared, prod): the original
    # eu-app plus N spokes. 199 spokes -> 400 routes (the budget), 200 -> 402.
    assert not [f for f in _eu_spokes(199).findings() if "static routes on hub" in f]
    over = [f.split(": ", 1)[1] for f in _eu_spokes(200).findings() if "static routes on hub" in f]
    assert over == [
        "transit_gateway_peerings[us-eu].requester: "
        "the peering adds 402 static routes on hub (201 destinations in 2 segments), more than "
        "the 400 one stack holds; give requester.summaries: summary CIDRs of the peer's VPCs"
    ]
