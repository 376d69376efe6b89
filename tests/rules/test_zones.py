"""Rules about zones: each with one good and one bad config."""

from __future__ import annotations

import pytest

from tests.rules.cases import Case, case_tests
from tests.support.builder import base

BOS = "us-east-1-bos-1a"

CASES = {
    "zones-in-region": Case(
        base().set(availability_zones=["us-east-1a", "us-east-1c"]),
        base().set(availability_zones=["us-east-1a", "us-west-2b"]),
        "us-west-2b is in us-west-2, not in the VPC's region us-east-1",
    ),
    "zone-kinds": Case(
        base().set(local_zones=[{"name": BOS}]),
        base().set(local_zones=[{"name": "us-east-1-wl1-bos-wlz-1"}]),
        "us-east-1-wl1-bos-wlz-1 is a Wavelength Zone, not a Local Zone",
    ),
    "group-zones-declared": Case(
        base().set(local_zones=[{"name": BOS}]).group("private", zones=["us-east-1a", BOS]),
        base().group("private", zones=["us-east-1a", BOS]),
        f"zone {BOS} is not one of the VPC's zones; add {BOS} to the VPC's local_zones",
    ),
}


test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


@pytest.mark.parametrize(
    ("field", "zone", "expected"),
    [
        ("availability_zones", BOS, f"{BOS} is a Local Zone; move it under local_zones"),
        ("availability_zones", "useast1a", "useast1a is not an Availability Zone name"),
        ("local_zones", "us-east-1c", "us-east-1c is an Availability Zone, not a Local Zone"),
        ("local_zones", "bos", "bos is not a Local Zone name"),
    ],
)
def test_zone_kind_findings(field: str, zone: str, expected: str) -> None:
    value = [zone] if field == "availability_zones" else [{"name": zone}]
    zones = {"availability_zones": ["us-east-1a", "us-east-1b", *value]}
    builder = (
        base().set(**zones) if field == "availability_zones" else base().set(local_zones=value)
    )
    findings = builder.findings()
    assert any(f.startswith("zone-kinds ") and expected in f for f in findings), findings


def test_a_local_zone_of_another_region_is_refused() -> None:
    findings = (
        base()
        .set(local_zones=[{"name": "us-west-2-lax-1a"}])
        .group("private", zones=["us-east-1a", "us-west-2-lax-1a"])
        .findings()
    )
    assert any(
        f.startswith("zones-in-region ")
        and "vpcs[app].local_zones: us-west-2-lax-1a is in us-west-2, not in the VPC's region "
        "us-east-1"
        in f
        for f in findings
    ), findings
