"""The address lock file: ranges multivpc allocated once, kept beside the config.

``network.yaml`` has its lock in ``network.lock.yaml`` (see ``lock_path``): for each VPC
whose range came from an address pool, that range and its pool; for each subnet of a
group that gives only a ``size``, its CIDR per zone. This module turns the file's text
into an ``AddressLock`` (with the line of every entry, so findings can point at it) and
an ``AddressLock`` back into text, always in the same order (VPCs, groups and zones by
name), so two writes of the same lock are byte-identical and a pull request shows only
what changed. Which ranges to lock is decided by ``multivpc.topology.pools``; reading and
writing the file on disk, by ``multivpc.load``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from multivpc.config.findings import ConfigError, Finding, shown

LOCK_SUFFIX = ".lock.yaml"
LOCK_VERSION = 1

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FIX = "restore it from version control, or delete the file to allocate every range anew"


def lock_path(config: str | Path) -> Path:
    """Where the lock of ``config`` lives: ``network.yaml`` -> ``network.lock.yaml``."""
    config = Path(config)
    return config.with_name(config.stem + LOCK_SUFFIX)


def is_lock_file(path: str | Path) -> bool:
    return Path(path).name.endswith(LOCK_SUFFIX)


@dataclass(frozen=True)
class LockedRange:
    """One locked CIDR and the line of the lock file it sits on (None when not read
    from a file); the line takes no part in comparisons."""

    cidr: ipaddress.IPv4Network
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LockedVpc:
    """A VPC's entry: its range when a pool gave it (with the pool's name), and the
    subnets allocated for its size-only groups, by (group, zone)."""

    cidr: LockedRange | None = None
    pool: str | None = None
    subnets: Mapping[tuple[str, str], LockedRange] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.cidr is None and not self.subnets


@dataclass(frozen=True)
class AddressLock:
    """What a lock file holds, by VPC name; ``source`` names the file in findings."""

    source: str = ""
    vpcs: Mapping[str, LockedVpc] = field(default_factory=dict)

    def vpc(self, name: str) -> LockedVpc:
        return self.vpcs.get(name) or LockedVpc()

    def where(self, entry: LockedRange) -> str:
        """``network.lock.yaml:12``, the lock file and the line of ``entry``."""
        return f"{self.source}:{entry.line}" if entry.line else self.source or "the lock file"

    def same_ranges(self, other: AddressLock) -> bool:
        """The two locks hold the same ranges (lines and file names aside)."""
        mine = {name: vpc for name, vpc in self.vpcs.items() if not vpc.empty}
        theirs = {name: vpc for name, vpc in other.vpcs.items() if not vpc.empty}
        return mine == theirs


def render_lock(lock: AddressLock, config_name: str) -> str:
    """The lock as the file's text: sorted, one range per line, the same every time."""
    lines = [
        f"# Address ranges multivpc allocated for {config_name}, kept so they never move.",
        "# Commit this file with the config and review its changes in pull requests; a",
        "# range that is already deployed must not change. Written by `multivpc synth`,",
        "# `npx cdk synth` and `multivpc plan --write-lock`; see the README, Address pools.",
        f"version: {LOCK_VERSION}",
    ]
    vpcs = {name: vpc for name, vpc in sorted(lock.vpcs.items()) if not vpc.empty}
    if not vpcs:
        lines.append("vpcs: {}")
        return "\n".join(lines) + "\n"
    lines.append("vpcs:")
    for name, vpc in vpcs.items():
        lines.append(f"  {name}:")
        if vpc.cidr is not None:
            lines.append(f"    cidr: {vpc.cidr.cidr}")
            if vpc.pool is not None:
                lines.append(f"    pool: {vpc.pool}")
        if vpc.subnets:
            lines.append("    subnets:")
            groups: dict[str, list[tuple[str, LockedRange]]] = {}
            for (group, zone), entry in sorted(vpc.subnets.items()):
                groups.setdefault(group, []).append((zone, entry))
            for group, zones in groups.items():
                lines.append(f"      {group}:")
                lines.extend(f"        {zone}: {entry.cidr}" for zone, entry in zones)
    return "\n".join(lines) + "\n"


def parse_lock(text: str, source: str) -> AddressLock:
    """A lock file's text as an ``AddressLock``, or a ``ConfigError`` (against the lock
    file) saying what is wrong with it."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(
            source, [Finding((), f"YAML syntax error: {shown(problem)}", _FIX, line=line)]
        ) from None
    if node is None:
        return AddressLock(source)
    reader = _Reader(source)
    lock = reader.lock(node)
    if reader.findings:
        raise ConfigError(source, reader.findings)
    return lock


class _Reader:
    """Reads the node tree, collecting every problem instead of stopping at the first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.findings: list[Finding] = []

    def problem(self, path: tuple[str, ...], node: yaml.Node, problem: str) -> None:
        self.findings.append(Finding(path, problem, _FIX, line=node.start_mark.line + 1))

    def mapping(self, node: yaml.Node, path: tuple[str, ...]) -> list[tuple[str, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(path, node, "expected a mapping")
            return []
        pairs = []
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else ""
            if name in seen:
                self.problem((*path, name), key, f"key {shown(name)} appears twice")
                continue
            seen.add(name)
            pairs.append((name, value))
        return pairs

    def cidr(self, node: yaml.Node, path: tuple[str, ...]) -> LockedRange | None:
        value: Any = node.value if isinstance(node, yaml.ScalarNode) else None
        try:
            network = ipaddress.IPv4Network(str(value), strict=True)
        except ValueError:
            self.problem(path, node, f"{shown(value)} is not an IPv4 CIDR")
            return None
        return LockedRange(network, node.start_mark.line + 1)

    def lock(self, node: yaml.Node) -> AddressLock:
        vpcs: dict[str, LockedVpc] = {}
        for key, value in self.mapping(node, ()):
            if key == "version":
                if not (isinstance(value, yaml.ScalarNode) and value.value == str(LOCK_VERSION)):
                    self.problem(("version",), value, f"version {LOCK_VERSION} is the only one")
            elif key == "vpcs":
                for name, entry in self.mapping(value, ("vpcs",)):
                    vpcs[name] = self.vpc(entry, ("vpcs", f"[{name}]"))
            else:
                self.problem((key,), value, f"unknown key {shown(key)}")
        return AddressLock(self.source, vpcs)

    def vpc(self, node: yaml.Node, path: tuple[str, ...]) -> LockedVpc:
        cidr: LockedRange | None = None
        pool: str | None = None
        subnets: dict[tuple[str, str], LockedRange] = {}
        for key, value in self.mapping(node, path):
            if key == "cidr":
                cidr = self.cidr(value, (*path, "cidr"))
            elif key == "pool" and isinstance(value, yaml.ScalarNode):
                pool = str(value.value)
            elif key == "subnets":
                for group, zones in self.mapping(value, (*path, "subnets")):
                    where = (*path, "subnets", f"[{group}]")
                    for zone, cell in self.mapping(zones, where):
                        locked = self.cidr(cell, (*where, f"[{zone}]"))
                        if locked is not None:
                            subnets[(group, zone)] = locked
            else:
                self.problem((*path, key), value, f"unknown key {shown(key)}")
        return LockedVpc(cidr, pool, subnets)
