"""load_config: shapes, messages with file, line, place and fix; YAML and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from multivpc.config import ConfigError
from multivpc.config.models import NetworkConfig
from multivpc.load import load_config
from tests.conftest import EXAMPLES
from tests.support.builder import base


def _errors(tmp_path: Path, text: str, name: str = "network.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.lines()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_load(example: Path) -> None:
    config = load_config(example)
    assert isinstance(config, NetworkConfig)
    assert example.read_text().startswith("#"), (
        "each example starts with a comment saying what it shows"
    )


def test_defaults_fill_account_and_region() -> None:
    config = load_config(EXAMPLES[0])
    assert all(vpc.account and vpc.region for vpc in config.vpcs)


def test_json_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "network.json"
    path.write_text(json.dumps(base().data()))
    assert load_config(path).vpcs[0].name == "app"


def test_unquoted_account_id_is_kept_as_string(tmp_path: Path) -> None:
    path = tmp_path / "network.yaml"
    path.write_text(base().top(accounts={"network": 111111111111}).yaml())
    assert load_config(path).accounts["network"] == "111111111111"


def test_config_is_frozen() -> None:
    config = load_config(EXAMPLES[0])
    with pytest.raises(ValueError):
        config.vpcs[0].name = "other"  # type: ignore[misc]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "absent.yaml")
    [line] = caught.value.lines()
    assert "absent.yaml: cannot read the file" in line and "; check the path" in line


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    [line] = _errors(tmp_path, "name: x\naccounts:\n  a: [1, 2\nvpcs: []\n")
    # The flow sequence opened on line 3 is found unclosed on line 4.
    assert line.startswith(f"{tmp_path / 'network.yaml'}:4: YAML syntax error: ")
    assert line.endswith("; fix the YAML syntax at that line")


@pytest.mark.parametrize(
    ("where", "key", "suggested"),
    [
        ("group", "sise", "did you mean size? "),
        (
            "endpoints",
            "gatway_policy",
            "did you mean gateway_policy or interface_policy or gateway? ",
        ),
        ("vpc", "availability_zone", "did you mean availability_zones? "),
        ("top", "transit_gateway", "did you mean transit_gateways or transit_gateway_peerings? "),
        ("vpc", "frobnicate", ""),
    ],
)
def test_an_unknown_key_names_the_closest_allowed_keys(
    tmp_path: Path, where: str, key: str, suggested: str
) -> None:
    """Close keys come from the model at that place (the keys written down here from the
    README's config reference), nothing when none is close."""
    builder = base()
    if where == "group":
        builder = builder.group("extra", tier="isolated", cidr="10.0.200.0/24", prefix_length=26)
        data = builder.data()
        data["vpcs"][0]["subnets"][-1][key] = 24
        place = "vpcs[app].subnets[extra]"
    elif where == "endpoints":
        data = builder.set(endpoints={key: "open"}).data()
        place = "vpcs[app].endpoints"
    elif where == "vpc":
        data = builder.set(**{key: 1}).data()
        place = "vpcs[app]"
    else:
        data = builder.top(**{key: []}).data()
        place = ""
    [line] = _errors(tmp_path, yaml.safe_dump(data, sort_keys=False))
    path = f"{place}.{key}" if place else key
    assert f"{path}: unknown key {key}; {suggested}remove it or fix its spelling" in line, line


def test_empty_document(tmp_path: Path) -> None:
    [line] = _errors(tmp_path, "# nothing\n")
    assert "the document is empty" in line


def test_shape_errors_name_place_line_and_fix(tmp_path: Path) -> None:
    data = base().top(name="Bad Name").set(cidr="10.0.0.1/16", nat="many", colour="blue").yaml()
    lines = _errors(tmp_path, data)
    text = "\n".join(lines)
    assert "network.yaml:1: name: 'Bad Name' is not valid here; use lowercase letters" in text
    assert "vpcs[app].cidr: 10.0.0.1/16 has host bits set; write 10.0.0.0/16" in text
    assert (
        "vpcs[app].nat: 'many' is not allowed; input should be 'none', 'single' or 'per-az'" in text
    )
    assert "vpcs[app].colour: unknown key colour; remove it or fix its spelling" in text
    cidr_line = next(line for line in lines if "host bits" in line)
    expected_line = data.splitlines().index("  cidr: 10.0.0.1/16") + 1
    assert cidr_line.startswith(f"{tmp_path / 'network.yaml'}:{expected_line}: vpcs[app].cidr:")


def test_missing_region_points_to_defaults(tmp_path: Path) -> None:
    [line] = _errors(tmp_path, base().top(defaults={"account": "network"}).yaml())
    assert "vpcs[app].region: region is missing; add region (or under defaults)" in line


def test_group_needs_addresses(tmp_path: Path) -> None:
    [line] = _errors(tmp_path, base().set(subnets=[{"name": "web", "tier": "public"}]).yaml())
    assert "vpcs[app].subnets[web]: the group has no addresses; give cidr + prefix_length" in line


def test_findings_are_sorted_by_line(tmp_path: Path) -> None:
    lines = _errors(tmp_path, base().set(account="nobody", cidr="10.0.0.0/15").yaml())
    numbers = [int(line.split(":")[1]) for line in lines]
    assert numbers == sorted(numbers) and len(lines) >= 2


def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path: Path) -> None:
    import gc

    load_config(EXAMPLES[0])
    assert gc.isenabled()
    with pytest.raises(ConfigError):
        load_config(tmp_path / "absent.yaml")
    _errors(tmp_path, "name: [unclosed\n")
    assert gc.isenabled()
    gc.disable()
    try:
        load_config(EXAMPLES[0])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_duplicate_keys_are_reported_with_both_lines(tmp_path: Path) -> None:
    text = base().yaml().replace("  nat: per-az\n", "  nat: per-az\n  nat: none\n")
    [line] = _errors(tmp_path, text)
    first = text.splitlines().index("  nat: per-az") + 1
    assert line == (
        f"{tmp_path / 'network.yaml'}:{first + 1}: key nat appears twice "
        f"(lines {first} and {first + 1}); keep one of them"
    )


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "network.yaml"
    path.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [line] = caught.value.lines()
    assert "the file is not UTF-8 text (invalid start byte); save it as UTF-8" in line


