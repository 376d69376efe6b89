"""The registry: every rule listed once, documented, with a level and a case per topic."""

from __future__ import annotations

import pytest

from multivpc.rules import (
    PLAN_RULES,
    RULES,
    addressing,
    endpoints,
    gateways,
    names,
    quotas,
    security_groups,
    stacks,
    transit_gateway,
    transit_gateway_peering,
    vpc_peering,
    zones,
)
from tests.rules import (
    test_addressing,
    test_endpoints,
    test_gateways,
    test_names,
    test_quotas,
    test_security_groups,
    test_stacks,
    test_transit_gateway,
    test_transit_gateway_peering,
    test_vpc_peering,
    test_zones,
)

TOPICS = {
    names: test_names,
    addressing: test_addressing,
    zones: test_zones,
    gateways: test_gateways,
    transit_gateway: test_transit_gateway,
    transit_gateway_peering: test_transit_gateway_peering,
    vpc_peering: test_vpc_peering,
    endpoints: test_endpoints,
    security_groups: test_security_groups,
}


PLAN_TOPICS = {stacks: test_stacks, quotas: test_quotas}


def test_every_topic_is_registered_and_nothing_else() -> None:
    assert [r.id for r in RULES] == [r.id for topic in TOPICS for r in topic.RULES]
    assert [r.id for r in PLAN_RULES] == [r.id for topic in PLAN_TOPICS for r in topic.RULES]


def test_rule_ids_are_unique() -> None:
    ids = [r.id for r in RULES] + [r.id for r in PLAN_RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "topic", [*TOPICS, *PLAN_TOPICS], ids=lambda m: m.__name__.rsplit(".", 1)[-1]
)
def test_every_rule_has_its_cases_in_its_topic_tests(topic: object) -> None:
    tests = {**TOPICS, **PLAN_TOPICS}[topic]  # type: ignore[index]
    assert sorted(tests.CASES) == sorted(r.id for r in topic.RULES)  # type: ignore[attr-defined]


@pytest.mark.parametrize("rule", [*RULES, *PLAN_RULES], ids=lambda r: r.id)
def test_every_rule_says_what_and_why(rule: object) -> None:
    assert rule.level in ("error", "warning")  # type: ignore[attr-defined]
    assert rule.finding and len(rule.why) > 20  # type: ignore[attr-defined]


def test_there_are_warnings_and_errors() -> None:
    assert {r.level for r in RULES} == {"error", "warning"}


def test_all_findings_come_at_once() -> None:
    from tests.support.builder import base

    findings = base().set(account="appz").group("private", cidr="10.0.0.0/20").findings()
    rules = {f.split()[0] for f in findings}
    assert {"known-accounts", "subnets-disjoint"} <= rules
