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

import dataclasses
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import Field, StringConstraints, ValidationError, field_validator
from pydantic_core import ErrorDetails

from multivpc.config.findings import ConfigError, Finding, shown, with_lines
from multivpc.config.models import Cidr, Model, Name, ZoneName

LOCK_SUFFIX = ".lock.yaml"
LOCK_VERSION = 1

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FIX = "restore it from version control, or delete the file to allocate every range anew"


class LockedVpcEntry(Model):
    """One VPC's allocated ranges."""

    cidr: Cidr | None = Field(
        default=None, description="The VPC's range, when its pool gave it (with pool)."
    )
    pool: Name | None = Field(default=None, description="The address pool cidr came from.")
    subnets: dict[Name, dict[ZoneName, Cidr]] = Field(
        default_factory=dict,
        description="Subnets of size-only groups: group name -> zone -> CIDR.",
    )


class ReleasedEntry(Model):
    """A range a change took out of the lock; held back from allocation (see
    ``AddressLock.released``)."""

    cidr: Cidr = Field(description="The released range.")
    was: str = Field(
        max_length=400,
        pattern=r"^vpcs\.[A-Za-z0-9._-]+$",
        description="What held it: vpcs.NAME (a VPC's range) or vpcs.NAME.subnets.GROUP.ZONE.",
    )


Shard = Annotated[int, Field(ge=0, le=999)]


class LockedRoutingEntry(Model):
    """One Transit Gateway's routing shards: 0 is the stack ``<network>-tgw-<name>-routing``,
    N > 0 the stack ``<network>-tgw-<name>-routing-N``."""

    attachments: dict[Name, Shard] = Field(
        default_factory=dict,
        description="The routing shard of each attachment (and of the static routes to its "
        "VPC), by VPC name.",
    )
    routes: dict[Annotated[str, StringConstraints(max_length=80)], Shard] = Field(
        default_factory=dict,
        description="The routing shard of each route without a VPC (a blackhole), by "
        "'SEGMENT CIDR'.",
    )


class LockFile(Model):
    """What ``<config>.lock.yaml`` holds: the ranges multivpc allocated once, kept so they
    never move. Written by multivpc; ``schema/lock/multivpc-lock.schema.json`` is generated
    from this model."""

    version: int = Field(
        description=f"The lock format; {LOCK_VERSION} is the one this multivpc reads and writes."
    )
    vpcs: dict[Name, LockedVpcEntry] = Field(
        default_factory=dict, description="Allocated ranges by VPC name."
    )
    transit_gateways: dict[Name, LockedRoutingEntry] = Field(
        default_factory=dict,
        description="Routing shards by Transit Gateway name, kept so no routing resource "
        "moves between stacks as the estate grows.",
    )
    released: list[ReleasedEntry] = Field(
        default_factory=list,
        description="Ranges a change freed, never allocated again until `multivpc plan "
        "--write-lock --forget-released` after the deploy that deleted them.",
    )

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value > LOCK_VERSION:
            raise ValueError(
                f"the lock file is version {value}, written by a newer multivpc (this one "
                f"reads version {LOCK_VERSION}); upgrade multivpc, or restore the lock from "
                "version control"
            )
        if value != LOCK_VERSION:
            raise ValueError(f"version {value} is not a lock version; {_FIX}")
        return value


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
class ReleasedRange:
    """A range that left the lock (its group, zone or VPC was removed): ``was`` names what
    held it (``vpcs.apps.subnets.data.us-east-1a``, ``vpcs.apps``). CloudFormation creates
    new resources before it deletes old ones, so the range is still in use until the
    change that freed it is deployed; the allocator never hands it out again until the
    user forgets it (``multivpc plan --write-lock --forget-released``), except back to
    what held it, which is then the same resource."""

    cidr: ipaddress.IPv4Network
    was: str
    line: int | None = field(default=None, compare=False)

    @property
    def vpc(self) -> str:
        """The VPC of ``was``."""
        return self.was.split(".")[1]

    @property
    def is_vpc_range(self) -> bool:
        return self.was.count(".") == 1


def vpc_path(vpc: str) -> str:
    """How a released VPC range names what held it."""
    return f"vpcs.{vpc}"


def subnet_path(vpc: str, group: str, zone: str) -> str:
    """How a released subnet range names what held it."""
    return f"vpcs.{vpc}.subnets.{group}.{zone}"


