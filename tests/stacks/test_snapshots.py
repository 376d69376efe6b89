"""One committed snapshot per example stack. Update only with `make snapshot-update`."""

from __future__ import annotations

from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import EXAMPLES

CASES = [(path.stem) for path in EXAMPLES]


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("example", CASES)
def test_example_templates_match_snapshot(
    example: str, example_templates: dict[str, Any], json_snapshot: SnapshotAssertion
) -> None:
    assert example_templates[example] == json_snapshot
