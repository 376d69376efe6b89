"""Rules about addresses: each with one good and one bad config, and the boundaries."""

from __future__ import annotations

import pytest

from tests.rules.cases import Case, case_tests
from tests.support.builder import base, network

CASES = {
    "vpc-cidr-size": Case(
        base().set(cidr="10.0.0.0/16"),
        base().set(cidr="10.0.0.0/15"),
        "10.0.0.0/15 is a /15; a VPC needs /16 to /28",
    ),
    "vpc-cidrs-disjoint": Case(
        base().vpc("other", cidr="10.1.0.0/16"),
        base().vpc("other", cidr="10.0.0.0/16"),
        "vpcs[other].cidr: 10.0.0.0/16 overlaps vpcs[app] 10.0.0.0/16; pick a free range",
    ),
    "subnets-fit-vpc": Case(
        base().group("private", cidr="10.0.16.0/22", prefix_length=24),
        base().group("private", cidr="10.0.16.0/24", prefix_length=24),
        "10.0.16.0/24 holds 1 subnet of /24 but zone us-east-1b needs slot 1",
    ),
    "subnets-disjoint": Case(
        base().group("private", cidr="10.0.16.0/20"),
        base().group("private", cidr="10.0.0.0/20"),
        "vpcs[app].subnets[private].cidr: 10.0.0.0/20 overlaps subnets[public] 10.0.0.0/20 "
        "(subnets collide in us-east-1a, us-east-1b); give the groups ranges that do not overlap",
    ),
    "address-allocation": Case(
        network()
        .top(address_pools=[{"name": "corp", "cidr": "10.0.0.0/15"}])
        .vpc("a", cidr=None, pool="corp", size=16)
        .vpc("b", cidr=None, pool="corp", size=16),
        network()
        .top(address_pools=[{"name": "corp", "cidr": "10.0.0.0/15"}])
        .vpc("a", cidr=None, pool="corp", size=16)
        .vpc("b", cidr=None, pool="corp", size=16)
        .vpc("c", cidr=None, pool="corp", size=16),
        "vpcs[c].size: pool corp (10.0.0.0/15) has no free /16 left for this VPC; use a "
        "smaller size, another pool, or widen the pool",
    ),
}


test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


@pytest.mark.parametrize(("prefix", "ok"), [(15, False), (16, True), (28, True), (29, False)])
def test_vpc_prefix_boundaries(prefix: int, ok: bool) -> None:
    # One isolated /28 in one zone fits every VPC size from /16 to /28.
    db = {"name": "db", "tier": "isolated", "cidrs": {"us-east-1a": "10.0.0.0/28"}}
    findings = base().set(cidr=f"10.0.0.0/{prefix}", nat="none", subnets=[db]).findings()
    size_findings = [f for f in findings if f.startswith("vpc-cidr-size ")]
    assert (size_findings == []) is ok, findings


@pytest.mark.parametrize(
    ("cidrs", "expected"),
    [
        (
            {"us-east-1a": "10.9.0.0/24", "us-east-1b": "10.0.17.0/24"},
            "vpcs[app].subnets[private].cidrs[us-east-1a]: 10.9.0.0/24 is outside the VPC range "
            "10.0.0.0/16; pick a CIDR inside 10.0.0.0/16",
        ),
        (
            {"us-east-1a": "10.0.16.0/29", "us-east-1b": "10.0.17.0/24"},
            "vpcs[app].subnets[private].cidrs[us-east-1a]: 10.0.16.0/29 is smaller than /28",
        ),
    ],
)
def test_explicit_cidrs_must_fit(cidrs: dict[str, str], expected: str) -> None:
    findings = base().group("private", cidr=None, prefix_length=None, cidrs=cidrs).findings()
    assert any(f.startswith("subnets-fit-vpc ") and expected in f for f in findings), findings


def test_explicit_cidr_of_28_is_the_smallest_that_fits() -> None:
    cidrs = {"us-east-1a": "10.0.16.0/28", "us-east-1b": "10.0.17.0/24"}
    assert base().group("private", cidr=None, prefix_length=None, cidrs=cidrs).findings() == []


def test_group_range_outside_the_vpc() -> None:
    findings = base().group("private", cidr="10.1.0.0/20").findings()
    assert any(
        "vpcs[app].subnets[private].cidr: 10.1.0.0/20 is outside the VPC range 10.0.0.0/16" in f
        for f in findings
    ), findings


def test_prefix_length_wider_than_the_group_range() -> None:
    # Once, on the prefix_length line (23), not once per zone.
    findings = base().group("private", cidr="10.0.16.0/24", prefix_length=22).findings()
    assert findings == [
        "subnets-fit-vpc test.yaml:23: vpcs[app].subnets[private].prefix_length: /22 is larger "
        "than the group range 10.0.16.0/24; use a prefix_length of at least 24"
    ]


@pytest.mark.parametrize(("prefix", "ok"), [(15, False), (16, True), (28, True), (29, False)])
def test_prefix_length_boundaries(prefix: int, ok: bool) -> None:
    # A /16 group range holds one /16 block: only us-east-1a fits at /16, so one zone.
    builder = base().set(
        availability_zones=["us-east-1a"],
        nat="none",
        subnets=[
            {"name": "db", "tier": "isolated", "cidr": "10.0.0.0/16", "prefix_length": prefix}
        ],
    )
    findings = builder.findings()
    assert (findings == []) is ok, findings
    if not ok:
        assert any("vpcs[app].subnets[db].prefix_length" in f for f in findings), findings
