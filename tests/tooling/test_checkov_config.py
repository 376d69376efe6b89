"""Every check that `make checkov` skips carries its reason in .checkov.yaml."""

from __future__ import annotations

import re

import yaml

from tests.support.cdk_cli import ROOT

CONFIG = ROOT / ".checkov.yaml"
SKIP_LINE = re.compile(r"^\s*-\s*(?P<check>CKV2?_[A-Z0-9_]+)\s*(?:#\s*(?P<reason>.*))?$")


def skips_with_reasons(text: str) -> dict[str, str]:
    """{check id: reason} from the `skip-check` entries; reason "" when there is none."""
    skips = {}
    for line in text.splitlines():
        match = SKIP_LINE.match(line)
        if match:
            skips[match["check"]] = (match["reason"] or "").strip()
    return skips


def test_every_skip_has_a_reason() -> None:
    text = CONFIG.read_text(encoding="utf-8")
    listed = yaml.safe_load(text).get("skip-check") or []
    skips = skips_with_reasons(text)
    assert sorted(skips) == sorted(listed), "one check id per line: `- CKV_... # reason`"
    assert {check: reason for check, reason in skips.items() if len(reason) < 20} == {}


def test_a_skip_without_reason_is_found() -> None:
    text = "skip-check:\n  - CKV_AWS_1  # a reason long enough to read\n  - CKV2_AWS_5\n"
    assert skips_with_reasons(text) == {
        "CKV_AWS_1": "a reason long enough to read",
        "CKV2_AWS_5": "",
    }
