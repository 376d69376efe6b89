"""Rules about gateways (errors and warnings): each with one good and one bad config."""

from __future__ import annotations

import pytest

from tests.rules.cases import Case, case_tests
from tests.support.builder import base

BOS = "us-east-1-bos-1a"

CASES = {
    "nat-needs-public-subnet": Case(
        base().group("public", zones=["us-east-1a", "us-east-1b"]),
        base().group("public", zones=["us-east-1a"]),
        "a NAT gateway in us-east-1b needs a public subnet in us-east-1b",
    ),
    "public-needs-internet-gateway": Case(
        base().set(internet_gateway=True),
        base()
        .set(internet_gateway=False, nat="none", local_zones=[{"name": BOS}])
        .group("public", zones=["us-east-1a", BOS]),
        f"public subnets (including Local Zone {BOS}) need an internet gateway route",
    ),
    "nat-in-local-zone": Case(
        base()
        .set(local_zones=[{"name": BOS}])
        .group("public", zones=["us-east-1a", "us-east-1b", BOS]),
        base()
        .set(local_zones=[{"name": BOS, "nat_gateway": True}])
        .group("public", zones=["us-east-1a", "us-east-1b", BOS]),
        f"warning: test.yaml:30: vpcs[app].local_zones[{BOS}].nat_gateway: NAT gateway "
        f"availability varies per Local Zone; {BOS} may not offer one; check",
    ),
    "private-without-nat": Case(
        base().set(nat="none").group("private", tier="isolated"),
        base().set(nat="none"),
        "warning: test.yaml:21: vpcs[app].subnets[private].tier: the group is private but the "
        "VPC has no NAT gateway (nat: none), so its subnets have no route out; set the VPC's nat",
    ),
}


test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"nat": "per-az", "nat_zone": "us-east-1a"}, "nat_zone is set but nat is per-az"),
        ({"nat": "single", "nat_zone": "us-east-1c"}, "us-east-1c is not one of the VPC's"),
    ],
)
def test_nat_zone_findings(keys: dict[str, str], expected: str) -> None:
    findings = base().set(**keys).findings()
    assert any(f.startswith("nat-needs-public-subnet ") and expected in f for f in findings)


def test_nat_without_any_public_group() -> None:
    findings = base().drop_group("public").set(nat="single").findings()
    assert any(
        "nat: single needs a public subnet group, and the VPC has none" in f for f in findings
    ), findings


def test_local_zone_nat_is_a_warning_that_does_not_fail() -> None:
    builder = (
        base()
        .set(local_zones=[{"name": BOS, "nat_gateway": True}])
        .group("public", zones=["us-east-1a", "us-east-1b", BOS])
    )
    loaded = builder.load()
    assert [w.rule for w in loaded.warnings] == ["nat-in-local-zone"]
    assert loaded.warnings[0].level == "warning"


def test_private_group_with_a_local_zone_nat_only_is_not_warned() -> None:
    builder = (
        base()
        .set(nat="none", local_zones=[{"name": BOS, "nat_gateway": True}])
        .group("public", zones=["us-east-1a", BOS])
    )
    assert [w.rule for w in builder.load().warnings] == ["nat-in-local-zone"]
