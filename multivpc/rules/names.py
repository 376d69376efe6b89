"""Rules about names and references: identity and accounts."""

from __future__ import annotations

from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.rules.paths import group_path, vpc_path
from multivpc.rules.registry import rule
from multivpc.topology import Topology
from multivpc.vocabulary import duplicates


@rule(
    "unique-names",
    finding="two objects of one collection share a name",
    why="names are identity: they become construct IDs, so a duplicate would merge two resources",
)
def unique_names(topology: Topology) -> Iterator[Finding]:
    config = topology.config
    for name in duplicates(vpc.name for vpc in config.vpcs):
        yield Finding(
            vpc_path(name), f"VPC name {name} is used more than once", "give each VPC its own name"
        )
    for facts in topology:
        vpc = facts.vpc
        for name in duplicates(group.name for group in vpc.subnets):
            yield Finding(
                group_path(vpc, name),
                f"subnet group name {name} is used more than once",
                "give each subnet group of the VPC its own name",
            )
        for zone in duplicates([*vpc.availability_zones, *facts.local_zones]):
            yield Finding(
                (*vpc_path(vpc), "availability_zones"),
                f"zone {zone} is listed more than once",
                "list each zone once (Local Zones only under local_zones)",
            )


@rule(
    "known-accounts",
    finding="a VPC or the defaults name an account that accounts does not define",
    why="the account id sets the stack's env; a typo would deploy into the wrong place or nowhere",
)
def known_accounts(topology: Topology) -> Iterator[Finding]:
    config = topology.config
    known = ", ".join(sorted(config.accounts))
    if config.defaults.account is not None and config.defaults.account not in config.accounts:
        yield Finding(
            ("defaults", "account"),
            f"account {config.defaults.account} is not defined",
            f"use one of: {known}, or add it under accounts",
        )
    for facts in topology:
        if facts.account_id is None:
            yield Finding(
                (*vpc_path(facts.vpc), "account"),
                f"account {facts.vpc.account} is not defined",
                f"use one of: {known}, or add it under accounts",
            )


RULES = (unique_names, known_accounts)