# -- JSON is JSON -----------------------------------------------------------------------


def test_json_trailing_comma_is_a_syntax_error_at_the_comma(tmp_path: Path) -> None:
    text = json.dumps(base().data(), indent=2).replace(
        '"prefix_length": 24\n', '"prefix_length": 24,\n', 1
    )
    comma = text.splitlines().index('          "prefix_length": 24,') + 1
    assert _errors(tmp_path, text, "network.json") == [
        f"{tmp_path / 'network.json'}:{comma}: JSON syntax error at column 30: a trailing comma "
        "before }; remove the comma (JSON allows no trailing commas)"
    ]


def test_json_trailing_comma_in_a_list_on_one_line(tmp_path: Path) -> None:
    text = '{"name": "x", "accounts": {"a": "111111111111"}, "vpcs": [1, 2,]}'
    assert _errors(tmp_path, text, "network.json") == [
        f"{tmp_path / 'network.json'}:1: JSON syntax error at column 63: a trailing comma "
        "before ]; remove the comma (JSON allows no trailing commas)"
    ]


def test_json_other_syntax_errors_keep_the_json_message(tmp_path: Path) -> None:
    text = '{\n  "name": "x"\n  "accounts": {}\n}\n'
    assert _errors(tmp_path, text, "network.json") == [
        f"{tmp_path / 'network.json'}:3: JSON syntax error at column 3: expecting ',' "
        "delimiter; fix the JSON syntax at that line"
    ]