@dataclass(frozen=True)
class RoutingShards:
    """The shard of every attachment (by VPC) and of every route without a VPC (by
    ``SEGMENT CIDR``) of one Transit Gateway; see ``multivpc.topology.shards``."""

    attachments: Mapping[str, int] = field(default_factory=dict)
    routes: Mapping[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.attachments and not self.routes


@dataclass(frozen=True)
class AddressLock:
    """What a lock file holds, by VPC name, and the ranges held back as released;
    ``source`` names the file in findings."""

    source: str = ""
    vpcs: Mapping[str, LockedVpc] = field(default_factory=dict)
    released: tuple[ReleasedRange, ...] = ()
    routing: Mapping[str, RoutingShards] = field(default_factory=dict)
    """Routing shards by Transit Gateway name."""

    @property
    def empty(self) -> bool:
        """Nothing to keep: no file is needed."""
        return (
            all(vpc.empty for vpc in self.vpcs.values())
            and not self.released
            and all(shards.empty for shards in self.routing.values())
        )

    def vpc(self, name: str) -> LockedVpc:
        return self.vpcs.get(name) or LockedVpc()

    def where(self, entry: LockedRange | ReleasedRange) -> str:
        """``network.lock.yaml:12``, the lock file and the line of ``entry``."""
        return f"{self.source}:{entry.line}" if entry.line else self.source or "the lock file"

    def same_ranges(self, other: AddressLock) -> bool:
        """The two locks hold the same ranges (lines and file names aside)."""
        mine = {name: vpc for name, vpc in self.vpcs.items() if not vpc.empty}
        theirs = {name: vpc for name, vpc in other.vpcs.items() if not vpc.empty}
        return (
            mine == theirs
            and set(self.released) == set(other.released)
            and _routing(self) == _routing(other)
        )

    def without_released(self) -> AddressLock:
        """This lock with its released ranges forgotten (after the deploy that freed them)."""
        return dataclasses.replace(self, released=())


def _routing(lock: AddressLock) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    return {
        name: (dict(shards.attachments), dict(shards.routes))
        for name, shards in lock.routing.items()
        if not shards.empty
    }


CONFIG_SCHEMA = "multivpc.schema.json"
LOCK_SCHEMA = "lock/multivpc-lock.schema.json"
"""Beside the config schema, in a folder of its own: tools that take the first schema
of ``schema/`` for every YAML file then find the config schema."""
_SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S*)$", re.MULTILINE)


def lock_schema_reference(config_text: str, lock_file: Path | None) -> str | None:
    """Where the lock's ``yaml-language-server`` line points: beside the schema the config
    points at (``../schema/multivpc.schema.json`` gives
    ``../schema/lock/multivpc-lock.schema.json``); without one, the schema/ folder of this
    checkout of multivpc, relative to the lock;
    None when neither exists (an installed package carries no schema files)."""
    match = _SCHEMA_LINE.search(config_text[:2000])
    if match and match[1].endswith(CONFIG_SCHEMA):
        return match[1].removesuffix(CONFIG_SCHEMA) + LOCK_SCHEMA
    schema = Path(__file__).resolve().parents[2] / "schema" / LOCK_SCHEMA
    if lock_file is None or not schema.is_file():
        return None
    return Path(os.path.relpath(schema, lock_file.resolve().parent)).as_posix()


def render_lock(lock: AddressLock, config_name: str, schema: str | None = None) -> str:
    """The lock as the file's text: sorted, one range per line, the same every time;
    ``schema`` (see ``lock_schema_reference``) goes into the editors' schema line."""
    lines = [f"# yaml-language-server: $schema={schema}"] if schema else []
    lines += [
        f"# Address ranges and routing shards multivpc allocated for {config_name}, kept so",
        "# they never move.",
        "# Commit this file with the config and review its changes in pull requests; a",
        "# range that is already deployed must not change. Written by `multivpc synth`,",
        "# `npx cdk synth` and `multivpc plan --write-lock`; see docs/config.md of multivpc.",
        f"version: {LOCK_VERSION}",
    ]
    vpcs = {name: vpc for name, vpc in sorted(lock.vpcs.items()) if not vpc.empty}
    lines.append("vpcs:" if vpcs else "vpcs: {}")
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
    routing = {name: shards for name, shards in sorted(lock.routing.items()) if not shards.empty}
    if routing:
        lines += [
            "# The routing stack of each attachment and blackhole, kept for life (0 is",
            "# <network>-tgw-<name>-routing, N is ...-routing-N); see docs/transit-gateway.md.",
            "transit_gateways:",
        ]
    for name, shards in routing.items():
        lines.append(f"  {name}:")
        for key, entries in (("attachments", shards.attachments), ("routes", shards.routes)):
            if entries:
                lines.append(f"    {key}:")
                lines.extend(f"      {item}: {shard}" for item, shard in sorted(entries.items()))
    if lock.released:
        lines += [
            "# Freed by a change, in use until that change is deployed: never allocated again",
            "# until `multivpc plan --write-lock --forget-released` after that deploy.",
            "released:",
        ]
        for held in sorted(set(lock.released), key=lambda r: (r.cidr, r.was)):
            lines += [f"  - cidr: {held.cidr}", f"    was: {held.was}"]
    return "\n".join(lines) + "\n"


