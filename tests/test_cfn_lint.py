"""cfn-lint, an independent checker, on every synthesized example template."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import Templates

# W3010 warns about hard-coded Availability Zones. multivpc takes zone names from the
# config on purpose: synth makes no lookups, and Local Zones cannot come from Fn::GetAZs.
# W3005 flags a redundant DependsOn that aws-cdk-lib's AwsCustomResource provider adds
# between its Lambda function and role; harmless, and not ours to change.
IGNORED = ["W3010", "W3005"]


def test_cfn_lint_finds_nothing(example_templates: dict[str, Templates], tmp_path: Path) -> None:
    files = []
    for example, templates in example_templates.items():
        for stack, template in templates.items():
            path = tmp_path / f"{example}-{stack}.template.json"
            path.write_text(json.dumps(template))
            files.append(str(path))
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--format",
            "parseable",
            "--ignore-checks",
            *IGNORED,
            "--",
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(files) >= 2
