"""``load_config``: the only door in.

A file goes through the whole pipeline of DESIGN.md up to the plan: text -> shape-valid
``NetworkConfig`` -> ``Topology`` (derived facts, once) -> every rule. What comes out is a
``LoadedNetwork`` holding all three and the warnings, or a ``ConfigError`` with every
finding (errors and warnings), each naming the file, the line, the place, the problem and
the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from multivpc.config.findings import ConfigError, Finding
from multivpc.config.loader import cyclic_gc_paused, parse_document, read_text
from multivpc.config.models import NetworkConfig
from multivpc.rules import check_rules
from multivpc.topology import Topology, topology


@dataclass(frozen=True)
class LoadedNetwork:
    """A config that passed every error-level rule, its topology and its warnings."""

    source: str
    config: NetworkConfig
    topology: Topology
    warnings: tuple[Finding, ...]

    def warning_lines(self) -> list[str]:
        return [warning.format(self.source) for warning in self.warnings]


def load_network(path: str | Path, *, strict: bool = False) -> LoadedNetwork:
    """Read and check a network description (YAML, or JSON).

    Raises ``ConfigError`` when any error-level rule fails, or with ``strict`` when any
    rule at all (warnings included) has a finding.
    """
    text, source = read_text(path)
    return parse_network(text, source, strict=strict)


def parse_network(text: str, source: str = "<config>", *, strict: bool = False) -> LoadedNetwork:
    """``load_network`` for text already in memory; ``source`` names it in findings."""
    with cyclic_gc_paused():
        document = parse_document(text, source)
        facts = topology(document.config)
        findings = document.locate(check_rules(facts))
    if (strict and findings) or any(f.level == "error" for f in findings):
        raise ConfigError(source, findings)
    return LoadedNetwork(source, document.config, facts, tuple(findings))


def load_config(path: str | Path) -> NetworkConfig:
    """A valid ``NetworkConfig`` from a file, or a ``ConfigError`` with every finding."""
    return load_network(path).config


def parse_config(text: str, source: str = "<config>") -> NetworkConfig:
    """A valid ``NetworkConfig`` from text, or a ``ConfigError`` with every finding."""
    return parse_network(text, source).config
