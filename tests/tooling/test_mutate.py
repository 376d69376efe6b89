"""tools/mutate.py without running mutmut: scope checks and the rendered results."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.cdk_cli import ROOT
from tools.mutate import (
    ModuleResult,
    Survivor,
    check_modules,
    configured_scope,
    module_of,
    render,
)

SCOPE = ["multivpc/plan", "multivpc/topology"]


def test_scope_comes_from_pyproject() -> None:
    scope = configured_scope(ROOT / "pyproject.toml")
    assert {"multivpc/plan", "multivpc/topology"} <= set(scope)
    assert all((ROOT / module).exists() for module in scope)


def test_modules_are_folders_or_files_in_scope() -> None:
    assert check_modules([], SCOPE) == SCOPE
    assert check_modules(["multivpc/plan/"], SCOPE) == ["multivpc/plan"]
    assert check_modules(["multivpc/topology/allocation.py"], SCOPE) == [
        "multivpc/topology/allocation.py"
    ]
    with pytest.raises(SystemExit, match="multivpc/constructs not under"):
        check_modules(["multivpc/constructs"], SCOPE)
    assert module_of("multivpc/planner.py", SCOPE) is None


def test_render_scores_and_survivors() -> None:
    plan = ModuleResult("multivpc/plan", Counter(killed=8, survived=1, **{"no tests": 1}))
    topology = ModuleResult("multivpc/topology", Counter({"not checked": 3}))
    text = render(
        [plan, topology],
        [Survivor("multivpc.plan.build.x_plan__mutmut_1", "survived", "-a\n+b")],
        revision="commit abc",
        tests="tests/plan",
    )
    assert "| `multivpc/plan` | 80.0% | 8 | 0 | 1 | 1 | 0 | 0 | 0 |" in text
    assert "| `multivpc/topology` | - | 0 | 0 | 0 | 0 | 0 | 0 | 3 |" in text
    assert "| **all** | 80.0% | 8 | 0 | 1 | 1 | 0 | 0 | 3 |" in text
    assert "### `multivpc.plan.build.x_plan__mutmut_1` (survived)\n\n```diff\n-a\n+b\n```" in text
