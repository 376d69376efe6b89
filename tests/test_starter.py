"""`multivpc init DIR`: a config repository whose `npx cdk synth` writes the templates a
checkout of multivpc writes for the same config."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import (
    EXAMPLES,
    ROOT,
    cdk_cli_env,
    run_cdk_app,
    run_multivpc,
    snapshot_templates,
)
from tests.support.cdk_cli import cdk_command

STARTER_FILES = {
    "network.yaml",
    "cdk.json",
    "package.json",
    ".gitignore",
    "README.md",
    "schema/multivpc.schema.json",
    "schema/lock/multivpc-lock.schema.json",
}


_multivpc = run_multivpc


def _cli(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    """A Node.js command of the acceptance, which must succeed."""
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _written(directory: Path) -> set[str]:
    return {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}


def _without_schema_line(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "yaml-language-server" not in line)


@pytest.mark.parametrize("example", [path.stem for path in EXAMPLES])
def test_init_writes_the_example_and_the_repository_files(tmp_path: Path, example: str) -> None:
    directory = tmp_path / "network"
    result = _multivpc("init", str(directory), "--example", example)
    assert result.returncode == 0, result.stderr
    source = ROOT / "examples" / f"{example}.yaml"
    lock = ROOT / "examples" / f"{example}.lock.yaml"
    expected = STARTER_FILES | ({"network.lock.yaml"} if lock.exists() else set())
    assert _written(directory) == expected
    config = (directory / "network.yaml").read_text()
    assert config.splitlines()[0] == ("# yaml-language-server: $schema=schema/multivpc.schema.json")
    assert _without_schema_line(config) == _without_schema_line(source.read_text())
    for name in ("multivpc.schema.json", "lock/multivpc-lock.schema.json"):
        assert (directory / "schema" / name).read_text() == (ROOT / "schema" / name).read_text()
    if lock.exists():
        written = (directory / "network.lock.yaml").read_text()
        assert yaml.safe_load(written) == yaml.safe_load(lock.read_text())
        assert "allocated for network.yaml" in written
        assert "$schema=schema/lock/multivpc-lock.schema.json" in written
    # The repository is ready: its config validates and its lock needs no change.
    checked = _multivpc("validate", "network.yaml", "--locked", cwd=directory)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("network.yaml: ok: network ")
    assert "would" not in checked.stdout


def test_cdk_json_runs_the_app_on_the_config_and_package_json_pins_the_cli(
    tmp_path: Path,
) -> None:
    assert _multivpc("init", str(tmp_path), "--python", "python3").returncode == 0
    cdk_json = json.loads((tmp_path / "cdk.json").read_text())
    assert cdk_json == {
        "app": "python3 -m multivpc.cdk_app",
        "versionReporting": False,
        "context": {"config": "network.yaml"},
    }
    checkout = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    package = json.loads((tmp_path / "package.json").read_text())
    assert package["devDependencies"] == checkout
    assert package["private"] is True
    assert (tmp_path / ".gitignore").read_text().split() == [
        "cdk.out/",
        "node_modules/",
        ".venv/",
        "*.partial",
    ]
    readme = (tmp_path / "README.md").read_text()
    assert "single-vpc" in readme  # the default example
    assert "python3 -m venv .venv" in readme


def test_default_python_is_the_repositorys_venv(tmp_path: Path) -> None:
    assert _multivpc("init", str(tmp_path)).returncode == 0
    app = json.loads((tmp_path / "cdk.json").read_text())["app"]
    assert app == ".venv/bin/python -m multivpc.cdk_app"


def test_init_never_overwrites_and_writes_nothing_then(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text("{}\n")
    result = _multivpc("init", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"multivpc init: {tmp_path}: already has cdk.json; nothing was written. "
        "Name a new or empty folder, or move those files away"
    )
    assert _written(tmp_path) == {"cdk.json"}
    assert (tmp_path / "cdk.json").read_text() == "{}\n"


def test_init_refuses_a_file_and_an_unknown_example(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("")
    result = _multivpc("init", str(file))
    assert (result.returncode, result.stderr.strip()) == (
        2,
        f"multivpc init: {file}: is a file; name a folder (new or empty) instead",
    )
    names = ", ".join(sorted(path.stem for path in EXAMPLES))
    result = _multivpc("init", str(tmp_path / "new"), "--example", "hub-spoke")
    assert (result.returncode, result.stderr.strip()) == (
        2,
        f"multivpc init: --example hub-spoke: no such example; use one of {names}",
    )
    assert not (tmp_path / "new").exists()


def _templates(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.template.json"))}


def test_the_app_in_the_repository_synthesizes_the_snapshot(tmp_path: Path) -> None:
    """The app as `npx cdk synth` starts it there (cdk.json's context), without the CLI."""
    assert _multivpc("init", str(tmp_path), "--example", "hub-and-spoke").returncode == 0
    result = run_cdk_app(tmp_path, json.loads((tmp_path / "cdk.json").read_text())["context"])
    assert result.returncode == 0, result.stderr
    synthesized = {
        name.removesuffix(".template.json"): json.loads(text)
        for name, text in _templates(tmp_path / "cdk.out").items()
    }
    assert synthesized == snapshot_templates("hub-and-spoke")
    assert not (tmp_path / "network.lock.yaml.partial").exists()


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("npm") is None, reason="needs Node.js (npm)")
def test_npx_cdk_synth_there_is_byte_identical_to_the_checkout(tmp_path: Path) -> None:
    """The issue's acceptance: init, npm install, npx cdk synth, compared byte for byte
    with `npx cdk synth` of the same example in this checkout (what `make synth` runs)."""
    env = cdk_cli_env(tmp_path)
    repository = tmp_path / "network"
    assert _multivpc("init", str(repository), "--example", "hub-and-spoke").returncode == 0
    (repository / ".venv").symlink_to(ROOT / ".venv")  # what the README's set-up makes
    _cli(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund"], repository, env)
    synth = ["synth", "--quiet", "--no-notices"]
    _cli(["npx", "--no-install", "cdk", *synth], repository, env)
    checkout = tmp_path / "checkout.out"
    config = "config=examples/hub-and-spoke.yaml"
    _cli(cdk_command(*synth, "--output", str(checkout), "-c", config), ROOT, env)
    assert len(_templates(checkout)) == 6
    assert _templates(repository / "cdk.out") == _templates(checkout)


@pytest.mark.e2e
def test_the_wheel_carries_the_examples_init_starts_from(tmp_path: Path) -> None:
    """`pip install "multivpc @ git+..."` builds a wheel: it must hold the examples
    (multivpc/examples links to examples/) and the feature flags."""
    source = tmp_path / "source"  # a copy: building writes build/ beside pyproject.toml
    shutil.copytree(ROOT / "multivpc", source / "multivpc", symlinks=True)
    shutil.copytree(ROOT / "examples", source / "examples")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    uv = ROOT / ".venv" / "bin" / "uv"
    built = subprocess.run(
        [str(uv), "build", "--wheel", "--quiet", "--out-dir", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("multivpc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    examples = {f"multivpc/examples/{path.name}" for path in (ROOT / "examples").glob("*.yaml")}
    assert examples <= names
    assert {"multivpc/feature_flags.py", "multivpc/starter.py"} <= names
