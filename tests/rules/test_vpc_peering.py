"""VPC peering rules: each with one good and one bad config, then edges and boundaries."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from multivpc.config.models import NetworkConfig
from tests.rules.cases import Case, case_tests
from tests.support.builder import NetworkBuilder, network


def _peering(
    requester: str = "app", accepter: str = "shared", name: str = "app-shared", **sides: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "requester": {"vpc": requester, **sides.get("requester_keys", {})},
        "accepter": {"vpc": accepter, **sides.get("accepter_keys", {})},
    }


def peered(*peerings: dict[str, Any], quota: int | None = None) -> NetworkBuilder:
    """app (10.0.0.0/16), shared (10.1.0.0/16) and other (10.2.0.0/16, apps account),
    app peered with shared unless ``peerings`` say otherwise."""
    top: dict[str, Any] = {"peerings": list(peerings) or [_peering()]}
    if quota is not None:
        top["quotas"] = {"vpc_peerings_per_vpc": quota}
    return (
        network()
        .top(**top)
        .vpc("app", cidr="10.0.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
        .vpc("shared", cidr="10.1.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
        .vpc("other", cidr="10.2.0.0/16", nat="none", account="apps")
        .group("private", tier="isolated")
        .drop_group("public")
    )


CASES = {
    "vpc-peering-references": Case(
        peered(),
        peered(_peering(accepter="shraed")),
        "peerings[app-shared].accepter.vpc: VPC shraed is not declared; use one of: app, "
        "shared, other",
    ),
    "vpc-peering-dns": Case(
        peered({**_peering(), "dns_resolution": True}),
        peered({**_peering(), "dns_resolution": True}).at("shared").set(dns={"hostnames": False}),
        "peerings[app-shared].dns_resolution: VPC shared has dns hostnames off; set dns: "
        "{support: true, hostnames: true} on VPC shared, or dns_resolution: false",
    ),
    "vpc-peering-cidrs": Case(
        peered(),
        peered().at("shared").set(cidr="10.0.0.0/16"),
        "peerings[app-shared]: requester app 10.0.0.0/16 overlaps accepter shared 10.0.0.0/16",
    ),
    "vpc-peering-transitive": Case(
        peered(_peering(requester_keys={"peer_ranges": ["10.1.0.0/17"]})),
        peered(_peering(requester_keys={"peer_ranges": ["10.1.0.0/16", "10.2.0.0/16"]})),
        "peerings[app-shared].requester.peer_ranges: 10.2.0.0/16 is outside peer shared "
        "(10.1.0.0/16): a peering is not transitive, so VPC other cannot be reached through "
        "it; route only ranges inside 10.1.0.0/16, and peer other directly",
    ),
    "vpc-peering-quota": Case(
        peered(_peering(), _peering("app", "other", name="app-other"), quota=2),
        peered(_peering(), _peering("app", "other", name="app-other"), quota=1),
        "vpcs[app]: VPC app takes part in 2 peerings, more than the quota of 1; raise "
        "quotas.vpc_peerings_per_vpc",
    ),
}

test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


@pytest.mark.parametrize(
    ("builder", "rule_id", "expected"),
    [
        (
            peered(_peering(accepter="app")),
            "vpc-peering-references",
            "peerings[app-shared].accepter.vpc: the peering joins VPC app with itself",
        ),
        (
            peered(_peering(), _peering("shared", "app", name="again")),
            "vpc-peering-references",
            "peerings[again]: VPCs shared and app are already peered by app-shared",
        ),
        (
            peered(_peering(), _peering()),
            "vpc-peering-references",
            "peering name app-shared is used more than once",
        ),
        (
            peered(_peering(accepter_keys={"route_from": ["privat"]})),
            "vpc-peering-references",
            "peerings[app-shared].accepter.route_from: VPC shared has no subnet group privat; "
            "use one of: private",
        ),
        (
            peered(_peering(requester_keys={"peer_ranges": ["192.168.0.0/24"]})),
            "vpc-peering-transitive",
            "192.168.0.0/24 is outside peer shared (10.1.0.0/16): a peering is not "
            "transitive, so no VPC of the peer holds it",
        ),
    ],
)
def test_vpc_peering_edges(builder: NetworkBuilder, rule_id: str, expected: str) -> None:
    findings = builder.findings()
    assert any(f.startswith(f"{rule_id} ") and expected in f for f in findings), findings


def _star(count: int, quota: int | None = None) -> NetworkBuilder:
    """hub (10.0.0.0/16) peered with ``count`` VPCs."""
    peerings = [_peering("hub", f"v{i}", name=f"p{i}") for i in range(count)]
    builder = network().top(
        peerings=peerings,
        **({} if quota is None else {"quotas": {"vpc_peerings_per_vpc": quota}}),
    )
    builder = builder.vpc("hub", cidr="10.0.0.0/16", nat="none").group("private", tier="isolated")
    builder = builder.drop_group("public")
    for i in range(count):
        cidr = f"10.{1 + i // 16}.{(i % 16) * 16}.0/20"
        builder = builder.vpc(
            f"v{i}",
            cidr=cidr,
            nat="none",
            groups=[{"name": "private", "tier": "isolated", "cidr": cidr, "prefix_length": 24}],
        )
    return builder


def _quota_findings(builder: NetworkBuilder) -> list[str]:
    return [f for f in builder.findings() if f.startswith("vpc-peering-quota ")]


def test_default_quota_is_50_boundary() -> None:
    assert _quota_findings(_star(50)) == []
    [finding] = _quota_findings(_star(51))
    assert "VPC hub takes part in 51 peerings, more than the quota of 50" in finding


def test_raised_quota_boundary_at_125() -> None:
    assert _quota_findings(_star(125, quota=125)) == []
    [finding] = _quota_findings(_star(126, quota=125))
    assert "VPC hub takes part in 126 peerings, more than the quota of 125; use a Transit " in (
        finding
    )
    [finding] = _quota_findings(_star(3, quota=2))
    assert "more than the quota of 2; raise quotas.vpc_peerings_per_vpc" in finding


@pytest.mark.parametrize(("quota", "valid"), [(0, False), (1, True), (125, True), (126, False)])
def test_quota_is_at_most_125(quota: int, valid: bool) -> None:
    data = peered(quota=quota).data()
    if valid:
        NetworkConfig.model_validate(data)
    else:
        with pytest.raises(ValidationError, match="vpc_peerings_per_vpc"):
            NetworkConfig.model_validate(data)


def test_the_old_peering_quota_key_says_where_it_moved() -> None:
    findings = peered().top(peering_quota=60).findings()
    assert any(
        "peering_quota: this key moved under quotas; write quotas: {vpc_peerings_per_vpc: N}" in f
        for f in findings
    ), findings


def test_dns_resolution_needs_dns_support_and_hostnames_on_both_vpcs() -> None:
    both_off = (
        peered({**_peering(), "dns_resolution": True})
        .at("app")
        .set(dns={"support": False, "hostnames": False})
    )
    assert [f for f in both_off.findings() if "vpc-peering-dns" in f] == [
        "vpc-peering-dns test.yaml:52: peerings[app-shared].dns_resolution: VPC app has dns "
        "support and hostnames off; set dns: {support: true, hostnames: true} on VPC app, or "
        "dns_resolution: false"
    ]
    # Off DNS without dns_resolution is no finding of this rule.
    quiet = peered().at("app").set(dns={"support": False, "hostnames": False})
    assert not [f for f in quiet.findings() if "vpc-peering-dns" in f]


def test_default_route_from_is_every_group_but_public() -> None:
    from multivpc.topology.vpc_peering import vpc_peering_topology

    config = (
        peered()
        .at("app")
        .group("web", tier="public", cidr="10.0.128.0/20", prefix_length=24)
        .build()
    )
    [peering] = vpc_peering_topology(config)
    assert peering.requester.route_from == ("private",)
