"""One clear line per mistake, on the line of the key that is wrong.

Each case is a mistake users made, with every finding `multivpc validate` prints for it
(as ``RULE FILE:LINE: LOCATION: PROBLEM; FIX``; shape findings have no rule id). Before,
these printed the same line once per zone, added follow-on findings, named a cidr without
prefix_length "no addresses", or suggested a fix that cannot work.
"""

from __future__ import annotations

import pytest

from tests.support.builder import NetworkBuilder, base

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
# In these configs (see NetworkBuilder.yaml), lines 17-20 are the public group
# (name, tier, cidr, prefix_length) and 21-24 the private one; nat_zone comes last.

CASES: dict[str, tuple[NetworkBuilder, list[str]]] = {
    "prefix_length shorter than the group range: once, not once per zone": (
        base().set(availability_zones=ZONES).group("public", prefix_length=16),
        [
            "subnets-fit-vpc test.yaml:20: vpcs[app].subnets[public].prefix_length: /16 is "
            "larger than the group range 10.0.0.0/20; use a prefix_length of at least 20"
        ],
    ),
    "two group ranges overlap: one finding on the later cidr, none per subnet": (
        base().set(availability_zones=ZONES).group("private", cidr="10.0.0.0/20"),
        [
            "subnets-disjoint test.yaml:23: vpcs[app].subnets[private].cidr: 10.0.0.0/20 "
            "overlaps subnets[public] 10.0.0.0/20 (subnets collide in us-east-1a, us-east-1b, "
            "us-east-1c); give the groups ranges that do not overlap"
        ],
    ),
    "an explicit CIDR overlaps another group's subnet: on that CIDR's line": (
        base().group(
            "private",
            cidr=None,
            prefix_length=None,
            cidrs={"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.17.0/24"},
        ),
        [
            "subnets-disjoint test.yaml:23: vpcs[app].subnets[private].cidrs[us-east-1a]: "
            "10.0.1.0/24 overlaps subnets[public] 10.0.1.0/24 (us-east-1b); give the groups "
            "ranges that do not overlap"
        ],
    ),
    "cidr without prefix_length is not 'no addresses'": (
        base().group("public", prefix_length=None),
        [
            " test.yaml:18: vpcs[app].subnets[public].cidr: the range has no prefix_length to "
            "cut it into one subnet per zone; add prefix_length, the size of each zone's subnet "
            "(such as 24)"
        ],
    ),
    "prefix_length without cidr": (
        base().group("public", cidr=None),
        [
            " test.yaml:18: vpcs[app].subnets[public].prefix_length: there is no cidr (the "
            "group's range) to cut into subnets; add cidr, or give cidrs (one CIDR per zone) "
            "instead of prefix_length"
        ],
    ),
    "a misspelled nat_zone: the VPC's zones, not 'add us-east-1x to a public group'": (
        base().set(nat="single", nat_zone="us-east-1x"),
        [
            "nat-needs-public-subnet test.yaml:24: vpcs[app].nat_zone: us-east-1x is not one "
            "of the VPC's availability_zones; use one of: us-east-1a, us-east-1b"
        ],
    ),
    "a nat_zone without a public subnet: on the nat_zone line": (
        base().set(nat="single", nat_zone="us-east-1b").group("public", zones=["us-east-1a"]),
        [
            "nat-needs-public-subnet test.yaml:26: vpcs[app].nat_zone: a NAT gateway in "
            "us-east-1b needs a public subnet in us-east-1b; add us-east-1b to a public subnet "
            "group's zones"
        ],
    ),
    "nat_zone with nat per-az: one finding, not a second about its zone": (
        base().set(nat_zone="us-east-1x"),
        [
            "nat-needs-public-subnet test.yaml:24: vpcs[app].nat_zone: nat_zone is set but nat "
            "is per-az; set nat: single or remove nat_zone"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_clear_line(case: str) -> None:
    builder, expected = CASES[case]
    assert builder.findings() == expected


def _old_spelling(where: str, old: str, value: object) -> NetworkBuilder:
    """The peering/attachment/endpoints config with ``old`` spelled at ``where``."""
    builder = (
        base()
        .top(
            transit_gateways=[{"name": "hub", "segments": [{"name": "s"}]}],
            peerings=[{"name": "p", "requester": {"vpc": "app"}, "accepter": {"vpc": "db"}}],
        )
        .group("transit", tier="isolated", cidr="10.0.240.0/24", prefix_length=28)
        .set(transit_gateway={"name": "hub", "segment": "s", "subnet_group": "transit"})
        .vpc("db", cidr="10.1.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
    )
    data = builder.data()
    if where == "transit_gateway":
        data["vpcs"][0]["transit_gateway"][old] = value
    elif where == "endpoints":
        data["vpcs"][0]["endpoints"] = {"interface": ["ssm"], old: value}
    elif where == "peering":
        data["peerings"][0]["requester"][old] = value
    else:  # a Transit Gateway peering side
        data["transit_gateways"].append(
            {
                "name": "eu",
                "region": "eu-west-1",
                "amazon_side_asn": 64513,
                "segments": [{"name": "s"}],
            }
        )
        data["transit_gateway_peerings"] = [
            {
                "name": "us-eu",
                "requester": {"transit_gateway": "hub", "segment": "s", old: value},
                "accepter": {"transit_gateway": "eu", "segment": "s"},
            }
        ]
    from tests.support.builder import network_from

    return network_from(data)


@pytest.mark.parametrize(
    ("where", "old", "value", "expected"),
    [
        ("transit_gateway", "subnets", "transit",
         "vpcs[app].transit_gateway.subnets: this key is now subnet_group; write subnet_group: "
         "NAME (the attachment's subnet group) instead"),
        ("transit_gateway", "destinations", ["10.0.0.0/8"],
         "vpcs[app].transit_gateway.destinations: this key is now summaries; write summaries: "
         "[CIDR, ...] instead"),
        ("endpoints", "subnets", "private",
         "vpcs[app].endpoints.subnets: this key is now subnet_group; write subnet_group: NAME "
         "(the interface endpoints' subnet group) instead"),
        ("peering", "destinations", ["10.1.0.0/16"],
         "peerings[p].requester.destinations: this key is now peer_ranges; write peer_ranges: "
         "[CIDR, ...] inside the peer instead"),
        ("tgw-peering", "destinations", ["10.0.0.0/8"],
         "transit_gateway_peerings[us-eu].requester.destinations: this key is now summaries; "
         "write summaries: [CIDR, ...] instead"),
    ],
)  # fmt: skip
def test_an_earlier_key_names_the_new_one_in_one_line(
    where: str, old: str, value: object, expected: str
) -> None:
    findings = _old_spelling(where, old, value).findings()
    assert len(findings) == 1 and expected in findings[0], findings


@pytest.mark.parametrize("where", ["transit_gateway", "endpoints", "peering", "tgw-peering"])
def test_the_new_spellings_load(where: str) -> None:
    new = {
        "transit_gateway": ("summaries", ["10.0.0.0/8"]),
        "endpoints": ("subnet_group", "transit"),
        "peering": ("peer_ranges", ["10.1.0.0/16"]),
        "tgw-peering": ("summaries", ["10.0.0.0/8"]),
    }
    key, value = new[where]
    assert _old_spelling(where, key, value).findings() == []
