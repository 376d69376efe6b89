"""How rules name places in a config: ``vpcs[app].subnets[web].cidr``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from multivpc.config.models import Vpc


def vpc_path(vpc: Vpc | str) -> tuple[str, str]:
    return ("vpcs", f"[{vpc if isinstance(vpc, str) else vpc.name}]")


def group_path(vpc: Vpc, group: str) -> tuple[str, ...]:
    return (*vpc_path(vpc), "subnets", f"[{group}]")


def duplicates(names: Iterable[str]) -> list[str]:
    """Names that occur more than once, sorted."""
    return sorted(name for name, count in Counter(names).items() if count > 1)
