"""Cross-object rules, one module per topic, listed here explicitly.

Each rule has an id, a level (error or warning), a one-line finding and a why, and is a
small function from a ``Topology`` to ``Finding``s. ``check_rules`` runs them all and
returns every finding, errors and warnings, so a user fixes a config in one pass.
"""

from __future__ import annotations

from multivpc.config.findings import Finding
from multivpc.rules import (
    addressing,
    endpoints,
    gateways,
    names,
    peering,
    transit_gateway,
    vpc_peering,
    zones,
)
from multivpc.rules.registry import Rule, rule, run_rules
from multivpc.topology import Topology

RULES: tuple[Rule, ...] = (
    *names.RULES,
    *addressing.RULES,
    *zones.RULES,
    *gateways.RULES,
    *transit_gateway.RULES,
    *peering.RULES,
    *vpc_peering.RULES,
    *endpoints.RULES,
)
"""Every rule, in the order its findings are reported (before sorting by line)."""


def check_rules(topology: Topology) -> list[Finding]:
    return run_rules(RULES, topology)


__all__ = ["RULES", "Rule", "check_rules", "rule", "run_rules"]
