"""Rules about a VPC's security groups: names, references, repeats, the internet, quotas.

AWS's quotas: https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
("Inbound or outbound rules per security group": 60 each by default, adjustable).
"""

from __future__ import annotations

import difflib
import ipaddress
from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.config.models import GroupPeer, SecurityGroup, SecurityGroupRule, Vpc
from multivpc.rules.paths import vpc_path
from multivpc.rules.registry import rule
from multivpc.topology import Topology
from multivpc.vocabulary import WEB_PORTS, duplicates

_INTERNET = ipaddress.IPv4Network("0.0.0.0/0")


def _group_path(vpc: Vpc, group: str, *keys: str) -> tuple[str, ...]:
    return (*vpc_path(vpc), "security_groups", f"[{group}]", *keys)


def _groups(topology: Topology) -> Iterator[tuple[Vpc, SecurityGroup]]:
    """Every security group of every VPC, with its VPC."""
    for facts in topology:
        for group in facts.vpc.security_groups:
            yield facts.vpc, group


def _rules(group: SecurityGroup) -> Iterator[tuple[str, int, SecurityGroupRule]]:
    """(direction, index, rule) of every rule written in the group."""
    for index, rule_ in enumerate(group.ingress):
        yield "ingress", index, rule_
    if group.egress != "all":
        for index, rule_ in enumerate(group.egress):
            yield "egress", index, rule_


def _describe(rule_: SecurityGroupRule) -> str:
    peer = f"group {rule_.peer.group}" if isinstance(rule_.peer, GroupPeer) else str(rule_.peer)
    return f"{rule_.protocol} port {rule_.port} with {peer}"