def parse_lock(text: str, source: str) -> AddressLock:
    """A lock file's text as an ``AddressLock``, or a ``ConfigError`` (against the lock
    file) naming every place where it does not match ``LockFile``: hand-edited, cut short,
    or written by a newer multivpc."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(
            source, [Finding((), f"YAML syntax error: {shown(problem)}", _FIX, line=line)]
        ) from None
    finally:
        loader.dispose()
    if node is None:
        return AddressLock(source)
    lines: dict[tuple[str, ...], int] = {}
    findings = _walk(node, (), lines)
    if not findings:
        # The node tree already read: constructed, not parsed a second time.
        data = loader.construct_document(node)
        try:
            model = LockFile.model_validate(data)
        except ValidationError as error:
            findings = [_finding(detail) for detail in error.errors()]
        else:
            return _address_lock(model, source, lines)
    raise ConfigError(source, with_lines(findings, lines))


def _address_lock(
    model: LockFile, source: str, lines: Mapping[tuple[str, ...], int]
) -> AddressLock:
    vpcs: dict[str, LockedVpc] = {}
    for name, entry in model.vpcs.items():
        where = ("vpcs", f"[{name}]")
        cidr = None
        if entry.cidr is not None:
            cidr = LockedRange(entry.cidr, lines.get((*where, "cidr")))
        subnets = {
            (group, zone): LockedRange(
                locked, lines.get((*where, "subnets", f"[{group}]", f"[{zone}]"))
            )
            for group, zones in entry.subnets.items()
            for zone, locked in zones.items()
        }
        vpcs[name] = LockedVpc(cidr, entry.pool, subnets)
    released = tuple(
        ReleasedRange(entry.cidr, entry.was, lines.get(("released", f"[{index}]")))
        for index, entry in enumerate(model.released)
    )
    routing = {
        name: RoutingShards(dict(entry.attachments), dict(entry.routes))
        for name, entry in model.transit_gateways.items()
    }
    return AddressLock(source, vpcs, released, routing)


def _key_part(path: tuple[str, ...], key: str) -> str:
    """How a key shows in a finding's path: names under vpcs and subnets in brackets."""
    parent = path[-1] if path else ""
    grandparent = path[-2] if len(path) > 1 else ""
    named = ("vpcs", "subnets", "transit_gateways", "attachments", "routes")
    return f"[{key}]" if parent in named or grandparent == "subnets" else key


def _walk(
    node: yaml.Node, path: tuple[str, ...], lines: dict[tuple[str, ...], int]
) -> list[Finding]:
    """Records the line of every key, and reports keys written twice (YAML would keep the
    last one silently)."""
    findings: list[Finding] = []
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, f"[{index}]")
            lines[child] = item.start_mark.line + 1
            findings += _walk(item, child, lines)
        return findings
    if not isinstance(node, yaml.MappingNode):
        return findings
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
        child = (*path, _key_part(path, key))
        line = key_node.start_mark.line + 1
        if key in seen:
            findings.append(Finding(child, f"key {shown(key)} appears twice", _FIX, line=line))
            continue
        seen.add(key)
        lines[child] = line
        findings += _walk(value_node, child, lines)
    return findings


def _finding(detail: ErrorDetails) -> Finding:
    """A shape problem of the lock, placed by path (``with_lines`` gives its line)."""
    path: tuple[str, ...] = ()
    for part in detail["loc"]:
        if isinstance(part, int):
            path = (*path, f"[{part}]")
        elif part != "[key]":
            path = (*path, _key_part(path, str(part)))
    last = path[-1] if path else ""
    message = detail["msg"].removeprefix("Value error, ")
    if detail["type"] == "missing":
        return Finding(path, f"{last} is missing (the file may be cut short)", _FIX)
    if detail["type"] == "extra_forbidden":
        return Finding(path, f"unknown key {shown(last)}", _FIX)
    problem, _, fix = message.partition("; ")
    # Only a newer version has a fix of its own; anything else is a damaged file.
    return Finding(path, problem, fix if path == ("version",) and fix else _FIX)
