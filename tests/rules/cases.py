"""A rule's two cases: a good config and a bad one, close to each other so the boundary
shows, and the text the bad one's finding must contain."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.builder import NetworkBuilder


@dataclass(frozen=True)
class Case:
    good: NetworkBuilder
    bad: NetworkBuilder
    expected: str


def assert_good(case: Case) -> None:
    assert case.good.findings() == []


def assert_bad(rule_id: str, case: Case) -> None:
    findings = case.bad.findings()
    matching = [f for f in findings if f.startswith(f"{rule_id} ") and case.expected in f]
    assert matching, f"expected a {rule_id} finding containing {case.expected!r}, got {findings}"
