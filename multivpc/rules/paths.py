"""How rules name places in a config: ``vpcs[app].subnets[web].cidr``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from multivpc.config.findings import Finding
from multivpc.config.models import Vpc
from multivpc.vocabulary import duplicates


def vpc_path(vpc: Vpc | str) -> tuple[str, str]:
    return ("vpcs", f"[{vpc if isinstance(vpc, str) else vpc.name}]")


def group_path(vpc: Vpc, group: str) -> tuple[str, ...]:
    return (*vpc_path(vpc), "subnets", f"[{group}]")


def peering_pair_findings(
    peerings: Iterable[tuple[str, str, str]],
    *,
    path: Callable[..., tuple[str, ...]],
    end: str,
    end_key: str,
) -> Iterator[Finding]:
    """What both kinds of peering share: a peering name used twice, a peering of one end
    with itself, one pair peered twice. ``peerings`` holds (name, requester, accepter);
    ``path(name, *keys)`` places a finding; ``end`` names an end in messages (``VPC``,
    ``Transit Gateway``) and ``end_key`` is its key on a side (``vpc``, ``transit_gateway``)."""
    listed = list(peerings)
    for name in duplicates(name for name, _, _ in listed):
        yield Finding(
            path(name), f"peering name {name} is used more than once", "give each its own name"
        )
    pairs: dict[frozenset[str], str] = {}
    for name, first, second in listed:
        if first == second:
            yield Finding(
                path(name, "accepter", end_key),
                f"the peering joins {end} {first} with itself",
                f"peer two different {end}s",
            )
            continue
        pair = frozenset((first, second))
        if pair in pairs:
            yield Finding(
                path(name),
                f"{end}s {first} and {second} are already peered by {pairs[pair]}",
                f"keep one peering between them ({pairs[pair]})",
            )
        else:
            pairs[pair] = name