def test_json_comment(tmp_path: Path) -> None:
    text = '{\n  "name": "x" // the network\n}\n'
    assert _errors(tmp_path, text, "network.json") == [
        f"{tmp_path / 'network.json'}:2: JSON syntax error at column 15: a comment; remove it "
        "(JSON has no comments; YAML does, in a .yaml file)"
    ]


def test_yaml_in_a_json_file_is_refused(tmp_path: Path) -> None:
    [line] = _errors(tmp_path, base().yaml(), "network.json")
    assert line == (
        f"{tmp_path / 'network.json'}:1: JSON syntax error at column 1: expecting value; "
        "fix the JSON syntax at that line"
    )


def test_json_shape_and_rule_findings_have_lines(tmp_path: Path) -> None:
    data = base().set(nat="many").data()
    text = json.dumps(data, indent=2)
    nat = text.splitlines().index('      "nat": "many",') + 1
    assert _errors(tmp_path, text, "network.json") == [
        f"{tmp_path / 'network.json'}:{nat}: vpcs[app].nat: 'many' is not allowed; "
        "input should be 'none', 'single' or 'per-az'"
    ]
    text = json.dumps(base().vpc("other", cidr="10.0.0.0/16").data(), indent=2)
    cidr = [i for i, line in enumerate(text.splitlines(), 1) if '"10.0.0.0/16"' in line][1]
    assert _errors(tmp_path, text, "network.json") == [
        f"{tmp_path / 'network.json'}:{cidr}: vpcs[other].cidr: 10.0.0.0/16 overlaps "
        "vpcs[app] 10.0.0.0/16; pick a free range"
    ]


def test_json_duplicate_keys_with_both_lines(tmp_path: Path) -> None:
    text = json.dumps(base().data(), indent=2).replace(
        '"nat": "per-az",', '"nat": "per-az",\n      "nat": "none",', 1
    )
    first = text.splitlines().index('      "nat": "per-az",') + 1
    assert _errors(tmp_path, text, "network.json") == [
        f"{tmp_path / 'network.json'}:{first + 1}: key nat appears twice "
        f"(lines {first} and {first + 1}); keep one of them"
    ]


def test_json_that_yaml_cannot_read_still_loads_without_lines(tmp_path: Path) -> None:
    # YAML's reader refuses surrogate-pair escapes; JSON has them, so findings lose lines.
    text = json.dumps(base().top(name="\U0001f600").data(), indent=2)
    assert "\\ud83d\\ude00" in text
    assert _errors(tmp_path, text, "network.json") == [
        f"{tmp_path / 'network.json'}: name: '\U0001f600' is not valid here; "
        "use lowercase letters, digits and dashes, starting with a letter"
    ]


def test_json_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "network.json"
    path.write_text("\ufeff" + json.dumps(base().data()), encoding="utf-8")
    assert load_config(path).name == "test"


# -- what YAML reads differently than it shows ------------------------------------------


def test_unquoted_account_id_with_a_leading_zero_is_octal_to_yaml(tmp_path: Path) -> None:
    text = base().yaml().replace("network: '111111111111'", "network: 012345670123")
    line = text.splitlines().index("  network: 012345670123") + 1
    assert _errors(tmp_path, text) == [
        f"{tmp_path / 'network.yaml'}:{line}: accounts[network]: YAML reads the unquoted "
        '012345670123 as the octal number 1402433619; write it in quotes: "012345670123"'
    ]


def test_unquoted_account_id_with_8_or_9_after_a_leading_zero_is_a_string(
    tmp_path: Path,
) -> None:
    # No octal number: YAML 1.1 reads 012345678901 as the string it shows.
    path = tmp_path / "network.yaml"
    path.write_text(base().yaml().replace("network: '111111111111'", "network: 012345678901"))
    assert load_config(path).accounts["network"] == "012345678901"


