"""Rules about a VPC's own endpoints: each with one good and one bad config, plus edges."""

from __future__ import annotations

from typing import Any

import pytest

from multivpc.endpoint_services import INTERFACE_SERVICES
from tests.rules.cases import Case, case_tests
from tests.support.builder import NetworkBuilder, base

BOS = "us-east-1-bos-1a"


def with_endpoints(**endpoints: Any) -> NetworkBuilder:
    """The base network with an isolated group ``data`` and ``endpoints``."""
    return (
        base()
        .group("data", tier="isolated", cidr="10.0.32.0/20", prefix_length=24)
        .set(endpoints=endpoints)
    )


CASES = {
    "endpoint-services-known": Case(
        with_endpoints(gateway=["s3"], interface=["session-manager", "secretsmanager"]),
        with_endpoints(gateway=["s3"], interface=["session-manager", "secretmanager"]),
        "vpcs[app].endpoints.interface: secretmanager is not a known interface endpoint "
        "service or endpoint set; did you mean secretsmanager or",
    ),
    "endpoint-services-unique": Case(
        with_endpoints(interface=["secrets", "sts"]),
        with_endpoints(interface=["secrets", "sts", "kms"]),
        "the interface endpoint kms is asked for 2 times; remove kms; the set secrets "
        "already brings it",
    ),
    "endpoint-subnets": Case(
        with_endpoints(interface=["ssm"], subnet_group="data", zones=["us-east-1a"]),
        with_endpoints(interface=["ssm"], subnet_group="data", zones=["us-east-1a"]).group(
            "data", zones=["us-east-1b"]
        ),
        "vpcs[app].endpoints.zones: the group data has no subnet in us-east-1a; add "
        "us-east-1a to the group's zones or drop it from endpoints.zones",
    ),
    "endpoint-quotas": Case(
        with_endpoints(interface=sorted(INTERFACE_SERVICES)[:50]),
        with_endpoints(interface=sorted(INTERFACE_SERVICES)[:51]),
        "51 interface endpoints exceed the quota of 50 per VPC",
    ),
    "endpoint-private-dns": Case(
        with_endpoints(gateway=["s3"]).set(dns={"hostnames": False}),
        with_endpoints(interface=["sts"]).set(dns={"hostnames": False}),
        "vpcs[app].dns.hostnames: interface endpoints use private DNS, and dns.hostnames is off",
    ),
}

test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


def _findings(builder: NetworkBuilder, rule_id: str) -> list[str]:
    return [f for f in builder.findings() if f.startswith(f"{rule_id} ")]


@pytest.mark.parametrize(
    ("endpoints", "expected"),
    [
        ({"gateway": ["ssm"]}, "ssm has no gateway endpoint (only dynamodb and s3 do); move ssm"),
        ({"gateway": ["ecr"]}, "ecr has no gateway endpoint"),
        ({"interface": ["s3"]}, "s3 is built as a gateway endpoint here"),
        (
            {"gateway": ["s4"]},
            "s4 is not a known gateway endpoint service or endpoint set; did you mean s3?",
        ),
        ({"interface": ["session-manger"]}, "did you mean session-manager or"),
        (
            {"interface": ["zzz"]},
            "zzz is not a known interface endpoint service or endpoint "
            "set; known names are in multivpc/endpoint_services.py",
        ),
    ],
)
def test_unknown_services_say_what_to_write(endpoints: dict[str, Any], expected: str) -> None:
    findings = _findings(with_endpoints(**endpoints), "endpoint-services-known")
    assert any(expected in f for f in findings), findings


@pytest.mark.parametrize(
    ("endpoints", "expected"),
    [
        ({"gateway": ["s3", "s3"]}, "the gateway endpoint s3 is asked for 2 times; list s3 once"),
        ({"gateway": ["s3"], "interface": ["ecr"]}, "remove s3; the set ecr already brings it"),
        ({"interface": ["sts", "sts"]}, "list sts once"),
    ],
)
def test_duplicates(endpoints: dict[str, Any], expected: str) -> None:
    findings = _findings(with_endpoints(**endpoints), "endpoint-services-unique")
    assert len(findings) == 1 and expected in findings[0], findings


def test_a_set_and_its_members_differ_in_kind_only_when_listed_so() -> None:
    # s3 as a gateway endpoint and sets without s3: nothing repeats.
    assert (
        with_endpoints(gateway=["s3", "dynamodb"], interface=["session-manager"]).findings() == []
    )


