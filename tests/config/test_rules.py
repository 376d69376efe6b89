"""Each rule: one good and one bad config, each close to the other so the boundary shows."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from multivpc.config import ConfigError, parse_config
from multivpc.config.rules import RULES
from tests.conftest import BASE_CONFIG

Data = dict[str, Any]


def _vpc(data: Data, index: int = 0) -> Data:
    vpc: Data = data["vpcs"][index]
    return vpc


def _second_vpc(data: Data, cidr: str) -> Data:
    other = copy.deepcopy(_vpc(data))
    other.update(name="other", cidr=cidr)
    other["subnets"] = [
        {
            "name": "public",
            "tier": "public",
            "cidr": cidr.replace("/16", "/20"),
            "prefix_length": 24,
        },
        {
            "name": "private",
            "tier": "private",
            "cidrs": {
                "us-east-1a": cidr.replace(".0.0/16", ".16.0/24"),
                "us-east-1b": cidr.replace(".0.0/16", ".17.0/24"),
            },
        },
    ]
    data["vpcs"].append(other)
    return data


def _group(data: Data, name: str) -> Data:
    return next(g for g in _vpc(data)["subnets"] if g["name"] == name)


# rule id -> (make the good variant, make the bad variant, text the bad finding contains)
CASES: dict[str, tuple[Callable[[Data], Any], Callable[[Data], Any], str]] = {
    "unique-names": (
        lambda d: _group(d, "private").update(name="app"),
        lambda d: _group(d, "private").update(name="public"),
        "subnet group name public is used more than once",
    ),
    "known-accounts": (
        lambda d: _vpc(d).update(account="apps"),
        lambda d: _vpc(d).update(account="appz"),
        "account appz is not defined; use one of: apps, network",
    ),
    "vpc-cidr-size": (
        lambda d: _vpc(d).update(cidr="10.0.0.0/16"),
        lambda d: (
            _vpc(d).update(cidr="10.0.0.0/15"),
            _group(d, "private").update(cidr="10.0.16.0/20"),
        ),
        "10.0.0.0/15 is a /15; a VPC needs /16 to /28",
    ),
    "vpc-cidrs-disjoint": (
        lambda d: _second_vpc(d, "10.1.0.0/16"),
        lambda d: _second_vpc(d, "10.0.0.0/16"),
        "vpcs[other].cidr: 10.0.0.0/16 overlaps vpcs[app] 10.0.0.0/16; pick a free range",
    ),
    "zones-in-region": (
        lambda d: _vpc(d).update(availability_zones=["us-east-1a", "us-east-1c"]),
        lambda d: _vpc(d).update(availability_zones=["us-east-1a", "us-west-2b"]),
        "us-west-2b is in us-west-2, not in the VPC's region us-east-1",
    ),
    "zone-kinds": (
        lambda d: _vpc(d).update(local_zones=[{"name": "us-east-1-bos-1a"}]),
        lambda d: _vpc(d).update(local_zones=[{"name": "us-east-1-wl1-bos-wlz-1"}]),
        "us-east-1-wl1-bos-wlz-1 is a Wavelength Zone, not a Local Zone",
    ),
    "group-zones-declared": (
        lambda d: (
            _vpc(d).update(local_zones=[{"name": "us-east-1-bos-1a"}]),
            _group(d, "private").update(zones=["us-east-1a", "us-east-1-bos-1a"]),
        ),
        lambda d: _group(d, "private").update(zones=["us-east-1a", "us-east-1-bos-1a"]),
        "zone us-east-1-bos-1a is not one of the VPC's zones; add us-east-1-bos-1a to the VPC's "
        "local_zones",
    ),
    "subnets-fit-vpc": (
        lambda d: _group(d, "private").update(cidr="10.0.16.0/22", prefix_length=24),
        lambda d: _group(d, "private").update(cidr="10.0.16.0/24", prefix_length=24),
        "10.0.16.0/24 holds 1 subnet of /24 but zone us-east-1b needs slot 1",
    ),
    "subnets-disjoint": (
        lambda d: _group(d, "private").update(cidr="10.0.16.0/20"),
        lambda d: _group(d, "private").update(cidr="10.0.0.0/20"),
        "10.0.0.0/24 (us-east-1a) overlaps subnets[public] 10.0.0.0/24 (us-east-1a)",
    ),
    "nat-needs-public-subnet": (
        lambda d: _group(d, "public").update(zones=["us-east-1a", "us-east-1b"]),
        lambda d: _group(d, "public").update(zones=["us-east-1a"]),
        "a NAT gateway in us-east-1b needs a public subnet in us-east-1b",
    ),
    "public-needs-internet-gateway": (
        lambda d: _vpc(d).update(internet_gateway=True),
        lambda d: (
            _vpc(d).update(
                internet_gateway=False, nat="none", local_zones=[{"name": "us-east-1-bos-1a"}]
            ),
            _group(d, "public").update(zones=["us-east-1a", "us-east-1-bos-1a"]),
        ),
        "public subnets (including Local Zone us-east-1-bos-1a) need an internet gateway route",
    ),
}


def _findings(mutate: Callable[[Data], Any]) -> list[str]:
    data = copy.deepcopy(BASE_CONFIG)
    mutate(data)
    try:
        parse_config(yaml.safe_dump(data), "test.yaml")
    except ConfigError as error:
        return [f"{f.rule} {f.format('test.yaml')}" for f in error.findings]
    return []


def test_every_rule_has_a_case() -> None:
    assert sorted(CASES) == sorted(rule.id for rule in RULES)


def test_every_rule_says_why() -> None:
    for rule in RULES:
        assert rule.finding and len(rule.why) > 20, rule.id


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_good_config_passes(rule_id: str) -> None:
    good, _, _ = CASES[rule_id]
    assert _findings(good) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_bad_config_is_reported(rule_id: str) -> None:
    _, bad, expected = CASES[rule_id]
    findings = _findings(bad)
    matching = [f for f in findings if f.startswith(f"{rule_id} ") and expected in f]
    assert matching, f"expected a {rule_id} finding containing {expected!r}, got {findings}"


def test_all_findings_come_at_once() -> None:
    findings = _findings(
        lambda d: (
            _vpc(d).update(account="appz"),
            _group(d, "private").update(cidr="10.0.0.0/20"),
        )
    )
    rules = {f.split()[0] for f in findings}
    assert {"known-accounts", "subnets-disjoint"} <= rules


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
    findings = _findings(
        lambda d: _group(d, "private").update(cidr=None, prefix_length=None, cidrs=cidrs)
    )
    assert any(f.startswith("subnets-fit-vpc ") and expected in f for f in findings), findings