def test_merge_keys_override_and_point_at_the_written_key(tmp_path: Path) -> None:
    text = (
        "name: test\n"
        "accounts: {network: '111111111111'}\n"
        "defaults: {account: network, region: us-east-1}\n"
        "vpcs:\n"
        "- &first\n"
        "  name: app\n"
        "  cidr: 10.0.0.0/16\n"
        "  availability_zones: [us-east-1a]\n"
        "  subnets:\n"
        "  - {name: data, tier: isolated, cidr: 10.0.0.0/20, prefix_length: 24}\n"
        "- <<: *first\n"
        "  name: other\n"
        "  cidr: 10.0.0.1/16\n"
    )
    # Not a duplicate key, and the finding is on the cidr written out (13), not the merged one.
    assert _errors(tmp_path, text) == [
        f"{tmp_path / 'network.yaml'}:13: vpcs[other].cidr: 10.0.0.1/16 has host bits set; "
        "write 10.0.0.0/16"
    ]
    path = tmp_path / "network.yaml"
    path.write_text(
        text.replace("10.0.0.1/16", "10.1.0.0/16")
        + "  subnets:\n  - {name: data, tier: isolated, cidr: 10.1.0.0/20, prefix_length: 24}\n"
    )
    config = load_config(path)
    assert [(vpc.name, vpc.availability_zones) for vpc in config.vpcs] == [
        ("app", ["us-east-1a"]),
        ("other", ["us-east-1a"]),
    ]


def test_a_duplicate_key_inside_an_aliased_mapping_is_reported_once(tmp_path: Path) -> None:
    text = "name: x\nshared: &s {a: 1, a: 2}\nmore: [*s, *s, *s]\n"
    assert _errors(tmp_path, text) == [
        f"{tmp_path / 'network.yaml'}:2: key a appears twice (lines 2 and 2); keep one of them"
    ]


# -- echoed values are short ------------------------------------------------------------


def test_a_200_character_name_is_not_echoed(tmp_path: Path) -> None:
    text = base().set(name="a" * 200).yaml()
    line = text.splitlines().index(f"- name: {'a' * 200}") + 1
    assert _errors(tmp_path, text) == [
        f"{tmp_path / 'network.yaml'}:{line}: vpcs[{'a' * 47}\u2026].name: 200 characters "
        "long, more than the limit of 48; shorten it"
    ]


def test_long_values_are_cut_to_48_characters(tmp_path: Path) -> None:
    blob = "not a cidr " * 20
    lines = _errors(tmp_path, base().set(cidr=blob, nat="n" * 100, **{"k" * 60: 1}).yaml())
    assert [line.split(": ", 1)[1] for line in lines] == [
        f"vpcs[app].cidr: {(blob[:47] + chr(0x2026))!r} is not an IPv4 CIDR; "
        "write it like 10.0.0.0/16",
        f"vpcs[app].nat: '{'n' * 47}\u2026' is not allowed; "
        "input should be 'none', 'single' or 'per-az'",
        f"vpcs[app].{'k' * 47}\u2026: unknown key {'k' * 47}\u2026; remove it or fix its "
        "spelling; see schema/multivpc.schema.json for the allowed keys and values",
    ]


def test_a_48_character_name_is_shown_whole(tmp_path: Path) -> None:
    name = "a" * 48
    lines = _errors(tmp_path, base().set(name=name).vpc(name, cidr="10.1.0.0/16").yaml())
    assert f"VPC name {name} is used more than once" in lines[0]
    assert f"vpcs[{name}]:" in lines[0]


def test_an_invalid_account_name_gets_the_name_fix(tmp_path: Path) -> None:
    [line] = _errors(tmp_path, base().top(accounts={"Network": "111111111111"}).yaml())
    assert line.endswith(
        "accounts[Network]: 'Network' is not valid here; "
        "use lowercase letters, digits and dashes, starting with a letter"
    )
