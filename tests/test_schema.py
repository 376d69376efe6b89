"""The published JSON Schema (schema/multivpc.schema.json) accepts every valid config and
rejects configs whose shape is wrong, checked with a real JSON Schema validator (the one
editors use through yaml-language-server reads the same file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from multivpc.load import parse_config
from tests.conftest import EXAMPLES, ROOT
from tests.support.builder import Data, base, network

SCHEMA_PATH = ROOT / "schema" / "multivpc.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text())
VALIDATOR = Draft202012Validator(SCHEMA)
BOS = "us-east-1-bos-1a"


def _problems(data: Any) -> list[str]:
    """Each schema error as PATH: MESSAGE, PATH in JSON Pointer style."""
    return sorted(
        f"/{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in VALIDATOR.iter_errors(data)
    )


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_is_valid_against_the_schema(example: Path) -> None:
    assert _problems(yaml.safe_load(example.read_text())) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_points_editors_at_the_schema(example: Path) -> None:
    first = example.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/multivpc.schema.json"
    target = (example.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == SCHEMA_PATH.resolve()


VALID: dict[str, Data] = {
    "account and region from defaults": base().data(),
    "account and region on each VPC, no defaults": network()
    .vpc("app", account="network", region="us-east-1")
    .vpc("other", cidr="10.1.0.0/16", account="apps", region="us-east-1")
    .top(defaults=None)
    .data(),
    "unquoted account id (a YAML number)": base().top(accounts={"network": 111111111111}).data(),
    "explicit cidrs and a Local Zone": base()
    .set(local_zones=[{"name": BOS}])
    .group(
        "private",
        cidr=None,
        prefix_length=None,
        cidrs={"us-east-1a": "10.0.16.0/24", BOS: "10.0.17.0/24"},
    )
    .data(),
    "address pools, a VPC from a pool and size-only groups": network()
    .top(address_pools=[{"name": "corp", "cidr": "10.0.0.0/8"}])
    .vpc("app", cidr=None, pool="corp", size=16)
    .data(),
    "every optional VPC key": base()
    .set(
        nat="single",
        nat_zone="us-east-1a",
        internet_gateway=True,
        flow_logs={"enabled": True, "destination": "s3", "retention_days": 90},
        dns={"support": True, "hostnames": False},
    )
    .data(),
}


@pytest.mark.parametrize("case", sorted(VALID))
def test_valid_builder_configs_are_valid_against_the_schema(case: str) -> None:
    data = VALID[case]
    parse_config(yaml.safe_dump(data), "test.yaml")  # valid for multivpc itself ...
    assert _problems(data) == []  # ... so the schema must accept it too


INVALID: dict[str, tuple[Data, str]] = {
    "an unknown key": (
        base().set(colour="blue").data(),
        "/vpcs/0: Additional properties are not allowed ('colour' was unexpected)",
    ),
    "a NAT mode that does not exist": (
        base().set(nat="many").data(),
        "/vpcs/0/nat: 'many' is not one of ['none', 'single', 'per-az']",
    ),
    "a VPC without cidr": (
        base().set(cidr=None, pool="corp").data(),
        "/vpcs/0: 'size' is a required property",
    ),
    "a VPC with neither cidr nor pool": (
        base().set(cidr=None, size=16).data(),
        "/vpcs/0: 'pool' is a required property",
    ),
    "a name with capitals": (
        base().top(name="Bad").data(),
        "/name: 'Bad' does not match '^[a-z]([a-z0-9-]{0,46}[a-z0-9])?$'",
    ),
    "a prefix_length below /28": (
        base().group("public", prefix_length=29).data(),
        "/vpcs/0/subnets/0/prefix_length: 29 is not valid under any of the given schemas",
    ),
    "an 11-digit account id": (
        base().top(accounts={"network": 11111111111}).data(),
        "/accounts/network: 11111111111 is not valid under any of the given schemas",
    ),
    "no VPCs": (
        base().top(vpcs=[]).data(),
        "/vpcs: [] should be non-empty",
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_configs_are_rejected_by_the_schema(case: str) -> None:
    data, expected = INVALID[case]
    assert _problems(data) == [expected]


LOCK_SCHEMA = json.loads((ROOT / "schema" / "lock" / "multivpc-lock.schema.json").read_text())
LOCKS = sorted((ROOT / "examples").glob("*.lock.yaml"))


def test_the_lock_schema_is_valid_and_accepts_every_example_lock() -> None:
    Draft202012Validator.check_schema(LOCK_SCHEMA)
    assert LOCKS, "examples/address-pools.lock.yaml is expected"
    for lock in LOCKS:
        errors = list(
            Draft202012Validator(LOCK_SCHEMA).iter_errors(yaml.safe_load(lock.read_text()))
        )
        assert errors == [], (lock.name, errors)


@pytest.mark.parametrize(
    "data",
    [
        {"vpcs": {}},  # no version
        {"version": 1, "vpcs": {"a": {"cidr": "10.0.0.0/16", "colour": "red"}}},
        {"version": 1, "vpcs": {"a": {"subnets": {"web": {"us-east-1a": 7}}}}},
    ],
)
def test_the_lock_schema_rejects_a_damaged_lock(data: dict[str, Any]) -> None:
    assert list(Draft202012Validator(LOCK_SCHEMA).iter_errors(data)) != []


def test_every_written_lock_points_editors_at_the_lock_schema() -> None:
    from multivpc.load import load_network

    for lock in LOCKS:
        config = lock.with_name(lock.name.removesuffix(".lock.yaml") + ".yaml")
        loaded = load_network(config)
        assert loaded.lock is not None
        # What multivpc writes is the committed file, schema line first.
        assert loaded.lock.text() == lock.read_text()
        assert lock.read_text().splitlines()[0] == (
            "# yaml-language-server: $schema=../schema/lock/multivpc-lock.schema.json"
        )


def test_a_lock_beside_a_config_without_a_schema_line_points_at_this_checkout(
    tmp_path: Path,
) -> None:
    from multivpc.config.lockfile import lock_schema_reference

    lock = tmp_path / "net.lock.yaml"
    reference = lock_schema_reference("name: net\n", lock)
    assert reference is not None
    assert (
        tmp_path / reference
    ).resolve() == ROOT / "schema" / "lock" / "multivpc-lock.schema.json"
    other = "# yaml-language-server: $schema=/opt/schemas/multivpc.schema.json\nname: n\n"
    assert lock_schema_reference(other, lock) == "/opt/schemas/lock/multivpc-lock.schema.json"


def test_the_published_schema_also_accepts_every_example_lock_and_rejects_a_damaged_one() -> None:
    """A tool that checks every YAML file of examples/ against schema/multivpc.schema.json
    meets the locks too: a document with a version key is checked as a lock."""
    for lock in LOCKS:
        assert _problems(yaml.safe_load(lock.read_text())) == [], lock.name
    damaged = {"version": 1, "vpcs": {"a": {"cidr": "10.0.0.0/16", "colour": "red"}}}
    assert _problems(damaged) == [
        "/vpcs/a: Additional properties are not allowed ('colour' was unexpected)"
    ]
    # Without a version key it is a config, and a lock's keys are unknown there.
    assert "/: Additional properties are not allowed ('released' was unexpected)" in _problems(
        {**base().data(), "released": []}
    )


def test_the_config_schema_is_the_only_schema_at_the_top_of_schema() -> None:
    """Tools that validate every YAML file against the first schema of ``schema/`` must
    find the config's, not the lock's (which sorts first by name)."""
    assert sorted(p.name for p in (ROOT / "schema").glob("*.json")) == ["multivpc.schema.json"]
