"""``load_config``: the only door in.

A file goes through the whole pipeline of DESIGN.md up to the plan: text -> shape-valid
``NetworkConfig`` -> ``Topology`` (derived facts, once) -> every rule. What comes out is a
``LoadedNetwork`` holding all three and the warnings, or a ``ConfigError`` with every
finding (errors and warnings), each naming the file, the line, the place, the problem and
the fix.

The address lock beside the config (``network.lock.yaml``, see
``multivpc.config.lockfile``) is read here and handed to the topology, which keeps its
ranges and allocates what is new. Loading never writes it: ``write_lock`` does, when the
caller asks (``multivpc synth``, the CDK app, ``multivpc plan --write-lock``). With
``locked`` (``--locked``, or ``CI=true`` in the environment) a lock that would change is
an error, so CI never allocates on its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from multivpc.config.findings import ConfigError, Finding, display_path
from multivpc.config.loader import cyclic_gc_paused, parse_document, read_text
from multivpc.config.lockfile import (
    AddressLock,
    lock_path,
    lock_schema_reference,
    parse_lock,
    render_lock,
)
from multivpc.config.models import NetworkConfig
from multivpc.plan import NetworkPlan, plan
from multivpc.rules import check_plan_rules, check_rules
from multivpc.topology import AddressPlan, Topology, topology


def ci_locked() -> bool:
    """Whether the environment is CI (``CI`` set to true, 1 or yes), where a lock file
    that would change is an error."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@dataclass(frozen=True)
class LockState:
    """The lock file of a config: where it is, what it held when read (None when there
    was no file), and what it must hold now."""

    path: Path | None
    source: str
    before: AddressLock | None
    after: AddressLock
    config_name: str
    schema: str | None = None
    """Where the lock's yaml-language-server line points (``lock_schema_reference``)."""

    @property
    def needed(self) -> bool:
        """A lock file should exist: something is allocated, or one exists already."""
        return self.before is not None or not self.after.empty

    @property
    def changed(self) -> bool:
        """Writing the lock would change what it holds (or create it)."""
        if not self.needed:
            return False
        return self.before is None or not self.before.same_ranges(self.after)

    def text(self) -> str:
        return render_lock(self.after, self.config_name, self.schema)

    def out_of_date(self) -> Finding:
        action = "create it" if self.before is None else "update it"
        return Finding(
            (),
            f"the lock file {self.source} is {'missing' if self.before is None else 'out of date'}"
            " and --locked (or CI=true) forbids allocating",
            f"run `multivpc plan --write-lock` (or `multivpc synth`) locally to {action}, review "
            "and commit it",
            rule="lock-up-to-date",
        )


@dataclass(frozen=True)
class LoadedNetwork:
    """A config that passed every error-level rule, its topology and its warnings."""

    source: str
    config: NetworkConfig
    """The config with every allocated range written in."""
    topology: Topology
    warnings: tuple[Finding, ...]
    lock: LockState | None = None
    planned: NetworkPlan | None = None
    """The plan the plan rules checked (None only for a hand-made ``LoadedNetwork``)."""

    def network_plan(self) -> NetworkPlan:
        """The plan of this network: the one the rules checked, made once."""
        return self.planned if self.planned is not None else plan(self.topology)

    def warning_lines(self) -> list[str]:
        return [warning.format(self.source) for warning in self.warnings]

    @property
    def addresses(self) -> AddressPlan:
        assert self.topology.addresses is not None  # topology() always sets it
        return self.topology.addresses


def load_network(
    path: str | Path,
    *,
    strict: bool = False,
    locked: bool | None = None,
    forget_released: bool = False,
) -> LoadedNetwork:
    """Read and check a network description (YAML, or JSON) and its address lock.

    Raises ``ConfigError`` when any error-level rule fails, or with ``strict`` when any
    rule at all (warnings included) has a finding, or with ``locked`` (default: under CI,
    see ``ci_locked``) when the lock file would change. ``forget_released``: the lock's
    released ranges are free again (after the deploy that deleted what held them).
    """
    text, source = read_text(path)
    lock_file = lock_path(path)
    lock_text: str | None = None
    lock_source = display_path(lock_file)
    if lock_file.is_file():
        lock_text, lock_source = read_text(lock_file)
    return parse_network(
        text,
        source,
        strict=strict,
        lock_text=lock_text,
        lock_file=lock_file,
        lock_source=lock_source,
        locked=ci_locked() if locked is None else locked,
        forget_released=forget_released,
    )


def parse_network(
    text: str,
    source: str = "<config>",
    *,
    strict: bool = False,
    lock_text: str | None = None,
    lock_file: Path | None = None,
    lock_source: str | None = None,
    locked: bool = False,
    forget_released: bool = False,
) -> LoadedNetwork:
    """``load_network`` for text already in memory; ``source`` names it in findings, and
    ``lock_text`` is the lock file's text (None: there is none; ``lock_source`` names it,
    by default ``<config stem>.lock.yaml``; ``lock_file`` is where ``write_lock`` writes;
    ``locked``: a lock that would change is an error; ``forget_released``: its released
    ranges are free again)."""
    if lock_source is None:
        lock_source = str(lock_path(source))
    before = parse_lock(lock_text, lock_source) if lock_text is not None else None
    with cyclic_gc_paused():
        document = parse_document(text, source)
        kept = before or AddressLock(lock_source)
        facts = topology(document.config, kept.without_released() if forget_released else kept)
        found = check_rules(facts)
        network = None
        if not any(f.level == "error" for f in found):
            # The plan is made from a topology without errors only; its rules come second.
            network = plan(facts)
            found += check_plan_rules(facts, network)
        findings = document.locate(found)
    if (strict and findings) or any(f.level == "error" for f in findings):
        raise ConfigError(source, findings)
    assert facts.addresses is not None
    state = LockState(
        lock_file,
        lock_source,
        before,
        facts.addresses.lock,
        Path(source).name,
        lock_schema_reference(text, lock_file),
    )
    if locked and state.changed:
        raise ConfigError(state.source, [state.out_of_date()])
    return LoadedNetwork(source, facts.config, facts, tuple(findings), state, network)


def write_lock(loaded: LoadedNetwork) -> Path | None:
    """Write the lock file of ``loaded`` when it changes; the path written, else None."""
    state = loaded.lock
    if state is None or state.path is None or not state.changed:
        return None
    partial = state.path.with_name(state.path.name + ".partial")
    partial.write_text(state.text(), encoding="utf-8")
    partial.replace(state.path)
    return state.path


def load_config(path: str | Path) -> NetworkConfig:
    """A valid ``NetworkConfig`` from a file, or a ``ConfigError`` with every finding."""
    return load_network(path).config


def parse_config(text: str, source: str = "<config>") -> NetworkConfig:
    """A valid ``NetworkConfig`` from text, or a ``ConfigError`` with every finding."""
    return parse_network(text, source).config
