"""load_config: shapes, messages with file, line, place and fix; YAML and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
