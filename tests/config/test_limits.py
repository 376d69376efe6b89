"""Hostile or runaway files are refused before they cost time or memory: size, nesting,
values, and aliases (the "billion laughs"), each as one finding naming the limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from multivpc.config import ConfigError, loader
from multivpc.config.loader import parse_document
from multivpc.load import load_config
from tests.support.builder import base


def _errors(tmp_path: Path, text: str, name: str = "network.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.lines()


# Nine levels of nine aliases each: 387 million "lol"s from 370 bytes.
BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_at_the_alias_that_passes_the_budget(tmp_path: Path) -> None:
    # Aliases repeat 90 + 819 + 7,380 + 66,429 values on lines 2-5; line 6's first *e
    # (66,430 more) passes 100,000.
    assert _errors(tmp_path, BILLION_LAUGHS) == [
        f"{tmp_path / 'network.yaml'}:6: aliases repeat more than 100,000 values, the limit "
        "that stops alias bombs (here *e); write the shared values out, or reuse anchors less"
    ]


def test_alias_bomb_as_a_mapping_key_is_refused_too(tmp_path: Path) -> None:
    # Keys are walked for duplicates and lines: a key must not expand either.
    text = BILLION_LAUGHS + "? *i\n: x\n"
    [line] = _errors(tmp_path, text)
    assert ":6: aliases repeat more than 100,000 values" in line


def test_recursive_alias(tmp_path: Path) -> None:
    assert _errors(tmp_path, "name: x\nloop: &a\n  - 1\n  - *a\n") == [
        f"{tmp_path / 'network.yaml'}:4: alias *a refers to a collection that contains it "
        "(a recursive alias); point it at an anchor outside that collection, or write the "
        "values out"
    ]


def test_aliases_within_the_budget_load(tmp_path: Path) -> None:
    text = base().set(availability_zones=["us-east-1a", "us-east-1b"]).yaml()
    text = text.replace(
        "  availability_zones:\n  - us-east-1a\n  - us-east-1b\n",
        "  availability_zones: &zones [us-east-1a, us-east-1b]\n",
    )
    text += (
        "- name: other\n"
        "  cidr: 10.1.0.0/16\n"
        "  availability_zones: *zones\n"
        "  subnets:\n"
        "  - {name: data, tier: isolated, cidr: 10.1.0.0/20, prefix_length: 24}\n"
    )
    path = tmp_path / "network.yaml"
    path.write_text(text)
    config = load_config(path)
    assert [vpc.availability_zones for vpc in config.vpcs] == [["us-east-1a", "us-east-1b"]] * 2


@pytest.mark.parametrize("depth", [33, 100_000])  # 100,000 crashed the YAML composer
def test_deep_yaml_nesting(tmp_path: Path, depth: int) -> None:
    assert _errors(tmp_path, "name: " + "[" * depth + "]" * depth + "\n") == [
        f"{tmp_path / 'network.yaml'}:1: the document nests more than 32 levels deep; "
        "remove the extra nesting; a config needs 7 levels"
    ]


def test_deep_json_nesting(tmp_path: Path) -> None:
    # The json module gives up first (Python's recursion limit), without a line.
    assert _errors(tmp_path, '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}", "n.json") == [
        f"{tmp_path / 'n.json'}: the document nests more than 32 levels deep; "
        "remove the extra nesting; a config needs 7 levels"
    ]


def test_json_nesting_under_recursion_limit_but_over_ours(tmp_path: Path) -> None:
    text = json.dumps({"name": "x", "deep": json.loads("[" * 40 + "]" * 40)})
    assert _errors(tmp_path, text, "n.json") == [
        f"{tmp_path / 'n.json'}:1: the document nests more than 32 levels deep; "
        "remove the extra nesting; a config needs 7 levels"
    ]


def test_seven_levels_is_what_a_config_needs(tmp_path: Path) -> None:
    # root > vpcs > vpc > subnets > group > zones: the deepest config path, 6 collections.
    path = tmp_path / "network.yaml"
    path.write_text(base().group("public", zones=["us-east-1a", "us-east-1b"]).yaml())
    assert load_config(path).vpcs[0].subnets[0].zones == ["us-east-1a", "us-east-1b"]


def test_too_many_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_VALUES", 100)
    text = "name: x\nlist:\n" + "- 1\n" * 200
    with pytest.raises(ConfigError) as caught:
        parse_document(text, "network.yaml")
    # 1 mapping + name + x + list + its sequence = 5 values; the 96th item is the 101st.
    assert caught.value.lines() == [
        "network.yaml:98: the document holds more than 100 values; check that it is the "
        "right file; a 1,000-VPC network holds about 52,000"
    ]


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "network.yaml"
    path.write_bytes(b"# padding\n" * (5 * 1024 * 1024 // 10) + b"name: x\n")
    size = path.stat().st_size
    assert size == 5 * 1024 * 1024 + 8
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.lines() == [
        f"{path}: the file is 5.0 MiB (5,242,888 bytes), more than the limit of 5 MiB; "
        "check that it is the right file; a 1,000-VPC network takes about 0.4 MiB"
    ]


def test_text_over_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_BYTES", 1024 * 1024)
    with pytest.raises(ConfigError) as caught:
        parse_document("# é\n" * 300_000, "network.yaml")  # 5 bytes a line in UTF-8
    assert caught.value.lines() == [
        "network.yaml: the file is 1.4 MiB (1,500,000 bytes), more than the limit of 1 MiB; "
        "check that it is the right file; a 1,000-VPC network takes about 0.4 MiB"
    ]
