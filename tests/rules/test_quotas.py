"""Quota rules on the plan: routes per VPC route table, and a Transit Gateway's
attachments, route tables and routes. Expected counts are written down from the configs'
shape (one route per other VPC of a segment that reaches itself, ...), never read back
from the plan."""

from __future__ import annotations

from typing import Any

import pytest

from multivpc.rules import quotas
from tests.rules.cases import Case, case_tests
from tests.support.builder import NetworkBuilder, network


def segment_of(
    count: int,
    *,
    isolated: bool = False,
    destinations: list[str] | None = None,
    segments: list[dict[str, Any]] | None = None,
    **top: Any,
) -> NetworkBuilder:
    """``count`` VPCs (10.N.0.0/16, an isolated group ``private`` and a ``transit`` group)
    attached to one segment ``apps`` of Transit Gateway ``hub``: each private route table
    holds one route per other VPC (``count - 1``), or one per ``destinations`` summary."""
    builder = network().top(
        transit_gateways=[
            {
                "name": "hub",
                "segments": segments or [{"name": "apps", "isolated": isolated}],
            }
        ],
        **top,
    )
    attachment: dict[str, Any] = {"name": "hub", "segment": "apps", "subnet_group": "transit"}
    if destinations is not None:
        attachment["summaries"] = destinations
    for i in range(count):
        cidr = f"10.{i}.0.0/16"
        builder = builder.vpc(
            f"v{i}",
            cidr=cidr,
            nat="none",
            groups=[
                _group("private", f"10.{i}.0.0/20", 24),
                _group("transit", f"10.{i}.240.0/24", 28),
            ],
            transit_gateway=attachment,
        )
    return builder


def _group(name: str, cidr: str, prefix_length: int) -> dict[str, Any]:
    return {"name": name, "tier": "isolated", "cidr": cidr, "prefix_length": prefix_length}


def _findings(builder: NetworkBuilder, rule_id: str) -> list[str]:
    return [f for f in builder.findings() if f.startswith(f"{rule_id} ")]


def _peered_with_s3(quota: int) -> NetworkBuilder:
    """app's private tables hold 3 routes: the default route to its NAT gateway, one to
    peer shared, one to the S3 gateway endpoint (AWS's S3 prefix list weighs 1)."""
    return (
        network()
        .top(
            peerings=[
                {"name": "app-shared", "requester": {"vpc": "app"}, "accepter": {"vpc": "shared"}}
            ],
            quotas={"routes_per_route_table": quota},
        )
        .vpc("app", cidr="10.0.0.0/16", endpoints={"gateway": ["s3"]})
        .vpc("shared", cidr="10.1.0.0/16", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
    )


def _segments(count: int) -> list[dict[str, Any]]:
    return [{"name": "apps"}, *({"name": f"s{i}"} for i in range(1, count))]


CASES = {
    "route-table-quota": Case(
        segment_of(51),
        segment_of(52),
        "vpcs[v0].subnets[private]: the route table of group private in us-east-1a holds 51 "
        "routes, more than the quota of 50 routes per route table; route summaries instead "
        "of one route per VPC (transit_gateway.summaries",
    ),
    "transit-gateway-quotas": Case(
        segment_of(1, segments=_segments(20)),
        segment_of(1, segments=_segments(21)),
        "transit_gateways[hub].segments: 21 segments need 21 route tables, more than the "
        "quota of 20 per Transit Gateway",
    ),
}

test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


def test_sixty_vpcs_in_one_segment_need_summaries_or_a_raised_quota() -> None:
    [finding] = _findings(segment_of(60), "route-table-quota")[:1]
    assert "vpcs[v0].subnets[private]" in finding
    assert "holds 59 routes, more than the quota of 50 routes per route table" in finding
    # One finding per VPC and group, not per zone.
    assert len(_findings(segment_of(60), "route-table-quota")) == 60
    assert (
        _findings(segment_of(60, quotas={"routes_per_route_table": 100}), "route-table-quota") == []
    )
    assert _findings(segment_of(60, destinations=["10.0.0.0/8"]), "route-table-quota") == []
    assert _findings(segment_of(60, isolated=True), "route-table-quota") == []


@pytest.mark.parametrize(("quota", "reported"), [(3, False), (2, True)])
def test_peering_and_gateway_endpoint_routes_count(quota: int, reported: bool) -> None:
    findings = _findings(_peered_with_s3(quota), "route-table-quota")
    if reported:
        assert findings and "vpcs[app].subnets[private]" in findings[0], findings
        assert f"holds 3 routes, more than the quota of {quota}" in findings[0]
    else:
        assert findings == []


@pytest.mark.parametrize(("value", "valid"), [(0, False), (1, True), (1000, True), (1001, False)])
def test_routes_per_route_table_is_1_to_1000(value: int, valid: bool) -> None:
    findings = segment_of(1, quotas={"routes_per_route_table": value}).findings()
    assert (findings == []) is valid, findings
    if not valid:
        assert any("quotas.routes_per_route_table" in f for f in findings), findings


@pytest.mark.parametrize(("quota", "reported"), [(3, False), (2, True)])
def test_a_raised_route_table_quota_for_segments(quota: int, reported: bool) -> None:
    raised = {"route_tables_per_transit_gateway": quota}
    findings = _findings(
        segment_of(1, segments=_segments(3), quotas=raised), "transit-gateway-quotas"
    )
    assert bool(findings) is reported, findings


def test_transit_gateway_routes_count_propagations_and_static_routes() -> None:
    # 3 VPCs in a segment that reaches itself: each propagates into apps (3 routes); a
    # blackhole adds one: 4 routes in the gateway's tables.
    segments = [{"name": "apps", "routes": [{"cidr": "172.16.0.0/16", "blackhole": True}]}]
    at = segment_of(3, segments=segments, quotas={"routes_per_transit_gateway": 4})
    assert _findings(at, "transit-gateway-quotas") == []
    over = segment_of(3, segments=segments, quotas={"routes_per_transit_gateway": 3})
    [finding] = _findings(over, "transit-gateway-quotas")
    assert "the route tables of Transit Gateway hub hold 4 routes" in finding
    assert "more than the quota of 3" in finding


def test_attachments_per_gateway_is_5000_and_not_adjustable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert quotas.ATTACHMENTS_PER_TRANSIT_GATEWAY == 5000
    # The boundary with a small stand-in for 5,000 (a 5,001-VPC config costs minutes).
    monkeypatch.setattr(quotas, "ATTACHMENTS_PER_TRANSIT_GATEWAY", 3)
    assert _findings(segment_of(3), "transit-gateway-quotas") == []
    [finding] = _findings(segment_of(4), "transit-gateway-quotas")
    assert "4 VPCs attach to Transit Gateway hub, more than the 3 attachments" in finding
    assert "(not adjustable)" in finding
