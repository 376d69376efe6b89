"""What a rule is, and how a set of rules runs over a topology or a plan.

A rule is a small function from a ``Topology`` to ``Finding``s, wrapped with its id, its
level, a one-line description of what it finds and why that matters. Topic modules
define rules with ``@rule``; the package's ``__init__`` lists them explicitly.

A plan rule (``@plan_rule``) checks what only the plan knows: every route of every route
table, every stack with its name and its resources. Plan rules run once the topology's
rules found no error (a plan is only made from a checked topology), and before synth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from multivpc.config.findings import Finding, Level
from multivpc.plan import NetworkPlan
from multivpc.topology import Topology

Check = Callable[[Topology], Iterable[Finding]]
PlanCheck = Callable[[Topology, NetworkPlan], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    finding: str
    why: str
    check: Check

    def __call__(self, topology: Topology) -> list[Finding]:
        """The rule's findings, each stamped with the rule's id and level."""
        return [replace(f, rule=self.id, level=self.level) for f in self.check(topology)]


def rule(
    rule_id: str, *, level: Level = "error", finding: str, why: str
) -> Callable[[Check], Rule]:
    """Turn a check function into a ``Rule``."""

    def wrap(check: Check) -> Rule:
        return Rule(rule_id, level, finding, why, check)

    return wrap


def run_rules(rules: Sequence[Rule], topology: Topology) -> list[Finding]:
    """Every finding of every rule, so a user fixes a config in one pass."""
    return [finding for registered in rules for finding in registered(topology)]


@dataclass(frozen=True)
class PlanRule:
    id: str
    level: Level
    finding: str
    why: str
    check: PlanCheck

    def __call__(self, topology: Topology, network: NetworkPlan) -> list[Finding]:
        """The rule's findings on the plan of ``topology``, stamped with id and level."""
        return [replace(f, rule=self.id, level=self.level) for f in self.check(topology, network)]


def plan_rule(
    rule_id: str, *, level: Level = "error", finding: str, why: str
) -> Callable[[PlanCheck], PlanRule]:
    """Turn a check of the plan into a ``PlanRule``."""

    def wrap(check: PlanCheck) -> PlanRule:
        return PlanRule(rule_id, level, finding, why, check)

    return wrap


def run_plan_rules(
    rules: Sequence[PlanRule], topology: Topology, network: NetworkPlan
) -> list[Finding]:
    """Every finding of every plan rule on ``network``, the plan of ``topology``."""
    return [finding for registered in rules for finding in registered(topology, network)]