@pytest.mark.parametrize(
    ("builder", "expected"),
    [
        (
            with_endpoints(interface=["ssm"], subnet_group="nope"),
            "vpcs[app].endpoints.subnet_group: there is no subnet group nope in the VPC",
        ),
        (
            with_endpoints(interface=["ssm"], subnet_group="public"),
            "public is a public group; endpoint network interfaces belong in private",
        ),
        (
            with_endpoints(gateway=["s3"], route_from=["data", "nope"]),
            "vpcs[app].endpoints.route_from: there is no subnet group nope in the VPC",
        ),
        (
            with_endpoints(interface=["ssm"], zones=[BOS])
            .set(local_zones=[{"name": BOS}])
            .group("private", zones=["us-east-1a", "us-east-1b", BOS]),
            f"{BOS} is not an Availability Zone; interface endpoints go in Availability Zones",
        ),
        (
            base()
            .set(nat="none", internet_gateway=True, endpoints={"interface": ["ssm"]})
            .drop_group("private"),
            "interface endpoints need a non-public subnet group, and the VPC has none",
        ),
        (
            with_endpoints(interface=["ssm"], subnet_group="data", zones=["us-east-1c"]),
            "vpcs[app].endpoints.zones: us-east-1c is not an Availability Zone of the VPC; add "
            "us-east-1c to the VPC's availability_zones first (then the group covers it unless "
            "its zones say otherwise), or drop it from endpoints.zones",
        ),
    ],
)
def test_placement_findings(builder: NetworkBuilder, expected: str) -> None:
    findings = _findings(builder, "endpoint-subnets")
    assert any(expected in f for f in findings), builder.findings()


def test_interface_endpoints_only_in_availability_zones_by_default() -> None:
    # A group reaching a Local Zone still holds interface endpoints in its AZs only.
    builder = (
        with_endpoints(interface=["ssm"], subnet_group="private")
        .set(local_zones=[{"name": BOS}])
        .group("private", zones=["us-east-1a", "us-east-1b", BOS])
    )
    assert _findings(builder, "endpoint-subnets") == []
    facts = builder.load().topology.vpcs[0].endpoints
    assert facts is not None and facts.zones == ("us-east-1a", "us-east-1b")


def test_too_many_sources() -> None:
    sources = [f"10.{i}.0.0/16" for i in range(61)]
    findings = _findings(with_endpoints(interface=["ssm"], sources=sources), "endpoint-quotas")
    assert any("61 sources exceed the quota of 60 inbound rules" in f for f in findings)
    assert (
        _findings(with_endpoints(interface=["ssm"], sources=sources[:60]), "endpoint-quotas") == []
    )


def test_a_raised_inbound_rules_quota_is_the_boundary() -> None:
    sources = [f"10.{i}.0.0/16" for i in range(81)]
    raised = {"quotas": {"inbound_rules_per_security_group": 80}}
    over = with_endpoints(interface=["ssm"], sources=sources).top(**raised)
    assert any("81 sources exceed the quota of 80" in f for f in _findings(over, "endpoint-quotas"))
    at = with_endpoints(interface=["ssm"], sources=sources[:80]).top(**raised)
    assert _findings(at, "endpoint-quotas") == []


def test_a_raised_interface_endpoints_quota_is_the_boundary() -> None:
    services = sorted(INTERFACE_SERVICES)[:52]
    raised = {"quotas": {"interface_endpoints_per_vpc": 51}}
    at = with_endpoints(interface=services[:51]).top(**raised)
    assert _findings(at, "endpoint-quotas") == []
    over = with_endpoints(interface=services).top(**raised)
    assert any(
        "52 interface endpoints exceed the quota of 51" in f
        for f in _findings(over, "endpoint-quotas")
    )


def test_a_set_counts_as_its_services_against_the_quota() -> None:
    # 47 services + session-manager (3) = 50: fine; + sts = 51: over.
    services = [s for s in sorted(INTERFACE_SERVICES) if s not in {"ssm", "ssmmessages",
                "ec2messages", "sts"}][:47]  # fmt: skip
    assert (
        _findings(with_endpoints(interface=[*services, "session-manager"]), "endpoint-quotas") == []
    )
    over = with_endpoints(interface=[*services, "session-manager", "sts"])
    assert any("51 interface endpoints" in f for f in _findings(over, "endpoint-quotas"))


def test_policy_documents_need_statements() -> None:
    findings = with_endpoints(gateway=["s3"], gateway_policy={"Version": "2012-10-17"}).findings()
    assert any("a policy document needs a Statement list" in f for f in findings), findings
