"""What a rule is, and how a set of rules runs over a topology.

A rule is a small function from a ``Topology`` to ``Finding``s, wrapped with its id, its
level, a one-line description of what it finds and why that matters. Topic modules
define rules with ``@rule``; the package's ``__init__`` lists them explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from multivpc.config.findings import Finding, Level
from multivpc.topology import Topology

Check = Callable[[Topology], Iterable[Finding]]


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
