"""The JSON Schemas multivpc publishes for editors and CI (``multivpc schema``).

``schema/multivpc.schema.json`` is the one a tool finds when it checks every YAML file of
a config repository against one schema: it accepts a config, and a lock file (told apart
by its ``version`` key, which a config never has) by the lock's own schema. The lock's
schema is also published alone (``schema/lock/``), where written locks point editors.
"""

from __future__ import annotations

import json
from typing import Any

from multivpc.config.lockfile import LockFile
from multivpc.config.models import NetworkConfig


def lock_schema() -> dict[str, Any]:
    """The lock file's schema."""
    return LockFile.model_json_schema()


def published_schema() -> dict[str, Any]:
    """A config's schema, or with a ``version`` key the lock file's."""
    config, lock = NetworkConfig.model_json_schema(), lock_schema()
    config_defs, lock_defs = config.pop("$defs", {}), lock.pop("$defs", {})
    names = {"NetworkConfig", "LockFile"}
    clashes = (config_defs.keys() & lock_defs.keys()) | (
        (config_defs.keys() | lock_defs.keys()) & names
    )
    if clashes:  # both keep their references to #/$defs/NAME: the names must not meet
        raise ValueError(f"schema definitions named twice: {sorted(clashes)}")
    return {
        "title": config["title"],
        "description": f"{config.get('description', '')} A lock file (with a version key) "
        "is checked against the lock's schema.".strip(),
        "$defs": {**config_defs, **lock_defs, "NetworkConfig": config, "LockFile": lock},
        "if": {"required": ["version"]},
        "then": {"$ref": "#/$defs/LockFile"},
        "else": {"$ref": "#/$defs/NetworkConfig"},
    }


def schema_text(*, lock: bool = False) -> str:
    """The published schema (the lock's alone with ``lock``) as its file holds it."""
    return (
        json.dumps(lock_schema() if lock else published_schema(), indent=2, sort_keys=True) + "\n"
    )
