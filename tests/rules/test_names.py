"""Rules about names and references: each with one good and one bad config."""

from __future__ import annotations

from tests.rules.cases import Case, case_tests
from tests.support.builder import base

CASES = {
    "unique-names": Case(
        base().group("private", name="app"),
        base().group("private", name="public"),
        "test.yaml:16: vpcs[app].subnets[public]: subnet group name public is used more than "
        "once; give each subnet group of the VPC its own name",
    ),
    "known-accounts": Case(
        base().set(account="apps"),
        base().set(account="appz"),
        "vpcs[app].account: account appz is not defined; use one of: apps, network",
    ),
}


test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


def test_duplicate_vpc_names_and_zones() -> None:
    findings = (
        base()
        .set(availability_zones=["us-east-1a", "us-east-1b", "us-east-1a"])
        .vpc("app", cidr="10.1.0.0/16")
        .findings()
    )
    assert any("vpcs[app]: VPC name app is used more than once" in f for f in findings)
    assert any("zone us-east-1a is listed more than once" in f for f in findings)


def test_unknown_default_account() -> None:
    findings = base().top(defaults={"account": "nope", "region": "us-east-1"}).findings()
    assert any("defaults.account: account nope is not defined" in f for f in findings), findings
