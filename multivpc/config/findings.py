"""Findings about a config and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

SHOWN_LIMIT = 48
"""The most characters of one value a finding shows: the longest valid name, so a valid
value is never shortened, and a pasted blob never floods the terminal."""

Level = Literal["error", "warning"]
"""error: the config cannot be built. warning: it can, but probably not as meant; printed,
and fatal only with ``multivpc validate --strict``."""


@dataclass(frozen=True)
class Finding:
    """One problem in a config: where it is, what is wrong, and how to fix it.

    ``path`` holds keys and selected items, such as ``("vpcs", "[app]", "cidr")``, shown
    as ``vpcs[app].cidr`` with each part cut to ``SHOWN_LIMIT`` characters (see ``shown``);
    ``line`` is the 1-based line in the file when it is known. A warning is printed with
    the prefix ``warning:``.
    """

    path: tuple[str, ...]
    problem: str
    fix: str
    rule: str = ""
    line: int | None = None
    level: Level = "error"

    @property
    def location(self) -> str:
        return path_text(self.path)

    def format(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        location = f" {self.location}:" if self.location else ""
        prefix = "warning: " if self.level == "warning" else ""
        return f"{prefix}{where}:{location} {self.problem}; {self.fix}"


@dataclass
class ConfigError(Exception):
    """Raised by ``load_config`` with every finding at once, never just the first.

    ``findings`` holds the errors and, beside them, any warnings, in file order.
    """

    source: str
    findings: Sequence[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def lines(self) -> list[str]:
        return [finding.format(self.source) for finding in self.findings]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def path_text(path: Sequence[str]) -> str:
    """A place in a config as findings show it: ``vpcs[app].subnets[web].cidr``, each part
    cut to ``SHOWN_LIMIT`` characters."""
    parts = (f"[{shown(p[1:-1])}]" if p.startswith("[") else shown(p) for p in path)
    return ".".join(parts).replace(".[", "[")


def with_lines(findings: Iterable[Finding], lines: Mapping[tuple[str, ...], int]) -> list[Finding]:
    """The findings, each without a line given the line of the deepest part of its path
    that ``lines`` knows, in file order."""
    located = []
    for finding in findings:
        line, end = finding.line, len(finding.path)
        while line is None and end > 0:
            line, end = lines.get(finding.path[:end]), end - 1
        located.append(replace(finding, line=line))
    return sorted(located, key=lambda finding: finding.line or 0)


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """``value`` as text, cut to ``limit`` characters with an ellipsis: every value a finding
    echoes goes through here, so a 200-character name is never repeated whole."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def display_path(path: Path) -> str:
    """A path as the user wrote it, relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
