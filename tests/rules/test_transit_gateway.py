"""Transit Gateway rules: each with one good and one bad config."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rules.cases import Case, case_tests
from tests.support.builder import NetworkBuilder, network

ORG = "arn:aws:organizations::111111111111:organization/o-abcdefghij"


def _transit(cidr: str) -> dict[str, Any]:
    return {"name": "transit", "tier": "isolated", "cidr": cidr, "prefix_length": 28}


def hub(
    segments: list[dict[str, Any]] | None = None, share_with: list[str] | None = None
) -> NetworkBuilder:
    """A network account hub, a shared VPC and a prod VPC in the apps account."""
    return (
        network()
        .top(
            transit_gateways=[
                {
                    "name": "hub",
                    "share_with": ["apps"] if share_with is None else share_with,
                    "segments": segments
                    or [{"name": "shared"}, {"name": "prod", "reaches": ["shared"]}],
                }
            ]
        )
        .vpc("shared", cidr="10.0.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
        .group("transit", **_transit("10.0.240.0/24"))
        .set(transit_gateway={"name": "hub", "segment": "shared", "subnet_group": "transit"})
        .vpc("prod", cidr="10.1.0.0/16", account="apps", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
        .group("transit", **_transit("10.1.240.0/24"))
        .set(transit_gateway={"name": "hub", "segment": "prod", "subnet_group": "transit"})
    )


CASES = {
    "transit-gateway-references": Case(
        hub(),
        hub().set(transit_gateway={"name": "hub", "segment": "prdo", "subnet_group": "transit"}),
        "test.yaml:46: vpcs[prod].transit_gateway.segment: hub has no segment prdo; use one of: "
        "shared, prod",
    ),
    "transit-subnets": Case(
        hub(),
        hub().group("transit", zones=["us-east-1a"]),
        "vpcs[prod].transit_gateway.subnet_group: group transit has no subnet in us-east-1b, so "
        "workloads there cannot reach the Transit Gateway",
    ),
    "transit-gateway-sharing": Case(
        hub(share_with=[ORG]),
        hub(share_with=[]),
        "vpcs[prod].transit_gateway.name: the VPC is in account apps, and hub is not shared "
        "with it; add apps to transit_gateways[hub].share_with",
    ),
    "segment-routes": Case(
        hub(
            segments=[
                {"name": "shared", "routes": [{"cidr": "10.9.0.0/16", "blackhole": True}]},
                {"name": "prod", "reaches": ["shared"]},
            ]
        ),
        hub(
            segments=[
                {"name": "shared", "routes": [{"cidr": "10.0.0.0/8", "blackhole": True}]},
                {"name": "prod", "reaches": ["shared"]},
            ]
        ),
        "10.0.0.0/8 overlaps the CIDR 10.0.0.0/16 of member VPC shared",
    ),
    "blackhole-shadows-vpc": Case(
        hub(
            segments=[
                {"name": "shared", "routes": [{"cidr": "10.9.0.0/17", "blackhole": True}]},
                {"name": "prod", "reaches": ["shared"]},
            ]
        ),
        hub(
            segments=[
                {"name": "shared"},
                {
                    "name": "prod",
                    "reaches": ["shared"],
                    "routes": [{"cidr": "10.0.128.0/17", "blackhole": True}],
                },
            ]
        ),
        "warning: test.yaml:57: transit_gateways[hub].segments[prod].routes: blackhole "
        "10.0.128.0/17 drops that part of reached VPC shared (10.0.0.0/16) for members of "
        "segment prod",
    ),
}


@pytest.mark.parametrize(
    ("cidr", "outcome"),
    [
        ("10.0.0.0/17", "blackhole-shadows-vpc"),  # inside the reached /16: allowed, warned
        ("10.0.255.240/28", "blackhole-shadows-vpc"),
        ("10.0.0.0/16", "segment-routes"),  # equal: refused
        ("10.0.0.0/15", "segment-routes"),  # broader: refused
    ],
)
def test_a_blackhole_may_drop_part_of_a_reached_vpc_only(cidr: str, outcome: str) -> None:
    builder = hub(
        segments=[
            {"name": "shared"},
            {"name": "prod", "reaches": ["shared"], "routes": [{"cidr": cidr, "blackhole": True}]},
        ]
    )
    findings = builder.findings()
    assert {f.split()[0] for f in findings} == {outcome}, findings


def test_a_static_route_inside_a_reached_vpc_is_still_refused() -> None:
    builder = hub(
        segments=[
            {"name": "shared"},
            {
                "name": "prod",
                "reaches": ["shared"],
                "routes": [{"cidr": "10.0.0.0/17", "vpc": "prod"}],
            },
        ]
    )
    assert [f.split()[0] for f in builder.findings()] == ["segment-routes"]


@pytest.mark.parametrize(
    ("isolated", "effect"),
    [
        (False, "and its members reach each other already"),
        (True, "and isolated: true keeps its members apart"),
    ],
)
def test_a_segment_reaching_itself_is_an_error(isolated: bool, effect: str) -> None:
    builder = hub(
        segments=[
            {"name": "shared"},
            {"name": "prod", "reaches": ["shared", "prod"], "isolated": isolated},
        ]
    )
    findings = builder.findings()
    assert any(
        f.startswith("transit-gateway-references ")
        and "transit_gateways[hub].segments[prod].reaches: segment prod names itself in "
        f"reaches, {effect}; remove prod from reaches"
        in f
        for f in findings
    ), findings


@pytest.mark.parametrize(
    ("region", "arn", "reported"),
    [
        ("us-east-1", "arn:aws:organizations::111111111111:organization/o-abcdefghij", False),
        ("us-east-1", "arn:aws-cn:organizations::111111111111:organization/o-abcdefghij", True),
        ("cn-north-1", "arn:aws-cn:organizations::111111111111:organization/o-abcdefghij", False),
        (
            "us-gov-west-1",
            "arn:aws:organizations::111111111111:ou/o-abcdefghij/ou-ab12-cdefgh34",
            True,
        ),
    ],
)
def test_share_with_an_organization_of_the_gateways_partition_only(
    region: str, arn: str, reported: bool
) -> None:
    builder = hub(share_with=["apps", arn])
    data = builder.data()
    data["transit_gateways"][0]["region"] = region
    from tests.support.builder import network_from

    findings = [
        f for f in network_from(data).findings() if f.startswith("transit-gateway-sharing ")
    ]
    if reported:
        [finding] = findings
        assert "RAM cannot share across partitions" in finding
    else:
        assert findings == []


test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


@pytest.mark.parametrize(
    ("builder", "rule_id", "expected"),
    [
        (
            hub().set(
                transit_gateway={"name": "core", "segment": "prod", "subnet_group": "transit"}
            ),
            "transit-gateway-references",
            "Transit Gateway core is not declared; use one of: hub",
        ),
        (
            hub(segments=[{"name": "shared"}, {"name": "prod", "reaches": ["shard"]}]),
            "transit-gateway-references",
            "transit_gateways[hub].segments[prod].reaches: segment shard does not exist",
        ),
        (
            hub(
                segments=[
                    {"name": "shared", "routes": [{"cidr": "10.8.0.0/16", "vpc": "dev"}]},
                    {"name": "prod", "reaches": ["shared"]},
                ]
            ),
            "transit-gateway-references",
            "the route to 10.8.0.0/16 targets VPC dev, which is not attached to hub",
        ),
        (
            hub().set(region="us-west-2", availability_zones=["us-west-2a", "us-west-2b"]),
            "transit-gateway-references",
            "hub is in us-east-1, the VPC in us-west-2",
        ),
        (
            hub().set(
                transit_gateway={"name": "hub", "segment": "prod", "subnet_group": "tranzit"}
            ),
            "transit-subnets",
            "subnet group tranzit does not exist",
        ),
        (
            hub()
            .set(local_zones=[{"name": "us-east-1-bos-1a"}])
            .group("transit", zones=["us-east-1a", "us-east-1b", "us-east-1-bos-1a"]),
            "transit-subnets",
            "group transit covers us-east-1-bos-1a, and a Transit Gateway attachment cannot use "
            "Local Zone subnets",
        ),
        (
            hub().set(
                transit_gateway={
                    "name": "hub",
                    "segment": "prod",
                    "subnet_group": "transit",
                    "route_from": ["nope"],
                }
            ),
            "transit-subnets",
            "transit_gateway.route_from: subnet group nope does not exist",
        ),
        (
            hub().set(
                transit_gateway={
                    "name": "hub",
                    "segment": "prod",
                    "subnet_group": "transit",
                    "summaries": ["10.8.0.0/16", "10.8.0.0/16"],
                }
            ),
            "transit-subnets",
            "vpcs[prod].transit_gateway.summaries: 10.8.0.0/16 is listed more than once",
        ),
        (
            hub()
            .set(
                nat="single",
                transit_gateway={
                    "name": "hub",
                    "segment": "prod",
                    "subnet_group": "transit",
                    "summaries": ["0.0.0.0/0"],
                },
            )
            .group("public", tier="public", cidr="10.1.32.0/20", prefix_length=24)
            .group("private", tier="private"),
            "transit-subnets",
            "0.0.0.0/0 would also be routed to hub, but groups private already send it to a NAT "
            "or internet gateway; drop 0.0.0.0/0, or take those groups out of route_from",
        ),
        (
            hub(
                segments=[
                    {"name": "shared"},
                    {
                        "name": "prod",
                        "reaches": ["shared"],
                        "routes": [{"cidr": "10.0.0.0/16", "vpc": "shared"}],
                    },
                ]
            ),
            "segment-routes",
            "transit_gateways[hub].segments[prod].routes: 10.0.0.0/16 overlaps the CIDR "
            "10.0.0.0/16 of reached VPC shared; route a range outside the VPCs the segment "
            "already reaches",
        ),
        (
            hub(share_with=["apps", "arn:aws:iam::222222222222:root"]),
            "transit-gateway-sharing",
            "arn:aws:iam::222222222222:root is neither an account name nor an organization",
        ),
        (
            hub(
                segments=[
                    {
                        "name": "shared",
                        "routes": [
                            {"cidr": "10.9.0.0/16", "blackhole": True},
                            {"cidr": "10.9.0.0/16", "vpc": "prod"},
                        ],
                    },
                    {"name": "prod", "reaches": ["shared"]},
                ]
            ),
            "segment-routes",
            "10.9.0.0/16 has more than one route in segment shared",
        ),
    ],
)
def test_more_findings(builder: NetworkBuilder, rule_id: str, expected: str) -> None:
    findings = builder.findings()
    assert any(f.startswith(f"{rule_id} ") and expected in f for f in findings), findings


def test_a_route_needs_exactly_one_target() -> None:
    segments: list[dict[str, Any]] = [
        {"name": "shared", "routes": [{"cidr": "10.9.0.0/16"}]},
        {"name": "prod"},
    ]
    findings = hub(segments=segments).findings()
    assert any(
        "a route needs exactly one target; give vpc: NAME or blackhole: true" in f for f in findings
    ), findings


@pytest.mark.parametrize(
    ("asn", "ok"),
    [
        (64511, False),
        (64512, True),
        (65534, True),
        (65535, False),
        (4200000000, True),
        (4294967295, False),
    ],
)
def test_amazon_side_asn_boundaries(asn: int, ok: bool) -> None:
    builder = hub()
    data = builder.data()
    data["transit_gateways"][0]["amazon_side_asn"] = asn
    findings = builder.top(transit_gateways=data["transit_gateways"]).findings()
    assert (findings == []) is ok, findings
