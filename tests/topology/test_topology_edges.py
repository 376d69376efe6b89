"""Topology edges found by mutation testing: overlap boundaries, subnets that cannot be
placed (and what the user is told), and Transit Gateway facts (attachments, which
segment reaches which, who propagates where, which VPC reaches which).

Every expectation is written down by hand from the config in the test.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from multivpc.config.loader import parse_document
from multivpc.config.models import SubnetGroup
from multivpc.topology import (
    AllocationError,
    AttachmentTopology,
    PlacedSubnet,
    Topology,
    TransitTopology,
    VpcTopology,
    overlapping,
    topology,
)
from multivpc.topology.allocation import subnet_cidr
from tests.support.builder import NetworkBuilder, base, network

A, B, C = "us-east-1a", "us-east-1b", "us-east-1c"
BOS = "us-east-1-bos-1a"


def _facts(builder: NetworkBuilder) -> Topology:
    """Topology of a shape-valid config, before any rule runs (rules may still object)."""
    return topology(parse_document(builder.yaml()).config)


def _nets(*cidrs: str) -> list[ipaddress.IPv4Network]:
    return [ipaddress.IPv4Network(c) for c in cidrs]


# -- overlapping ------------------------------------------------------------------------


def test_a_host_route_on_the_last_address_overlaps() -> None:
    assert list(overlapping(_nets("10.0.0.0/24", "10.0.0.255/32"))) == [(0, 1)]
    assert list(overlapping(_nets("10.0.0.255/32", "10.0.0.255/32"))) == [(0, 1)]
    assert list(overlapping(_nets("10.0.0.0/24", "10.0.1.0/24", "10.0.1.0/32"))) == [(1, 2)]


def test_ranges_from_address_zero_overlap_nothing_by_themselves() -> None:
    assert list(overlapping(_nets("0.0.0.0/8", "1.0.0.0/8"))) == []
    assert list(overlapping(_nets("0.0.0.0/32", "0.0.0.1/32", "0.0.0.2/31"))) == []


def test_a_duplicate_and_a_later_overlap_name_the_first_declared() -> None:
    nets = _nets("10.0.0.0/24", "10.0.0.0/24", "10.0.0.128/25")
    assert list(overlapping(nets)) == [(0, 1), (0, 2)]


# -- allocation -------------------------------------------------------------------------


def _placements(vpc: VpcTopology, group: str) -> list[tuple[str, str | None, str | None]]:
    """(zone, CIDR or None, "problem; fix" or None) per placement of ``group``."""
    return [
        (
            p.zone,
            str(p.subnet.cidr) if p.subnet else None,
            f"{p.error.problem}; {p.error.fix}" if p.error else None,
        )
        for p in vpc.placements
        if p.group.name == group
    ]


def test_a_range_holding_one_subnet_places_only_zone_a() -> None:
    [vpc] = _facts(base().group("private", cidr="10.0.16.0/24")).vpcs
    assert _placements(vpc, "private") == [
        (A, "10.0.16.0/24", None),
        (
            B,
            None,
            "10.0.16.0/24 holds 1 subnet of /24 but zone us-east-1b needs slot 1; "
            "widen the group's cidr or use a longer prefix_length",
        ),
    ]


def test_a_range_holding_two_subnets_says_subnets() -> None:
    builder = base().set(availability_zones=[A, B, C]).group("private", cidr="10.0.16.0/23")
    [vpc] = _facts(builder).vpcs
    assert _placements(vpc, "private") == [
        (A, "10.0.16.0/24", None),
        (B, "10.0.17.0/24", None),
        (
            C,
            None,
            "10.0.16.0/23 holds 2 subnets of /24 but zone us-east-1c needs slot 2; "
            "widen the group's cidr or use a longer prefix_length",
        ),
    ]


def test_a_prefix_length_wider_than_the_range_places_nothing() -> None:
    [vpc] = _facts(base().group("private", cidr="10.0.16.0/24", prefix_length=20)).vpcs
    why = (
        "prefix_length /20 is larger than the group range 10.0.16.0/24; "
        "use a prefix_length of at least /24"
    )
    assert _placements(vpc, "private") == [(A, None, why), (B, None, why)]


def _group(**keys: Any) -> SubnetGroup:
    return SubnetGroup.model_validate({"name": "app", "tier": "private", **keys})


def test_a_zone_of_no_known_kind_cannot_be_placed() -> None:
    group = _group(cidr="10.0.0.0/20", prefix_length=24)
    with pytest.raises(AllocationError) as raised:
        subnet_cidr(group, BOS, ())  # a Local Zone the VPC does not declare
    assert (raised.value.problem, raised.value.fix) == (
        "us-east-1-bos-1a is not a zone of this VPC",
        "add it to the VPC's zones",
    )
    assert str(raised.value) == "us-east-1-bos-1a is not a zone of this VPC"
    assert subnet_cidr(group, BOS, (BOS,)) == ipaddress.IPv4Network("10.0.15.0/24")


def test_allocation_errors_read_as_their_problem() -> None:
    with pytest.raises(AllocationError, match=r"^prefix_length /20 is larger than the group"):
        subnet_cidr(_group(cidr="10.0.0.0/24", prefix_length=20), A, ())
    with pytest.raises(AllocationError, match=r"^10\.0\.0\.0/24 holds 1 subnet of /24 but"):
        subnet_cidr(_group(cidr="10.0.0.0/24", prefix_length=24), B, ())


def test_placed_subnets_carry_map_public_ip_on_launch() -> None:
    [vpc] = _facts(base().group("public", map_public_ip_on_launch=True)).vpcs
    assert vpc.subnets() == (
        PlacedSubnet("public", "public", A, False, ipaddress.IPv4Network("10.0.0.0/24"), True),
        PlacedSubnet("public", "public", B, False, ipaddress.IPv4Network("10.0.1.0/24"), True),
        PlacedSubnet("private", "private", A, False, ipaddress.IPv4Network("10.0.16.0/24")),
        PlacedSubnet("private", "private", B, False, ipaddress.IPv4Network("10.0.17.0/24")),
    )


# -- Transit Gateway facts ---------------------------------------------------------------


def _spoke(builder: NetworkBuilder, name: str, index: int, segment: str) -> NetworkBuilder:
    return builder.vpc(
        name,
        cidr=f"10.{index}.0.0/16",
        nat="none",
        groups=[
            {"name": "app", "tier": "isolated", "cidr": f"10.{index}.0.0/20", "prefix_length": 24},
            {
                "name": "transit",
                "tier": "isolated",
                "cidr": f"10.{index}.240.0/24",
                "prefix_length": 28,
            },
        ],
        transit_gateway={"name": "hub", "segment": segment, "subnet_group": "transit"},
    )


def segments() -> NetworkBuilder:
    """shared <- prod, shared <- dev (isolated), quarantine (isolated, reaches nothing).
    Spokes: s1 in shared, p1 and p2 in prod, d1 and d2 in dev, q1 in quarantine; and
    ``alone``, attached nowhere."""
    builder = network().top(
        transit_gateways=[
            {
                "name": "hub",
                "segments": [
                    {"name": "shared"},
                    {"name": "prod", "reaches": ["shared"]},
                    {"name": "dev", "reaches": ["shared"], "isolated": True},
                    {"name": "quarantine", "isolated": True},
                ],
            }
        ]
    )
    spokes = [("s1", "shared"), ("p1", "prod"), ("p2", "prod"), ("d1", "dev"), ("d2", "dev")]
    for index, (name, segment) in enumerate([*spokes, ("q1", "quarantine")]):
        _spoke(builder, name, index, segment)
    return builder.vpc("alone", cidr="10.9.0.0/16")


@pytest.fixture  # per test, not per module: mutmut maps each test to what it calls
def hub() -> TransitTopology:
    facts = _facts(segments())
    tgw = facts.transit_gateway("hub")
    assert tgw is not None
    return tgw


def test_the_segment_config_is_valid() -> None:
    assert segments().findings() == []


@pytest.mark.parametrize(
    ("first", "second", "linked"),
    [
        ("prod", "shared", True),  # prod reaches shared
        ("shared", "prod", True),  # ... and reach is both ways
        ("dev", "shared", True),
        ("shared", "dev", True),
        ("prod", "dev", False),  # both reach shared, not each other
        ("dev", "prod", False),
        ("quarantine", "shared", False),
        ("shared", "quarantine", False),
        ("prod", "prod", False),  # a segment does not reach itself through reaches
        ("nope", "shared", False),
        ("shared", "nope", False),
    ],
)
def test_linked_segments(hub: TransitTopology, first: str, second: str, linked: bool) -> None:
    assert hub.linked(first, second) is linked


@pytest.mark.parametrize(
    ("segment", "tables"),
    [
        ("shared", ("shared", "prod", "dev")),
        ("prod", ("shared", "prod")),
        ("dev", ("shared",)),  # isolated: not into its own table
        ("quarantine", ()),
        ("nope", ()),
    ],
)
def test_propagates_into(hub: TransitTopology, segment: str, tables: tuple[str, ...]) -> None:
    assert hub.propagates_into(segment) == tables


@pytest.mark.parametrize(
    ("vpc", "reached"),
    [
        ("s1", ("p1", "p2", "d1", "d2")),
        ("p1", ("s1", "p2")),
        ("p2", ("s1", "p1")),
        ("d1", ("s1",)),
        ("q1", ()),
        ("alone", ()),
        ("nope", ()),
    ],
)
def test_reachable(hub: TransitTopology, vpc: str, reached: tuple[str, ...]) -> None:
    assert tuple(a.vpc.name for a in hub.reachable(vpc)) == reached


def test_segment_lookup(hub: TransitTopology) -> None:
    segment = hub.segment("dev")
    assert segment is not None and (segment.name, segment.reaches, segment.isolated) == (
        "dev",
        ["shared"],
        True,
    )
    assert hub.segment("nope") is None
    assert hub.name == "hub"


def _attachment_facts(builder: NetworkBuilder) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    [tgw, *_] = _facts(builder).transit_gateways
    return [
        (a.vpc.name, a.transit_gateway, a.segment, a.subnet_group, a.zones) for a in tgw.attachments
    ]


def test_attachments_only_of_their_own_gateway_with_the_owner_account() -> None:
    builder = segments().top(
        transit_gateways=[
            *segments().data()["transit_gateways"],
            {"name": "other", "account": "ghost", "segments": [{"name": "shared"}]},
        ],
    )
    builder.at("p1").set(
        transit_gateway={"name": "other", "segment": "shared", "subnet_group": "app"}
    )
    hub_facts, other = _facts(builder).transit_gateways
    assert (hub_facts.name, hub_facts.account_id) == ("hub", "111111111111")
    assert (other.name, other.account_id) == ("other", None)
    assert [a.vpc.name for a in hub_facts.attachments] == ["s1", "p2", "d1", "d2", "q1"]
    assert [(a.vpc.name, a.transit_gateway, a.subnet_group) for a in other.attachments] == [
        ("p1", "other", "app")
    ]


def test_attachment_zones_come_from_its_subnet_group() -> None:
    builder = (
        segments()
        .at("s1")
        .group("transit", zones=[B])
        .at("p1")
        .group(
            "transit",
            cidr=None,
            prefix_length=None,
            cidrs={B: "10.1.240.0/28", A: "10.1.240.16/28"},
        )
        .at("p2")
        .set(transit_gateway={"name": "hub", "segment": "prod", "subnet_group": "missing"})
    )
    facts = _attachment_facts(builder)
    assert facts[:4] == [
        ("s1", "hub", "shared", "transit", (B,)),
        ("p1", "hub", "prod", "transit", (B, A)),
        ("p2", "hub", "prod", "missing", ()),  # unknown group: no zones (a rule reports it)
        ("d1", "hub", "dev", "transit", (A, B)),  # default: every Availability Zone
    ]


def test_route_from_defaults_to_every_group_but_public_ones_and_the_attachments_own() -> None:
    builder = (
        base()
        .top(transit_gateways=[{"name": "hub", "segments": [{"name": "shared"}]}])
        .group("data", tier="isolated", cidr="10.0.32.0/20", prefix_length=24)
        .group("edge", tier="public", cidr="10.0.48.0/20", prefix_length=24)
        .group("transit", tier="isolated", cidr="10.0.240.0/24", prefix_length=28)
        .set(transit_gateway={"name": "hub", "segment": "shared", "subnet_group": "transit"})
    )
    [tgw] = _facts(builder).transit_gateways
    [attachment] = tgw.attachments
    assert attachment == AttachmentTopology(
        vpc=builder.build().vpcs[0],
        transit_gateway="hub",
        segment="shared",
        subnet_group="transit",
        zones=(A, B),
        route_from=("private", "data"),
    )
    explicit = builder.set(
        transit_gateway={
            "name": "hub",
            "segment": "shared",
            "subnet_group": "transit",
            "route_from": ["edge", "data"],
        }
    )
    [tgw] = _facts(explicit).transit_gateways
    assert tgw.attachments[0].route_from == ("edge", "data")
