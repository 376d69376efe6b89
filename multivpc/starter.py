"""``multivpc init DIR``: a config repository that synthesizes what this checkout does.

It holds a starter config taken from one of the examples (``network.yaml``, with its
address lock when the example has one), a ``cdk.json`` that runs multivpc's app (the
feature flags come with the app, see ``multivpc.feature_flags``), a ``package.json``
pinning the CDK CLI this release is tested with, the JSON Schemas for editors, a
``.gitignore`` and a README. ``npx cdk synth`` there writes the same templates as
``make synth`` of the same config in a checkout of multivpc.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from multivpc.config import ConfigError
from multivpc.config.lockfile import CONFIG_SCHEMA, LOCK_SCHEMA, LOCK_SUFFIX
from multivpc.config.schema import schema_text
from multivpc.load import parse_network

CDK_CLI_VERSION = "2.1148.1"
"""The CDK CLI multivpc is tested with; the checkout's package.json pins the same."""
CONFIG = "network.yaml"
LOCK = CONFIG.removesuffix(".yaml") + LOCK_SUFFIX
SCHEMAS = "schema"
DEFAULT_PYTHON = ".venv/bin/python"
DEFAULT_EXAMPLE = "single-vpc"
_SCHEMA_LINE = "# yaml-language-server: $schema="


class StarterError(Exception):
    """``multivpc init`` cannot write the repository; ``str()`` says why and the fix."""


@dataclass(frozen=True)
class StarterFile:
    path: str
    """Relative to the repository, ``/``-separated."""
    text: str


def _examples_folder() -> Traversable:
    return files("multivpc") / "examples"


def example_names() -> list[str]:
    """The examples that ship with multivpc (``examples/`` of the checkout)."""
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in _examples_folder().iterdir()
        if entry.name.endswith(".yaml") and not entry.name.endswith(LOCK_SUFFIX)
    )


def _config_text(example: str) -> str:
    """The example, its editor schema line pointing at the repository's schema folder."""
    text = (_examples_folder() / f"{example}.yaml").read_text(encoding="utf-8")
    first, newline, rest = text.partition("\n")
    body = rest if first.startswith(_SCHEMA_LINE) and newline else text
    return f"{_SCHEMA_LINE}{SCHEMAS}/{CONFIG_SCHEMA}\n{body}"


def _lock_text(directory: Path, example: str, config_text: str) -> str | None:
    """The example's lock, rewritten for ``network.yaml`` by multivpc's lock writer, so
    the repository starts with the example's allocations; None without one."""
    lock = _examples_folder() / f"{example}{LOCK_SUFFIX}"
    if not lock.is_file():
        return None
    try:
        loaded = parse_network(
            config_text,
            str(directory / CONFIG),
            lock_text=lock.read_text(encoding="utf-8"),
            lock_file=directory / LOCK,
        )
    except ConfigError as error:  # the examples are tested; this would be a packaging bug
        raise StarterError(f"example {example} does not load: {error}") from error
    assert loaded.lock is not None  # a lock text was given
    return loaded.lock.text()


def _cdk_json(python: str) -> str:
    document = {
        "app": f"{python} -m multivpc.cdk_app",
        # No CDKMetadata resource: the templates are the ones multivpc snapshots.
        "versionReporting": False,
        "context": {"config": CONFIG},
    }
    return json.dumps(document, indent=2) + "\n"


def _package_json() -> str:
    document = {
        "name": "network",
        "private": True,
        "description": "Pins the AWS CDK CLI multivpc is tested with, so `npx cdk` is the "
        "same on every machine.",
        "devDependencies": {"aws-cdk": CDK_CLI_VERSION},
    }
    return json.dumps(document, indent=2) + "\n"


GITIGNORE = """\
cdk.out/
node_modules/
.venv/
*.partial
"""


def _readme(example: str, python: str) -> str:
    bin_folder = python.rpartition("/")[0] or "."
    return f"""\
# Network

The network estate of this repository, described in `{CONFIG}` and built into AWS
CloudFormation by multivpc. It started as multivpc's `{example}` example
(`multivpc init --example {example}`).

## Set up (once per machine)

Python 3.11 or later and Node.js 22 or 24 (20 while it still works):

```sh
python3 -m venv .venv && .venv/bin/pip install "multivpc @ git+https://github.com/<you>/multivpc"
npm install
```

## Check, synthesize, review, deploy

```sh
{bin_folder}/multivpc validate {CONFIG}     # findings name the file, the line and the fix
{bin_folder}/multivpc plan {CONFIG}         # the address plan
cp -r cdk.out /tmp/before 2>/dev/null; npx cdk synth   # templates into cdk.out/
{bin_folder}/multivpc diff /tmp/before cdk.out   # what a deploy would change or replace
npx cdk deploy --all --require-approval broadening
```

Commit `{CONFIG}` and `{LOCK}` (the address lock, written by synth when it allocates
ranges) together. Editors that read `yaml-language-server` lines check both files
against the schemas in `{SCHEMAS}/` (`multivpc schema` writes them again after an
upgrade of multivpc).

`cdk.json` runs multivpc's app with the config above; multivpc's CDK feature flags come
with the app, so leave them out of `cdk.json` (an entry that differs is warned about).
"""


def starter_files(directory: Path, example: str, python: str = DEFAULT_PYTHON) -> list[StarterFile]:
    """What ``multivpc init`` writes into ``directory``."""
    if example not in example_names():
        raise StarterError(
            f"--example {example}: no such example; use one of {', '.join(example_names())}"
        )
    config = _config_text(example)
    written = [
        StarterFile(CONFIG, config),
        StarterFile("cdk.json", _cdk_json(python)),
        StarterFile("package.json", _package_json()),
        StarterFile(".gitignore", GITIGNORE),
        StarterFile("README.md", _readme(example, python)),
        StarterFile(f"{SCHEMAS}/{CONFIG_SCHEMA}", schema_text()),
        StarterFile(f"{SCHEMAS}/{LOCK_SCHEMA}", schema_text(lock=True)),
    ]
    lock = _lock_text(directory, example, config)
    if lock is not None:
        written.insert(1, StarterFile(LOCK, lock))
    return written


def write_starter(directory: Path, example: str, python: str = DEFAULT_PYTHON) -> list[Path]:
    """Write the repository; refuses to overwrite any file (nothing is written then)."""
    if directory.exists() and not directory.is_dir():
        raise StarterError(f"{directory}: is a file; name a folder (new or empty) instead")
    planned = starter_files(directory, example, python)
    existing = [f.path for f in planned if (directory / f.path).exists()]
    if existing:
        raise StarterError(
            f"{directory}: already has {', '.join(existing)}; nothing was written. "
            "Name a new or empty folder, or move those files away"
        )
    paths = []
    for starter in planned:
        path = directory / starter.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(starter.text, encoding="utf-8")
        paths.append(path)
    return paths
