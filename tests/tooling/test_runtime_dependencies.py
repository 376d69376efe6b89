"""Every runtime need of every `multivpc` command is a declared dependency: a config
repository that runs `pip install multivpc` gets everything `synth`, `validate` and `diff`
import (no dev extra)."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.cdk_cli import ROOT

PACKAGE = ROOT / "multivpc"
# Inlined into Lambda functions (ZipFile code): they run on the Lambda Python runtime,
# which provides boto3 and CloudFormation's cfnresponse, not in a multivpc command.
LAMBDA_HANDLERS = {"association_handler.py", "peering_acceptance_handler.py"}


def _top_level_modules(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (  # importlib.util.find_spec("name"): a package read without importing it
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "find_spec"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value.split(".")[0])
    return names


def _imported() -> dict[str, set[str]]:
    """{third-party top-level module: files that import it} over the package."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in LAMBDA_HANDLERS:
            continue
        for name in _top_level_modules(ast.parse(path.read_text(encoding="utf-8"))):
            if name in sys.stdlib_module_names or name in {"multivpc", "__future__"}:
                continue
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_imported_distribution_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonicalize_name(Requirement(text).name) for text in project["dependencies"]}
    distributions = packages_distributions()
    missing = {
        f"{module} ({', '.join(sorted(files))})"
        for module, files in _imported().items()
        if not {canonicalize_name(d) for d in distributions.get(module, [module])} & declared
    }
    assert missing == set(), "declare these in pyproject.toml's dependencies"


def test_the_scan_sees_what_diff_needs() -> None:
    """cfn-lint is found although multivpc never imports it (it reads its schemas)."""
    assert "multivpc/analysis/schemas.py" in _imported()["cfnlint"]
    assert "yaml" in _imported()


def test_lambda_handlers_exist_and_import_boto3() -> None:
    """The exemption names real files (a rename would silently widen the scan)."""
    for name in LAMBDA_HANDLERS:
        text = (PACKAGE / "constructs" / name).read_text(encoding="utf-8")
        assert "import boto3" in text
