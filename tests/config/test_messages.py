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
