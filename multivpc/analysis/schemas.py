"""Create-only properties from the CloudFormation resource provider schemas cfn-lint ships.

cfn-lint's loader (``cfnlint.schema.manager.ProviderSchemaManager``) keeps one pointer file
per region, ``data/schemas/providers/<region>.json`` (resource type -> schema hash, plus
``sam.json``), and the schemas themselves in ``data/schemas/resources/<hash>.json``; a
region without its own file falls back to us-east-1 and ``Custom::*`` types share the
schema of ``AWS::CloudFormation::CustomResource``. This module reads the same files the
same way, without importing ``cfnlint``: its package import pulls in sympy and costs ~5 s,
while a diff of two cdk.out folders should take well under one.
(tests/analysis/test_schemas.py checks that both loaders agree.)
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from multivpc.analysis.values import ABSENT

DEFAULT_REGION = "us-east-1"

PropertyPath = tuple[str, ...]
"""A create-only property below ``/properties``: ``("DnsOptions", "PrivateDnsPreference")``;
``"*"`` stands for every item of a list."""


class SchemaDataMissing(RuntimeError):
    """cfn-lint (or its bundled schemas) is not installed."""


@cache
def _schema_dir() -> Path:
    spec = importlib.util.find_spec("cfnlint")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise SchemaDataMissing(
            "cfn-lint is not installed; multivpc diff reads its resource schemas "
            "(pip install cfn-lint)"
        )
    directory = Path(next(iter(spec.submodule_search_locations))) / "data" / "schemas"
    if not (directory / "providers" / f"{DEFAULT_REGION}.json").is_file():
        raise SchemaDataMissing(f"cfn-lint's resource schemas are missing under {directory}")
    return directory


@cache
def _pointers(region: str) -> dict[str, str]:
    providers = _schema_dir() / "providers"
    file = providers / f"{region}.json"
    if not file.is_file():
        file = providers / f"{DEFAULT_REGION}.json"
    pointers: dict[str, str] = json.loads(file.read_text(encoding="utf-8"))
    sam = providers / "sam.json"
    if sam.is_file():
        pointers = {**pointers, **json.loads(sam.read_text(encoding="utf-8"))}
    return pointers


def schema_type(resource_type: str) -> str:
    """The type whose schema describes ``resource_type`` (as cfn-lint normalizes it)."""
    if resource_type.startswith("Custom::"):
        return "AWS::CloudFormation::CustomResource"
    return resource_type


@cache
def _schema(resource_type: str, region: str) -> dict[str, Any] | None:
    """The provider schema of a type in a region; None when cfn-lint has none."""
    digest = _pointers(region).get(schema_type(resource_type))
    if digest is None:
        return None
    schema: dict[str, Any] = json.loads(
        (_schema_dir() / "resources" / f"{digest}.json").read_text(encoding="utf-8")
    )
    return schema


HANDLERS = ("create", "read", "update", "delete")
"""The provider handlers CloudFormation calls while deploying (``list`` it does not)."""


@cache
def provider_permissions(resource_type: str, region: str = DEFAULT_REGION) -> frozenset[str] | None:
    """The IAM actions a type's provider declares for create, read, update and delete;
    None for a type no schema describes (``Custom::*`` included: theirs is a stub)."""
    if resource_type.startswith("Custom::"):
        return None
    schema = _schema(resource_type, region)
    if schema is None:
        return None
    handlers = schema.get("handlers", {})
    return frozenset(
        action
        for handler in HANDLERS
        for action in handlers.get(handler, {}).get("permissions", [])
    )


@cache
def create_only_properties(
    resource_type: str, region: str = DEFAULT_REGION
) -> tuple[PropertyPath, ...] | None:
    """The create-only property paths of a type; None for a type no schema describes
    (a changed property of such a resource may replace it)."""
    schema = _schema(resource_type, region)
    if schema is None:
        return None
    paths = []
    for pointer in schema.get("createOnlyProperties", []):
        parts = tuple(pointer.split("/")[1:])
        if parts and parts[0] == "properties" and len(parts) > 1:
            paths.append(parts[1:])
    return tuple(paths)


def value_at(value: Any, path: PropertyPath) -> Any:
    """The value at a create-only path (``*`` maps over a list); ABSENT when missing."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == "*":
        if not isinstance(value, list):
            return ABSENT
        return [value_at(item, rest) for item in value]
    if isinstance(value, dict) and head in value:
        return value_at(value[head], rest)
    return ABSENT
