"""The README's examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_python_example_synthesizes(tmp_path: Path) -> None:
    [code] = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    code = code.replace('outdir="cdk.out.example"', f"outdir={str(tmp_path)!r}")
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    template = (tmp_path / "Workloads.template.json").read_text()
    assert '"AvailabilityZone": "us-east-1-bos-1a"' in template
    assert '"AWS::Lambda::Function"' in template


def test_rules_table_lists_every_rule() -> None:
    from multivpc.rules import RULES

    for rule in RULES:
        topic = rule.check.__module__.rsplit(".", 1)[-1]
        assert f"| {rule.id} | {rule.level} | {topic} |" in README, rule.id


def test_config_example_is_valid() -> None:
    from multivpc.load import parse_config
    from tests.conftest import plan_of as plan

    config_block = next(
        block
        for block in re.findall(r"```yaml\n(.*?)```", README, flags=re.DOTALL)
        if block.lstrip().startswith("#") and "accounts:" in block
    )
    network = plan(parse_config(config_block, "README.md"))
    [vpc] = network.vpcs
    assert {s.zone for s in vpc.subnets if s.group == "data"} == {"us-east-1a", "us-east-1b"}
