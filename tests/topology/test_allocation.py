"""Subnet allocation: deterministic, and adding zones or groups never moves a subnet."""

from __future__ import annotations

import ipaddress

from tests.support.builder import NetworkBuilder, base, standard_groups


def _cidrs(network: NetworkBuilder) -> dict[tuple[str, str], str]:
    loaded = network.load()
    return {(s.group, s.zone): str(s.cidr) for s in loaded.topology.vpcs[0].subnets()}


def test_zone_letter_picks_the_block() -> None:
    cidrs = _cidrs(base())
    assert cidrs[("public", "us-east-1a")] == "10.0.0.0/24"
    assert cidrs[("public", "us-east-1b")] == "10.0.1.0/24"
    assert cidrs[("private", "us-east-1b")] == "10.0.17.0/24"


def test_adding_a_zone_moves_nothing() -> None:
    before = _cidrs(base())
    # Insert at the front on purpose: list position must not matter.
    after = _cidrs(base().set(availability_zones=["us-east-1c", "us-east-1a", "us-east-1b"]))
    assert {k: after[k] for k in before} == before
    assert after[("public", "us-east-1c")] == "10.0.2.0/24"


def test_adding_a_group_moves_nothing() -> None:
    before = _cidrs(base())
    # Insert at the front on purpose: list position must not matter.
    data = {"name": "data", "tier": "isolated", "cidr": "10.0.32.0/20", "prefix_length": 26}
    after = _cidrs(base().set(subnets=[data, *standard_groups("10.0.0.0/16")]))
    assert {k: after[k] for k in before} == before
    assert after[("data", "us-east-1a")] == "10.0.32.0/26"


def test_local_zones_take_blocks_from_the_top() -> None:
    cidrs = _cidrs(
        base()
        .set(local_zones=[{"name": "us-east-1-bos-1a"}, {"name": "us-east-1-mia-1a"}])
        .group("private", zones=["us-east-1a", "us-east-1-bos-1a", "us-east-1-mia-1a"])
    )
    assert cidrs[("private", "us-east-1-bos-1a")] == "10.0.31.0/24"
    assert cidrs[("private", "us-east-1-mia-1a")] == "10.0.30.0/24"
    assert ("public", "us-east-1-bos-1a") not in cidrs, (
        "a group reaches a Local Zone only when asked"
    )


def test_explicit_cidrs_win() -> None:
    cidrs = _cidrs(
        base().group(
            "private",
            cidr=None,
            prefix_length=None,
            cidrs={"us-east-1a": "10.0.200.0/24", "us-east-1b": "10.0.201.0/25"},
        )
    )
    assert cidrs[("private", "us-east-1b")] == "10.0.201.0/25"


def test_all_planned_subnets_are_disjoint_and_inside() -> None:
    loaded = base().load()
    vpc = loaded.topology.vpcs[0]
    nets = [s.cidr for s in vpc.subnets()]
    assert all(n.subnet_of(vpc.cidr) for n in nets)
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])
    assert all(isinstance(n, ipaddress.IPv4Network) for n in nets)


def test_overlapping_finds_contained_and_duplicate_ranges() -> None:
    from multivpc.topology import overlapping

    nets = [
        ipaddress.IPv4Network(n)
        for n in ("10.1.0.0/16", "10.2.0.0/16", "10.0.0.0/8", "192.168.0.0/24", "10.2.0.0/16")
    ]
    pairs = {tuple(sorted(pair)) for pair in overlapping(nets)}
    # Each range that overlaps an earlier one (by address) is reported once, against the
    # widest range before it: here the /8, which contains all three /16s.
    assert pairs == {(0, 2), (1, 2), (2, 4)}
    assert list(overlapping(nets[:2] + nets[3:4])) == []
