"""Every command the README and the docs/ pages show runs as written.

Each `sh` block (and each block of `$ COMMAND` lines with their output) is run line by
line with bash, as a reader would type it, in a fresh copy of this checkout's examples
and schemas with its virtualenv and CDK CLI: exit status 0 (a line that ends in
`; echo $?` prints its own), and a `$` block's output as shown (`...` stands for the
rest of a line, or for lines left out). A code block whose first line is `# NAME.py` or
`# NAME.yaml` is the file NAME there, as the text around it says.

A command that cannot run here (it needs AWS, or stands for a file of the reader's) is
listed in NOT_RUN with the test that covers it instead, and calls of the AWS CLI are
skipped; every other command runs, and a listed one the pages no longer show fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, cdk_cli_env

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```$", re.M | re.S)
FILE_LINE = re.compile(r"^# (?P<name>[\w.-]+\.(?:py|yaml))(?::.*)?$")

_AWS = "needs AWS accounts; tests/deploy deploys every example to the emulator this way"
_SSM = "needs a deployed network; tests/deploy reads back the parameters it names"
NOT_RUN: dict[str, str] = {
    "make synth": "sets up this checkout itself; .ci/run runs `make test` from a fresh "
    "clone, and the `npx cdk synth` it ends with runs below",
    "make test": "what .ci/run runs on every commit, from a fresh clone",
    "cd ../network": "tests/test_starter.py runs the rest of this block with this checkout's "
    "package",
    'python3 -m venv .venv && .venv/bin/pip install "multivpc @ git+https://github.com/<you>/'
    'multivpc"': "<you> is the reader's fork; tests/test_starter.py links this checkout's "
    "virtualenv instead and builds the wheel pip would install",
    "npm install": "tests/test_starter.py runs it in the repository `multivpc init` writes",
    "npx cdk synth": "in the repository `multivpc init` writes: tests/test_starter.py",
    ".venv/bin/multivpc diff HEAD:examples/hub-and-spoke.yaml examples/hub-and-spoke.yaml": (
        "needs a git work tree; tests/analysis/test_cli_diff.py runs git-ref sides"
    ),
    ".venv/bin/multivpc diff cdk.out.old cdk.out --format markdown": "cdk.out.old stands for "
    "an earlier synth; tests/analysis/test_cli_diff.py checks the markdown of two folders",
    ".venv/bin/multivpc diff old.yaml new.yaml --json": "old.yaml and new.yaml stand for the "
    "reader's configs; tests/analysis/test_cli_diff.py checks the JSON of two configs",
    "npx cdk bootstrap aws://111111111111/us-east-1": _AWS,
    "npx cdk deploy --all -c config=network.yaml": _AWS,
    "npx cdk bootstrap aws://111111111111/us-east-1 --profile network": _AWS,
    "npx cdk bootstrap aws://222222222222/us-east-1 --profile prod --trust 111111111111 "
    "--cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess": _AWS,
    "npx cdk bootstrap aws://333333333333/us-east-1 --profile dev --trust 111111111111 "
    "--cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess": _AWS,
    "npx cdk bootstrap aws://222222222222/us-east-1 --profile prod --trust 111111111111 "
    "--cloudformation-execution-policies arn:aws:iam::222222222222:policy/multivpc-deploy": _AWS,
    "prefix=/multivpc/local-endpoints/workloads": _SSM,
    "$ .venv/bin/multivpc validate network.yaml": "the warned config of tests/test_cli.py, "
    "which checks this warning and both exit statuses",
}
"""Commands not run here, each with why and what covers it (a `$` block by its first)."""


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    lang: str
    body: str

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def _blocks() -> list[Block]:
    found = []
    for path in PAGES:
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            indent = len(match["indent"])
            body = "".join(line[indent:] for line in match["body"].splitlines(keepends=True))
            line = text.count("\n", 0, match.start()) + 1
            found.append(Block(str(path.relative_to(ROOT)), line, match["lang"], body))
    return found


BLOCKS = _blocks()


def _commands(block: Block) -> list[str]:
    """The block's commands: continuation lines joined, comments dropped."""
    joined = block.body.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()  # `  # a comment` after a command
        line = " ".join(line.split())
        if line and not line.startswith("#"):
            commands.append(line)
    return commands


