"""Address pools and size-only groups: allocation against CIDRs written down by hand, the
boundaries, determinism, and what the lock keeps when the config changes."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from multivpc.config import ConfigError
from multivpc.config.lockfile import AddressLock, parse_lock, render_lock
from multivpc.load import LoadedNetwork
from multivpc.topology import free_blocks, lowest_free
from tests.support.builder import NetworkBuilder, network

POOL = [{"name": "corp", "cidr": "10.0.0.0/14"}]


def pooled(*vpcs: tuple[str, int], pool: list[dict[str, str]] = POOL) -> NetworkBuilder:
    """VPCs from pool corp, each with public and private groups of size 24 in two AZs."""
    builder = network().top(address_pools=pool)
    for name, size in vpcs:
        builder.vpc(name, cidr=None, pool="corp", size=size)
    return builder


def cidrs(loaded: LoadedNetwork) -> dict[str, str]:
    """{"vpc": cidr, "vpc/group/zone": cidr} of every VPC and subnet."""
    result = {}
    for facts in loaded.topology:
        result[facts.name] = str(facts.cidr)
        for subnet in facts.subnets():
            result[f"{facts.name}/{subnet.group}/{subnet.zone}"] = str(subnet.cidr)
    return result


def relock(builder: NetworkBuilder, before: LoadedNetwork) -> LoadedNetwork:
    """``builder`` loaded with the lock ``before`` would write."""
    assert before.lock is not None
    return builder.load(lock=before.lock.text())


def errors(builder: NetworkBuilder, lock: str | None = None) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        builder.load(lock=lock)
    return raised.value.lines()


# -- the allocation itself, against ranges written down by hand ----------------------------
def test_vpcs_and_subnets_get_the_lowest_free_blocks_larger_first_then_by_name() -> None:
    loaded = pooled(("b", 16), ("a", 16), ("small", 20)).load()
    assert cidrs(loaded) == {
        "b": "10.1.0.0/16",
        "b/public/us-east-1a": "10.1.2.0/24",
        "b/public/us-east-1b": "10.1.3.0/24",
        "b/private/us-east-1a": "10.1.0.0/24",
        "b/private/us-east-1b": "10.1.1.0/24",
        "a": "10.0.0.0/16",
        "a/public/us-east-1a": "10.0.2.0/24",
        "a/public/us-east-1b": "10.0.3.0/24",
        "a/private/us-east-1a": "10.0.0.0/24",
        "a/private/us-east-1b": "10.0.1.0/24",
        "small": "10.2.0.0/20",
        "small/public/us-east-1a": "10.2.2.0/24",
        "small/public/us-east-1b": "10.2.3.0/24",
        "small/private/us-east-1a": "10.2.0.0/24",
        "small/private/us-east-1b": "10.2.1.0/24",
    }


def test_larger_subnets_first_then_group_then_zone() -> None:
    groups = [
        {"name": "web", "tier": "public", "size": 26},
        {"name": "app", "tier": "private", "size": 22},
        {"name": "db", "tier": "isolated", "size": 26},
    ]
    loaded = network().vpc("v", cidr="10.8.0.0/20", groups=groups, nat="none").load()
    assert cidrs(loaded) == {
        "v": "10.8.0.0/20",
        "v/app/us-east-1a": "10.8.0.0/22",
        "v/app/us-east-1b": "10.8.4.0/22",
        "v/db/us-east-1a": "10.8.8.0/26",
        "v/db/us-east-1b": "10.8.8.64/26",
        "v/web/us-east-1a": "10.8.8.128/26",
        "v/web/us-east-1b": "10.8.8.192/26",
    }


def test_allocation_goes_around_explicit_ranges() -> None:
    builder = (
        pooled(("new", 16))
        .vpc("old", cidr="10.0.0.0/16")
        .at("new")
        .group("fixed", tier="isolated", cidr="10.1.0.0/23", prefix_length=24)
    )
    found = cidrs(builder.load())
    assert found["new"] == "10.1.0.0/16"
    assert found["new/fixed/us-east-1a"] == "10.1.0.0/24"
    # The explicit group owns its whole /23; sized groups start after it.
    assert found["new/private/us-east-1a"] == "10.1.2.0/24"
    assert found["new/public/us-east-1b"] == "10.1.5.0/24"


def test_a_vpc_with_an_explicit_cidr_may_have_size_only_groups() -> None:
    loaded = network().vpc("v", cidr="10.5.0.0/16", groups=None).load()
    assert loaded.addresses.new_ranges == 0
    sized = network().vpc("v", cidr=None, pool=None).set(cidr="10.5.0.0/16").load()
    assert cidrs(sized)["v/private/us-east-1a"] == "10.5.0.0/24"
    assert sized.addresses.subnet_origin("v", "public", "us-east-1a") == "new"
    assert sized.addresses.vpc_origin("v") == "config"


def test_local_zones_get_their_own_subnet() -> None:
    bos = "us-east-1-bos-1a"
    builder = pooled(("v", 16)).set(local_zones=[{"name": bos}], nat="none")
    builder.group("private", zones=["us-east-1a", bos])
    found = cidrs(builder.load())
    # Zones by name: us-east-1-bos-1a sorts before us-east-1a.
    assert found[f"v/private/{bos}"] == "10.0.0.0/24"
    assert found["v/private/us-east-1a"] == "10.0.1.0/24"
    assert found["v/public/us-east-1b"] == "10.0.3.0/24"


# -- boundaries -----------------------------------------------------------------------------
def test_a_pool_exactly_full_and_one_vpc_more() -> None:
    full = pooled(("a", 16), ("b", 16), pool=[{"name": "corp", "cidr": "10.0.0.0/15"}])
    assert {cidrs(full.load())[n] for n in "ab"} == {"10.0.0.0/16", "10.1.0.0/16"}
    full.vpc("c", cidr=None, pool="corp", size=16)
    assert errors(full) == [
        "test.yaml:50: vpcs[c].size: pool corp (10.0.0.0/15) has no free /16 left for this VPC; "
        "use a smaller size, another pool, or widen the pool (multivpc plan shows what is free)"
    ]


@pytest.mark.parametrize(("size", "ok"), [(15, False), (16, True), (28, True), (29, False)])
def test_vpc_size_limits(size: int, ok: bool) -> None:
    builder = pooled(("v", size)).set(nat="none", subnets=[{"name": "db", "tier": "isolated"}])
    builder.group("db", size=28, zones=["us-east-1a"])
    if ok:
        assert cidrs(builder.load())["v"] == f"10.0.0.0/{size}"
    else:
        assert any("vpcs[v].size" in line for line in errors(builder))


@pytest.mark.parametrize(("size", "ok"), [(15, False), (16, True), (28, True), (29, False)])
def test_group_size_limits(size: int, ok: bool) -> None:
    db = {"name": "db", "tier": "isolated", "size": size, "zones": ["us-east-1a"]}
    builder = network().vpc("v", groups=[db]).set(nat="none")
    if ok:
        assert cidrs(builder.load())["v/db/us-east-1a"] == f"10.0.0.0/{size}"
    else:
        assert any("subnets[db].size" in line for line in errors(builder))


def test_a_group_size_larger_than_its_vpc() -> None:
    builder = network().vpc("v", cidr="10.0.0.0/20", groups=[{"name": "db", "tier": "isolated"}])
    builder.set(nat="none").group("db", size=19)
    assert errors(builder) == [
        "test.yaml:18: vpcs[v].subnets[db].size: /19 is larger than the VPC range 10.0.0.0/20; "
        "use a size of at least 20"
    ]


def test_a_vpc_size_larger_than_its_pool() -> None:
    builder = pooled(("v", 16), pool=[{"name": "corp", "cidr": "10.0.0.0/20"}])
    assert any(
        "vpcs[v].size: /16 is larger than pool corp (10.0.0.0/20); use a size of at least 20"
        in line
        for line in errors(builder)
    )


def test_a_vpc_that_fills_up() -> None:
    groups = [{"name": name, "tier": "isolated", "size": 24} for name in ("a", "b")]
    lines = errors(network().vpc("v", cidr="10.0.0.0/23", groups=groups, nat="none"))
    assert [line.split(": ", 1)[1] for line in lines] == [
        f"vpcs[v].subnets[b].size: the VPC range 10.0.0.0/23 has no free /24 left for zone "
        f"{zone}; use a smaller size or give the VPC a larger range (multivpc plan shows what "
        "is free)"
        for zone in ("us-east-1a", "us-east-1b")
    ]


def test_an_unknown_pool_and_a_pool_named_twice() -> None:
    builder = network().top(address_pools=[*POOL, *POOL]).vpc("v", cidr=None, pool="corq", size=16)
    text = "\n".join(errors(builder))
    assert "address_pools[corp]: pool name corp is used twice" in text
    assert "vpcs[v].pool: pool corq is not under address_pools (known: corp)" in text


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"pool": "corp"}, "vpcs[v].pool: there is no size to allocate"),
        ({"size": 16}, "vpcs[v].size: there is no pool to allocate it from"),
        ({"cidr": "10.0.0.0/16", "pool": "corp", "size": 16}, "vpcs[v].pool: the VPC also"),
        ({}, "vpcs[v]: the VPC has no address range"),
    ],
)
def test_a_vpc_gives_cidr_or_pool_and_size(keys: dict[str, Any], expected: str) -> None:
    keys = dict(keys)
    cidr = keys.pop("cidr", None)
    builder = network().top(address_pools=POOL).vpc("v", cidr=None, **keys)
    if cidr is not None:
        builder.set(cidr=cidr)
    assert any(expected in line for line in errors(builder)), errors(builder)


def test_a_group_gives_size_or_explicit_addresses() -> None:
    builder = network().vpc("v").group("public", size=24)
    assert any(
        "vpcs[v].subnets[public].size: the group also gives its addresses" in line
        for line in errors(builder)
    )


# -- determinism and stability --------------------------------------------------------------
def test_two_loads_write_byte_identical_locks() -> None:
    builder = pooled(("b", 16), ("a", 18))
    first, second = builder.load(), builder.load()
    assert first.lock is not None and second.lock is not None
    assert first.lock.text() == second.lock.text()
    assert relock(builder, first).lock.text() == first.lock.text()  # type: ignore[union-attr]


def test_reordering_vpcs_and_groups_changes_no_range_and_no_byte() -> None:
    builder = pooled(("b", 16), ("a", 18))
    before = builder.load()
    data = builder.data()
    data["vpcs"].reverse()
    for vpc in data["vpcs"]:
        vpc["subnets"].reverse()
        vpc["availability_zones"].reverse()
    reordered = network().top(**data)
    # Without the lock as well as with it: allocation does not depend on list order.
    assert cidrs(reordered.load()) == cidrs(before)
    after = relock(reordered, before)
    assert cidrs(after) == cidrs(before)
    assert after.lock is not None and before.lock is not None
    assert after.lock.text() == before.lock.text() and not after.lock.changed


def test_adding_a_group_a_vpc_and_a_zone_keeps_every_locked_range() -> None:
    builder = pooled(("b", 16), ("a", 16))
    before = builder.load()
    # Each of these would take an earlier range if the lock did not hold it.
    builder.at("a").set(availability_zones=["us-east-1a", "us-east-1b", "us-east-1c"])
    builder.group("first", tier="isolated", size=22)
    builder.vpc("aa", cidr=None, pool="corp", size=16)
    after = relock(builder, before)
    kept = cidrs(after)
    assert {k: kept[k] for k in cidrs(before)} == cidrs(before)
    assert kept["aa"] == "10.2.0.0/16"
    assert kept["a/first/us-east-1a"] == "10.0.4.0/22"
    assert kept["a/first/us-east-1b"] == "10.0.8.0/22"
    assert kept["a/first/us-east-1c"] == "10.0.12.0/22"
    assert kept["a/private/us-east-1c"] == "10.0.16.0/24"
    assert kept["a/public/us-east-1c"] == "10.0.17.0/24"
    assert after.addresses.vpc_origin("a") == "lock"
    assert after.addresses.subnet_origin("a", "first", "us-east-1b") == "new"
    assert after.lock is not None and after.lock.changed


def test_without_the_lock_the_same_edit_would_move_ranges() -> None:
    """The reason for the lock: allocating from scratch, a new VPC named a comes first."""
    before = pooled(("b", 16)).load()
    edited = pooled(("b", 16)).vpc("a", cidr=None, pool="corp", size=16)
    assert cidrs(edited.load())["b"] == "10.1.0.0/16"
    assert cidrs(relock(edited, before))["b"] == cidrs(before)["b"] == "10.0.0.0/16"


def test_removed_items_leave_the_lock() -> None:
    builder = pooled(("a", 16), ("b", 16))
    before = builder.load()
    builder.top(vpcs=[builder.data()["vpcs"][0]])
    after = relock(builder, before)
    assert after.lock is not None and after.lock.changed
    assert set(parse_lock(after.lock.text(), "x").vpcs) == {"a"}


# -- a locked range that no longer fits, and explicit ranges over locked ones ---------------
LOCK = """\
version: 1
vpcs:
  a:
    cidr: 10.0.0.0/16
    pool: corp
    subnets:
      private:
        us-east-1a: 10.0.0.0/24
        us-east-1b: 10.0.1.0/24
      public:
        us-east-1a: 10.0.2.0/24
        us-east-1b: 10.0.3.0/24
