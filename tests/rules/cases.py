"""A rule's two cases: a good config and a bad one, close to each other so the boundary
shows, and the text the bad one's finding must contain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

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


def case_tests(cases: dict[str, Case]) -> tuple[Callable[[str], None], Callable[[str], None]]:
    """The two tests every rules module runs over its CASES: good passes, bad is reported.
    Bind them at module level: ``test_good_config_passes, test_bad_config_is_reported =
    case_tests(CASES)``."""

    @pytest.mark.parametrize("rule_id", sorted(cases))
    def test_good_config_passes(rule_id: str) -> None:
        assert_good(cases[rule_id])

    @pytest.mark.parametrize("rule_id", sorted(cases))
    def test_bad_config_is_reported(rule_id: str) -> None:
        assert_bad(rule_id, cases[rule_id])

    return test_good_config_passes, test_bad_config_is_reported
