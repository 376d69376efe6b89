"""How ``multivpc diff`` shows what changed in a property: the differing part of a long
string with context, list items added and removed, a change of order only, nested keys,
and lines that fit a terminal."""

from __future__ import annotations

from multivpc.analysis.values import CONTEXT, WIDTH, Physical, differences

HEAD, TAIL = "a" * 70, "z" * 70


def test_a_long_string_differing_at_the_end_shows_the_end() -> None:
    [line] = differences(HEAD + "one", HEAD + "two")
    before, after = line.split(" -> ")
    assert before == "..." + "a" * CONTEXT + "one"
    assert after == "..." + "a" * CONTEXT + "two"


def test_a_long_string_differing_in_the_middle_shows_the_middle_with_context() -> None:
    [line] = differences(HEAD + "one" + TAIL, HEAD + "two" + TAIL)
    before, after = line.split(" -> ")
    assert before == "..." + "a" * CONTEXT + "one" + "z" * CONTEXT + "..."
    assert after == "..." + "a" * CONTEXT + "two" + "z" * CONTEXT + "..."


def test_a_short_value_is_shown_whole() -> None:
    assert differences("10.1.0.0/16", "10.9.0.0/16") == ["10.1.0.0/16 -> 10.9.0.0/16"]


def test_list_items_added_and_removed_are_named() -> None:
    old = [Physical("s", f"Subnet{z}") for z in "ab"]
    new = [Physical("s", f"Subnet{z}") for z in "bc"]
    assert differences(old, new) == ["- Ref Subneta", "+ Ref Subnetc"]


def test_a_repeated_item_counts_each_time() -> None:
    assert differences(["x", "x", "y"], ["x", "y"]) == ["- x"]


def test_a_change_of_order_only_says_so() -> None:
    assert differences(["a", "b", "c"], ["c", "a", "b"]) == ["order: [a, b, c] -> [c, a, b]"]


def test_nested_keys_changed_added_and_removed() -> None:
    old = {"Options": {"DnsSupport": "enable", "Ipv6": "disable"}, "Gone": "x"}
    new = {"Options": {"DnsSupport": "disable", "Ipv6": "disable"}, "New": ["1"]}
    assert differences(old, new) == [
        "- Gone: x",
        "+ New: [1]",
        "Options.DnsSupport: enable -> disable",
    ]


def test_every_line_fits_the_width() -> None:
    lines = differences([HEAD * 3], [TAIL * 3])
    assert lines and all(len(line) <= WIDTH for line in lines)
    assert differences("x" * 300 + "1", "x" * 300 + "2", width=40)[0].endswith("...")