"""


def test_the_hand_written_lock_is_what_allocation_writes() -> None:
    loaded = pooled(("a", 16)).load()
    assert loaded.lock is not None
    assert loaded.lock.text().split("version: 1\n", 1)[1] == LOCK.split("version: 1\n", 1)[1]


def test_a_shrunk_vpc_names_the_config_and_the_lock_entry() -> None:
    assert errors(pooled(("a", 17)), LOCK) == [
        "test.yaml:22: vpcs[a].size: size 17 does not match 10.0.0.0/16, locked for this VPC in "
        "test.lock.yaml:4 (vpcs.a.cidr); restore size: 16, or delete that lock entry to "
        "allocate anew, which replaces the VPC and all in it"
    ]


def test_a_changed_pool_names_the_config_and_the_lock_entry() -> None:
    moved = pooled(("a", 16), pool=[{"name": "corp", "cidr": "172.16.0.0/12"}])
    [line] = errors(moved, LOCK)
    assert line.startswith(
        "test.yaml:21: vpcs[a].pool: pool corp (172.16.0.0/12) does not hold 10.0.0.0/16, "
        "locked for this VPC in test.lock.yaml:4 (vpcs.a.cidr); restore the pool"
    )


def test_a_changed_group_size_names_each_lock_entry() -> None:
    lines = errors(pooled(("a", 16)).group("public", size=25), LOCK)
    assert lines == [
        f"test.yaml:17: vpcs[a].subnets[public].size: size 25 does not match {cidr}, locked for "
        f"zone {zone} in test.lock.yaml:{line} (vpcs.a.subnets.public.{zone}); restore size: "
        "24, or delete that lock entry to allocate anew, which replaces the subnet"
        for zone, cidr, line in [
            ("us-east-1a", "10.0.2.0/24", 11),
            ("us-east-1b", "10.0.3.0/24", 12),
        ]
    ]


def test_an_explicit_vpc_cidr_over_a_locked_range_is_an_error() -> None:
    builder = pooled(("a", 16)).vpc("b", cidr="10.0.0.0/16")
    assert errors(builder, LOCK) == [
        "test.yaml:24: vpcs[b].cidr: 10.0.0.0/16 overlaps vpcs[a] 10.0.0.0/16, allocated and "
        "locked in test.lock.yaml:4; pick a free range (multivpc plan shows what is free)"
    ]


def test_an_explicit_subnet_over_a_locked_one_is_an_error() -> None:
    builder = pooled(("a", 16)).group("db", tier="isolated", cidrs={"us-east-1a": "10.0.1.0/24"})
    assert errors(builder, LOCK) == [
        "test.yaml:24: vpcs[a].subnets[db].cidrs[us-east-1a]: 10.0.1.0/24 overlaps "
        "subnets[private] 10.0.1.0/24 (us-east-1b), allocated and locked in test.lock.yaml:9; "
        "pick a free range (multivpc plan shows what is free)"
    ]


def test_an_explicit_cidr_over_a_pooled_vpc_wins_but_its_locked_subnets_do_not_move() -> None:
    moved = errors(pooled(("a", 16)).set(pool=None, size=None, cidr="10.9.0.0/16"), LOCK)
    assert len(moved) == 4
    assert moved[0].startswith(
        "test.yaml:17: vpcs[a].subnets[public].size: the VPC range 10.9.0.0/16 does not hold "
        "10.0.2.0/24, locked for zone us-east-1a in test.lock.yaml:11"
    )
    # The same range written out: the VPC's lock entry goes, its subnets stay locked.
    kept = pooled(("a", 16)).set(pool=None, size=None, cidr="10.0.0.0/16").load(lock=LOCK)
    assert kept.addresses.vpc_origin("a") == "config"
    assert kept.addresses.subnet_origin("a", "public", "us-east-1b") == "lock"
    assert kept.lock is not None and kept.lock.changed


def test_a_broken_lock_file_is_reported_against_the_lock() -> None:
    with pytest.raises(ConfigError) as raised:
        pooled(("a", 16)).load(lock="version: 1\nvpcs:\n  a:\n    cidr: 10.0.0.1/16\n")
    assert raised.value.lines() == [
        "test.lock.yaml:4: vpcs[a].cidr: 10.0.0.1/16 has host bits set; restore it from "
        "version control, or delete the file to allocate every range anew"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # from a newer multivpc
            "version: 2\nvpcs: {}\n",
            "test.lock.yaml:1: version: the lock file is version 2, written by a newer multivpc "
            "(this one reads version 1); upgrade multivpc, or restore the lock from version "
            "control",
        ),
        (  # cut short in the middle of a range
            "version: 1\nvpcs:\n  a:\n    subnets:\n      public:\n        us-east-1a: 10.0.2.0/2",
            "test.lock.yaml:6: vpcs[a].subnets[public][us-east-1a]: 10.0.2.0/2 has host bits "
            "set; restore it from version control",
        ),
        (  # cut short before its version
            "vpcs:\n  a:\n    cidr: 10.0.0.0/16\n",
            "test.lock.yaml: version: version is missing (the file may be cut short); restore it",
        ),
        (  # hand-edited
            "version: 1\nvpcs:\n  a:\n    cidr: 10.0.0.0/16\n    colour: red\n",
            "test.lock.yaml:5: vpcs[a].colour: unknown key colour; restore it from version control",
        ),
        (
            "version: 1\nvpcs:\n  a:\n    cidr: 10.0.0.0/16\n    cidr: 10.1.0.0/16\n",
            "test.lock.yaml:5: vpcs[a].cidr: key cidr appears twice; restore it",
        ),
        (
            "version: 0\nvpcs: {}\n",
            "test.lock.yaml:1: version: version 0 is not a lock version; restore it",
        ),
    ],
)
def test_a_lock_that_does_not_match_its_model_is_refused_with_the_place(
    text: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        pooled(("a", 16)).load(lock=text)
    assert raised.value.lines()[0].startswith(expected), raised.value.lines()


# -- released ranges: never reused in the change that freed them ---------------------------
def without_group(builder: NetworkBuilder, vpc: str, group: str) -> NetworkBuilder:
    data = builder.data()
    for entry in data["vpcs"]:
        if entry["name"] == vpc:
            entry["subnets"] = [g for g in entry["subnets"] if g["name"] != group]
    return network().top(**data)


def released(loaded: LoadedNetwork) -> dict[str, str]:
    """{cidr: was} of the lock ``loaded`` would write, read back from its text."""
    assert loaded.lock is not None
    return {str(r.cidr): r.was for r in parse_lock(loaded.lock.text(), "x").released}


def test_a_removed_group_is_released_and_a_new_group_of_its_size_goes_elsewhere() -> None:
    before = pooled(("a", 16)).load()  # private 10.0.0.0/24 and 10.0.1.0/24 (LOCK below)
    edited = (
        without_group(pooled(("a", 16)), "a", "private")
        .at("a")
        .group("data", tier="isolated", size=24)
    )
    after = relock(edited, before)
    got = cidrs(after)
    # public keeps 10.0.2-3.0/24; without the hold data would get 10.0.0.0/24 and 10.0.1.0/24.
    assert got["a/data/us-east-1a"] == "10.0.4.0/24"
    assert got["a/data/us-east-1b"] == "10.0.5.0/24"
    assert cidrs(edited.load())["a/data/us-east-1a"] == "10.0.0.0/24"
    assert released(after) == {
        "10.0.0.0/24": "vpcs.a.subnets.private.us-east-1a",
        "10.0.1.0/24": "vpcs.a.subnets.private.us-east-1b",
    }
    # Loading with the written lock changes nothing: the hold outlives any number of synths.
    assert after.lock is not None
    again = edited.load(lock=after.lock.text())
    assert cidrs(again) == got and again.lock is not None and not again.lock.changed


def test_a_removed_zone_and_a_removed_pool_vpc_are_released() -> None:
    before = pooled(("a", 16), ("b", 16)).load()  # a 10.0.0.0/16, b 10.1.0.0/16
    edited = pooled(("a", 16)).at("a").set(availability_zones=["us-east-1a"])
    edited.vpc("c", cidr=None, pool="corp", size=16)
    after = relock(edited, before)
    assert cidrs(after)["c"] == "10.2.0.0/16"  # not b's 10.1.0.0/16
    assert released(after) == {
        "10.0.1.0/24": "vpcs.a.subnets.private.us-east-1b",
        "10.0.3.0/24": "vpcs.a.subnets.public.us-east-1b",
        "10.1.0.0/16": "vpcs.b",
    }


def test_what_held_a_released_range_takes_it_back() -> None:
    """Removing a group and restoring it before the deploy gives the same subnets, so the
    template does not change at all."""
    builder = pooled(("a", 16))
    before = builder.load()
    removed = relock(without_group(builder, "a", "private"), before)
    restored = relock(builder, removed)
    assert cidrs(restored) == cidrs(before)
    assert restored.addresses.subnet_origin("a", "private", "us-east-1a") == "lock"
    assert released(restored) == {}
    assert restored.lock is not None and restored.lock.text() == before.lock.text()  # type: ignore[union-attr]


def test_forgetting_released_ranges_frees_them_for_the_next_change() -> None:
    before = pooled(("a", 16)).load()
    removed = relock(without_group(pooled(("a", 16)), "a", "private"), before)
    assert removed.lock is not None
    edited = (
        without_group(pooled(("a", 16)), "a", "private")
        .at("a")
        .group("data", tier="isolated", size=24)
    )
    forgotten = edited.load(lock=removed.lock.text(), forget_released=True)
    assert cidrs(forgotten)["a/data/us-east-1a"] == "10.0.0.0/24"
    assert released(forgotten) == {}


def test_a_range_pinned_in_the_config_by_what_held_it_is_not_released() -> None:
    before = pooled(("a", 16)).load()
    pinned = (
        pooled(("a", 16))
        .at("a")
        .group(
            "private", size=None, cidrs={"us-east-1a": "10.0.0.0/24", "us-east-1b": "10.0.1.0/24"}
        )
    )
    after = relock(pinned, before)
    assert released(after) == {}
    assert cidrs(after)["a/private/us-east-1b"] == "10.0.1.0/24"


def test_an_explicit_range_over_a_released_one_is_an_error() -> None:
    before = pooled(("a", 16)).load()
    edited = (
        without_group(pooled(("a", 16)), "a", "private")
        .at("a")
        .group(
            "data",
            tier="isolated",
            cidrs={"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.8.0/24"},
        )
    )
    assert before.lock is not None
    [line] = errors(edited, before.lock.text())
    assert line.endswith(
        "vpcs[a].subnets[data].cidrs[us-east-1a]: 10.0.1.0/24 overlaps 10.0.1.0/24, which "
        "vpcs.a.subnets.private.us-east-1b held (freed by this change) and which stays in use "
        "until that removal is deployed; deploy the change that removed it first, then run "
        "`multivpc plan --write-lock --forget-released`; or pick a free range (multivpc plan "
        "shows what is free)"
    ), line
    # Once written to the lock, the message points at the lock's line.
    removed = relock(without_group(pooled(("a", 16)), "a", "private"), before)
    assert removed.lock is not None
    [line] = errors(edited, removed.lock.text())
    assert "(released in test.lock.yaml:" in line
    vpc = pooled(("a", 16)).vpc("b", cidr="10.0.0.0/16")
    without_a = network().top(**{**vpc.data(), "vpcs": vpc.data()["vpcs"][1:]})
    [line] = errors(without_a, before.lock.text())
    assert "vpcs[b].cidr: 10.0.0.0/16 overlaps 10.0.0.0/16, which vpcs.a held" in line


def test_released_ranges_survive_a_round_trip_and_a_broken_entry_names_its_line() -> None:
    text = LOCK + "released:\n  - cidr: 10.0.9.0/24\n    was: vpcs.a.subnets.data.us-east-1a\n"
    lock = parse_lock(text, "x")
    assert [(str(r.cidr), r.was, r.line) for r in lock.released] == [
        ("10.0.9.0/24", "vpcs.a.subnets.data.us-east-1a", 14)
    ]
    assert render_lock(lock, "n.yaml").endswith(
        text.split("version: 1\n", 1)[1].replace(
            "released:",
            "# Freed by a change, in use until that change is deployed: never allocated "
            "again\n# until `multivpc plan --write-lock --forget-released` after that deploy.\n"
            "released:",
        )
    )
    with pytest.raises(ConfigError) as raised:
        pooled(("a", 16)).load(lock=LOCK + "released:\n  - cidr: 10.0.9.0/24\n    was: a\n")
    assert raised.value.lines()[0].startswith("test.lock.yaml:15: released[0].was: "), (
        raised.value.lines()
    )


# -- helpers --------------------------------------------------------------------------------
def net(text: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(text)


def test_lowest_free_and_free_blocks() -> None:
    taken = [net("10.0.0.0/24"), net("10.0.2.0/23")]
    assert lowest_free(net("10.0.0.0/22"), 24, taken) == net("10.0.1.0/24")
    assert lowest_free(net("10.0.0.0/22"), 23, taken) is None
    assert lowest_free(net("10.0.0.0/22"), 21, []) is None
    assert lowest_free(net("10.0.0.0/22"), 22, []) == net("10.0.0.0/22")
    assert free_blocks(net("10.0.0.0/22"), taken) == [net("10.0.1.0/24")]
    assert free_blocks(net("10.0.0.0/22"), [net("10.0.1.0/26")]) == [
        net("10.0.0.0/24"),
        net("10.0.1.64/26"),
        net("10.0.1.128/25"),
        net("10.0.2.0/23"),
    ]


def test_render_is_sorted_and_empty_locks_say_so() -> None:
    assert render_lock(AddressLock(), "n.yaml").endswith("version: 1\nvpcs: {}\n")