@rule(
    "security-group-names-unique",
    finding="two security groups of one VPC share a name",
    why="names are identity: a group's name becomes its construct ID and its published id",
)
def security_group_names_unique(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        vpc = facts.vpc
        for name in duplicates(g.name for g in vpc.security_groups):
            yield Finding(
                _group_path(vpc, name),
                f"security group name {name} is used more than once",
                "give each security group of the VPC its own name",
            )


@rule(
    "security-group-peers-known",
    finding="a rule names a security group that the VPC does not have",
    why="a rule can only reference a group that exists; CloudFormation would fail the "
    "deploy on the missing reference",
)
def security_group_peers_known(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        vpc = facts.vpc
        names = [g.name for g in vpc.security_groups]
        for group in vpc.security_groups:
            for direction, index, rule_ in _rules(group):
                peer = rule_.peer
                if isinstance(peer, GroupPeer) and peer.group not in names:
                    close = difflib.get_close_matches(peer.group, names, n=3, cutoff=0.5)
                    hint = f"did you mean {' or '.join(close)}? " if close else ""
                    yield Finding(
                        _group_path(vpc, group.name, direction, f"[{index}]", "peer", "group"),
                        f"there is no security group {peer.group} in VPC {vpc.name}",
                        f"{hint}name one of {', '.join(names)}",
                    )


@rule(
    "security-group-rules-unique",
    finding="one security group allows the same traffic twice",
    why="AWS refuses a rule that repeats another of the group (protocol, ports and peer), "
    "so the deploy would fail",
)
def security_group_rules_unique(topology: Topology) -> Iterator[Finding]:
    for vpc, group in _groups(topology):
        seen: dict[tuple[object, ...], int] = {}
        for direction, index, rule_ in _rules(group):
            key = (direction, rule_.protocol, rule_.port_range, rule_.peer)
            if key in seen:
                yield Finding(
                    _group_path(vpc, group.name, direction, f"[{index}]"),
                    f"{direction} rule {index} repeats rule {seen[key]} ({_describe(rule_)})",
                    "remove one of the two",
                )
            else:
                seen[key] = index


def _open_to_internet(rule_: SecurityGroupRule) -> bool:
    return not isinstance(rule_.peer, GroupPeer) and rule_.peer == _INTERNET


@rule(
    "security-group-internet-ingress",
    finding="a security group admits the whole internet (0.0.0.0/0) without internet_facing",
    why="a group open to 0.0.0.0/0 exposes whatever it is attached to; saying "
    "internet_facing: true makes that choice visible in review",
)
def security_group_internet_ingress(topology: Topology) -> Iterator[Finding]:
    for vpc, group in _groups(topology):
        for index, rule_ in enumerate(group.ingress):
            if not _open_to_internet(rule_) or group.internet_facing:
                continue
            yield Finding(
                _group_path(vpc, group.name, "ingress", f"[{index}]"),
                f"security group {group.name} admits {_describe(rule_)}, the whole internet",
                "narrow the peer to the ranges that need it, or mark the group "
                "internet_facing: true",
            )


@rule(
    "security-group-internet-ports",
    level="warning",
    finding="an internet-facing security group opens a port other than 80 and 443 to the internet",
    why="internet-facing groups usually serve HTTP and HTTPS; anything else open to "
    "0.0.0.0/0 (SSH, databases, every port) is a common way in",
)
def security_group_internet_ports(topology: Topology) -> Iterator[Finding]:
    for vpc, group in _groups(topology):
        if not group.internet_facing:
            continue
        for index, rule_ in enumerate(group.ingress):
            low, high = rule_.port_range
            web = rule_.protocol == "tcp" and low == high and low in WEB_PORTS
            if _open_to_internet(rule_) and not web:
                yield Finding(
                    _group_path(vpc, group.name, "ingress", f"[{index}]"),
                    f"internet-facing group {group.name} opens {_describe(rule_)} to the internet",
                    "admit only 80 and 443 from 0.0.0.0/0, and the rest from named ranges",
                )


@rule(
    "security-group-rule-quota",
    finding="a security group has more inbound or outbound rules than quotas allow "
    "(AWS's default 60 each, adjustable)",
    why="AWS refuses the rule over the quota and CloudFormation fails the deploy half-way, "
    "with some rules of the group created and others not",
)
def security_group_rule_quota(topology: Topology) -> Iterator[Finding]:
    quotas = topology.config.quotas
    limits = {
        "ingress": ("inbound", quotas.inbound_rules_per_security_group),
        "egress": ("outbound", quotas.outbound_rules_per_security_group),
    }
    for vpc, group in _groups(topology):
        counts = {
            "ingress": len(group.ingress),
            "egress": 1 if group.egress == "all" else len(group.egress),
        }
        for direction, count in counts.items():
            word, limit = limits[direction]
            if count > limit:
                key = f"{word}_rules_per_security_group"
                yield Finding(
                    _group_path(vpc, group.name, direction),
                    f"security group {group.name} has {count} {word} rules; AWS allows "
                    f"{limit} (quotas.{key})",
                    f"split the group, or declare the raised quota under quotas.{key} "
                    "once AWS has raised it",
                )


@rule(
    "endpoint-security-groups",
    finding="interface endpoints name security groups that the VPC does not have, more "
    "than quotas.security_groups_per_network_interface (AWS's default 5), or together "
    "with sources",
    why="each endpoint network interface holds the named groups, within AWS's quota of "
    "groups per network interface; sources only shape the generated group, which named "
    "groups replace",
)
def endpoint_security_groups(topology: Topology) -> Iterator[Finding]:
    limit = topology.config.quotas.security_groups_per_network_interface
    for facts in topology:
        vpc = facts.vpc
        endpoints = vpc.endpoints
        if endpoints is None or endpoints.security_groups is None:
            continue
        path = (*vpc_path(vpc), "endpoints", "security_groups")
        names = [g.name for g in vpc.security_groups]
        for index, name in enumerate(endpoints.security_groups):
            if name not in names:
                close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
                hint = f"did you mean {' or '.join(close)}? " if close else ""
                yield Finding(
                    (*path, f"[{index}]"),
                    f"there is no security group {name} in VPC {vpc.name}",
                    f"{hint}name one of {', '.join(names) or 'none (add security_groups)'}",
                )
        count = len(endpoints.security_groups)
        if count > limit:
            yield Finding(
                path,
                f"{count} security groups on each endpoint network interface; AWS allows "
                f"{limit} (quotas.security_groups_per_network_interface)",
                "merge groups, or declare the raised quota once AWS has raised it",
            )
        if endpoints.sources is not None:
            yield Finding(
                (*vpc_path(vpc), "endpoints", "sources"),
                "sources shape the generated endpoint group, which security_groups replaces",
                "drop sources and admit TCP 443 in the named groups' ingress",
            )


RULES = (
    security_group_names_unique,
    security_group_peers_known,
    security_group_rules_unique,
    security_group_internet_ingress,
    security_group_internet_ports,
    security_group_rule_quota,
    endpoint_security_groups,
)
