"""The import contracts of DESIGN.md hold, and would catch a violation."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.cdk_cli import ROOT

LINT_IMPORTS = Path(shutil.which("lint-imports") or ROOT / ".venv" / "bin" / "lint-imports")


def _lint_imports(package_root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=package_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_contracts_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("config/models.py", "import multivpc.plan", "Data flows one way"),
        ("topology/network.py", "import multivpc.rules", "Data flows one way"),
        ("constructs/network_vpc.py", "import multivpc.config", "Constructs work in any CDK app"),
        ("rules/names.py", "import aws_cdk", "Loading, rules and plan need no aws-cdk"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    shutil.copytree(ROOT / "multivpc", tmp_path / "multivpc")
    target = tmp_path / "multivpc" / module
    target.write_text(target.read_text() + f"\n{line}  # injected by the test\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 2 kept, 1 broken." in result.stdout
    # The one broken contract is named first under the "Broken contracts" heading.
    broken_section = result.stdout.split("Broken contracts\n", 1)[1].lstrip("-\n")
    assert broken_section.startswith(broken), result.stdout