def _is_session(block: Block) -> bool:
    return block.lang == "" and block.body.startswith("$ ")


SHELL = [b for b in BLOCKS if b.lang == "sh"]
SESSIONS = [b for b in BLOCKS if _is_session(b)]


_AWS_CLI = re.compile(r"(?:^|\$\()aws ")
_AWS_CLI_REASON = "calls AWS in the reader's account; tests/deploy reads back what a deploy makes"


def _reason(command: str) -> str | None:
    """Why a command is not run: listed, or a call of the AWS CLI (against a deployed
    network, in the reader's account)."""
    if command in NOT_RUN:
        return NOT_RUN[command]
    return _AWS_CLI_REASON if _AWS_CLI.search(command) else None


def _runnable(block: Block) -> list[str]:
    """The commands of a shell block that run here (the others are listed, or call the
    AWS CLI); a session runs whole unless its first line is listed."""
    if _is_session(block):
        return [] if block.body.splitlines()[0] in NOT_RUN else [block.body]
    return [c for c in _commands(block) if _reason(c) is None]


def test_every_listed_command_is_still_shown() -> None:
    shown = {c for b in SHELL for c in _commands(b)} | {b.body.splitlines()[0] for b in SESSIONS}
    assert sorted(set(NOT_RUN) - shown) == []


def _files() -> dict[str, str]:
    """The code blocks that name their file on their first line."""
    files: dict[str, str] = {}
    for block in BLOCKS:
        match = FILE_LINE.match(block.body.splitlines()[0]) if block.body else None
        if match and block.lang in {"python", "yaml"}:
            assert match["name"] not in files, f"{block.id}: {match['name']} twice"
            files[match["name"]] = block.body
    return files


def _checkout(tmp_path: Path) -> Path:
    """A reader's checkout: the examples, schemas, app and cdk.json copied (commands
    write there), the virtualenv and the CDK CLI linked, the named files written."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for folder in ("examples", "schema"):
        shutil.copytree(ROOT / folder, checkout / folder)
    for name in ("app.py", "cdk.json", "package.json"):
        shutil.copy(ROOT / name, checkout / name)
    for name in (".venv", "node_modules"):
        (checkout / name).symlink_to(ROOT / name)
    for name, text in _files().items():
        (checkout / name).write_text(text, encoding="utf-8")
    return checkout


def _bash(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = cdk_cli_env(cwd.parent)
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _marks(block: Block) -> list[pytest.MarkDecorator]:
    slow = any(c.startswith("npx cdk") for c in _runnable(block))
    return [pytest.mark.e2e] if slow else []


RUN = [pytest.param(b, id=b.id, marks=_marks(b)) for b in [*SHELL, *SESSIONS] if _runnable(b)]


@pytest.mark.parametrize("block", RUN)
def test_the_block_runs_as_written(block: Block, tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    if _is_session(block):
        _check_session(block, checkout)
        return
    for command in _runnable(block):
        done = _bash(command, checkout)
        assert done.returncode == 0, f"{block.id}: {command}\n{done.stdout}{done.stderr}"


def _check_session(block: Block, checkout: Path) -> None:
    """``$ COMMAND`` lines, each followed by what it prints."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    for command, expected in steps:
        done = _bash(command, checkout)
        printed = (done.stdout + done.stderr).splitlines()
        assert _matches(expected, printed), f"{block.id}: {command}\n" + "\n".join(printed)


def _matches(expected: list[str], printed: list[str]) -> bool:
    """``printed`` as ``expected`` shows it: ``X...`` matches a line starting with X,
    a line ``...`` any lines."""
    pattern = "".join(
        "(?:.*\n)*"
        if line == "..."
        else re.escape(line.removesuffix("...")) + (".*\n" if line.endswith("...") else "\n")
        for line in expected
    )
    return re.fullmatch(pattern, "".join(f"{line}\n" for line in printed)) is not None


def test_the_matcher_has_teeth() -> None:
    assert _matches(["a", "b..."], ["a", "bcd"])
    assert _matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert not _matches(["a"], ["a", "b"])
    assert not _matches(["b..."], ["ab"])


def test_named_files_exist_and_the_first_config_is_network_yaml() -> None:
    files = _files()
    assert {"network.yaml", "network_app.py", "consumer.py", "hub_app.py"} <= set(files)
    assert "accounts:" in files["network.yaml"]
