"""Cross-object rules, one module per topic, listed here explicitly.

Each rule has an id, a level (error or warning), a one-line finding and a why, and is a
small function from a ``Topology`` to ``Finding``s. ``check_rules`` runs them all and
returns every finding, errors and warnings, so a user fixes a config in one pass.
``PLAN_RULES`` check what only the plan can count (routes per route table, stacks and
their names); ``check_plan_rules`` runs them on the plan of a topology without errors.
"""

from __future__ import annotations

from multivpc.config.findings import Finding
from multivpc.plan import NetworkPlan
from multivpc.rules import (
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
from multivpc.rules.registry import PlanRule, Rule, plan_rule, rule, run_plan_rules, run_rules
from multivpc.topology import Topology

RULES: tuple[Rule, ...] = (
    *names.RULES,
    *addressing.RULES,
    *zones.RULES,
    *gateways.RULES,
    *transit_gateway.RULES,
    *transit_gateway_peering.RULES,
    *vpc_peering.RULES,
    *endpoints.RULES,
    *security_groups.RULES,
)
"""Every rule, in the order its findings are reported (before sorting by line)."""


PLAN_RULES: tuple[PlanRule, ...] = (
    *stacks.RULES,
    *quotas.RULES,
)
"""Every rule on the plan, run once ``RULES`` found no error."""


def check_rules(topology: Topology) -> list[Finding]:
    return run_rules(RULES, topology)


def check_plan_rules(topology: Topology, network: NetworkPlan) -> list[Finding]:
    return run_plan_rules(PLAN_RULES, topology, network)


__all__ = [
    "PLAN_RULES",
    "RULES",
    "PlanRule",
    "Rule",
    "check_plan_rules",
    "check_rules",
    "plan_rule",
    "rule",
    "run_plan_rules",
    "run_rules",
]
