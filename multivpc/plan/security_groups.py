"""The plan of a VPC's security groups: every rule with its ports and peer resolved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from multivpc.config.models import GroupPeer, SecurityGroup, SecurityGroupRule
from multivpc.vocabulary import SecurityGroupProtocol

Direction = Literal["ingress", "egress"]
EGRESS_ALL_DESCRIPTION = "Every protocol to anywhere (egress: all)"
"""The description of the rule ``egress: all`` stands for."""


@dataclass(frozen=True)
class SecurityGroupRulePlan:
    """One rule. ``from_port``/``to_port`` None: every port (for icmp ``from_port`` is the
    ICMP type). ``peer_kind`` ``cidr``: ``peer`` is a CIDR; ``group``: a group of the VPC."""

    direction: Direction
    protocol: SecurityGroupProtocol
    from_port: int | None
    to_port: int | None
    peer_kind: Literal["cidr", "group"]
    peer: str
    description: str


@dataclass(frozen=True)
class SecurityGroupPlan:
    name: str
    description: str
    rules: tuple[SecurityGroupRulePlan, ...]
    internet_facing: bool = False


def _rule(direction: Direction, rule: SecurityGroupRule) -> SecurityGroupRulePlan:
    low, high = rule.port_range
    peer = rule.peer
    return SecurityGroupRulePlan(
        direction=direction,
        protocol=rule.protocol,
        from_port=low,
        to_port=high,
        peer_kind="group" if isinstance(peer, GroupPeer) else "cidr",
        peer=peer.group if isinstance(peer, GroupPeer) else str(peer),
        description=rule.description,
    )


def security_group_plans(groups: list[SecurityGroup]) -> tuple[SecurityGroupPlan, ...]:
    """The groups of one VPC, in config order; ``egress: all`` becomes one rule allowing
    every protocol to 0.0.0.0/0."""
    plans = []
    for group in groups:
        egress = (
            [
                SecurityGroupRulePlan(
                    "egress", "all", None, None, "cidr", "0.0.0.0/0", EGRESS_ALL_DESCRIPTION
                )
            ]
            if group.egress == "all"
            else [_rule("egress", r) for r in group.egress]
        )
        plans.append(
            SecurityGroupPlan(
                name=group.name,
                description=group.description,
                rules=(*(_rule("ingress", r) for r in group.ingress), *egress),
                internet_facing=group.internet_facing,
            )
        )
    return tuple(plans)
