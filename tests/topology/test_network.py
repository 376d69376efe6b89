"""Facts derived once per VPC: zones per group, placements, public, private and NAT zones."""

from __future__ import annotations

import pytest
import yaml

from multivpc.config.loader import parse_document
from multivpc.topology import Topology, topology
from tests.support.builder import NetworkBuilder, base

BOS = "us-east-1-bos-1a"
MIA = "us-east-1-mia-1a"


def _facts(builder: NetworkBuilder) -> Topology:
    """Topology of a shape-valid config, before any rule runs (rules may still object)."""
    return topology(parse_document(yaml.safe_dump(builder.data())).config)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"nat": "none"}, ()),
        ({"nat": "single"}, ("us-east-1a",)),
        ({"nat": "single", "availability_zones": ["us-east-1c", "us-east-1b"]}, ("us-east-1b",)),
        ({"nat": "single", "nat_zone": "us-east-1b"}, ("us-east-1b",)),
        ({"nat": "per-az"}, ("us-east-1a", "us-east-1b")),
        (
            {"nat": "per-az", "availability_zones": ["us-east-1c", "us-east-1a"]},
            ("us-east-1a", "us-east-1c"),
        ),
    ],
)
def test_nat_zones_by_mode(keys: dict[str, object], expected: tuple[str, ...]) -> None:
    [vpc] = _facts(base().set(**keys)).vpcs
    assert vpc.nat_zones == expected


def test_per_az_serves_only_zones_with_private_subnets() -> None:
    builder = base().set(availability_zones=["us-east-1a", "us-east-1b", "us-east-1c"])
    [vpc] = _facts(builder.group("private", zones=["us-east-1b"])).vpcs
    assert vpc.nat_zones == ("us-east-1b",)


def test_per_az_without_private_groups_serves_public_zones() -> None:
    [vpc] = _facts(base().drop_group("private")).vpcs
    assert vpc.nat_zones == ("us-east-1a", "us-east-1b")


def test_local_zone_nats_come_after_the_azs_in_declared_order() -> None:
    builder = base().set(
        nat="single",
        local_zones=[{"name": MIA, "nat_gateway": True}, {"name": BOS, "nat_gateway": True}],
    )
    [vpc] = _facts(builder).vpcs
    assert vpc.nat_zones == ("us-east-1a", MIA, BOS)
    assert vpc.local_zones == (MIA, BOS)


def test_zones_per_group_and_kinds() -> None:
    builder = (
        base()
        .set(local_zones=[{"name": BOS}])
        .group("private", zones=["us-east-1b", BOS])
        .group("db", tier="isolated", cidrs={"us-east-1a": "10.0.64.0/24"})
    )
    [vpc] = _facts(builder).vpcs
    assert {g.group.name: g.zones for g in vpc.groups} == {
        "public": ("us-east-1a", "us-east-1b"),
        "private": ("us-east-1b", BOS),
        "db": ("us-east-1a",),
    }
    assert vpc.public_zones == {"us-east-1a", "us-east-1b"}
    assert vpc.private_zones == {"us-east-1b", BOS}
    assert {(s.group, s.zone, str(s.cidr), s.is_local_zone) for s in vpc.subnets()} == {
        ("public", "us-east-1a", "10.0.0.0/24", False),
        ("public", "us-east-1b", "10.0.1.0/24", False),
        ("private", "us-east-1b", "10.0.17.0/24", False),
        ("private", BOS, "10.0.31.0/24", True),
        ("db", "us-east-1a", "10.0.64.0/24", False),
    }


@pytest.mark.parametrize(
    ("keys", "expected"),
    [({}, True), ({"internet_gateway": False}, False), ({"internet_gateway": True}, True)],
)
def test_internet_gateway_defaults_to_having_a_public_group(
    keys: dict[str, object], expected: bool
) -> None:
    [vpc] = _facts(base().set(**keys)).vpcs
    assert vpc.has_internet_gateway is expected


def test_no_public_group_no_internet_gateway_by_default() -> None:
    [vpc] = _facts(base().set(nat="none").drop_group("public")).vpcs
    assert vpc.has_internet_gateway is False


def test_undeclared_zones_are_left_out_of_placements_and_subnets_refuses() -> None:
    [vpc] = _facts(base().group("private", zones=["us-east-1a", BOS])).vpcs
    assert [(p.group.name, p.zone) for p in vpc.placements if p.group.name == "private"] == [
        ("private", "us-east-1a")
    ]
    [bad] = _facts(base().group("private", cidr="10.0.16.0/24")).vpcs
    with pytest.raises(ValueError, match="VPC app has subnets that cannot be placed"):
        bad.subnets()


def test_account_id_is_resolved_or_none() -> None:
    facts = _facts(base().vpc("other", cidr="10.1.0.0/16", account="nope"))
    assert [vpc.account_id for vpc in facts.vpcs] == ["111111111111", None]
