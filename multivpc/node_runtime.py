"""The Node.js that aws-cdk-lib's jsii runtime starts, as multivpc's commands report it.

jsii prints a banner when Node's major version is past its end of life for jsii (Node 20
since 2026-10-30). The banner comes before jsii's protocol starts, so jsii's Python side
prints it as raw ``b'!!...'`` lines. multivpc's commands silence it (jsii's own
``JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION``) and say the same in one line instead.
"""

from __future__ import annotations

import os
import subprocess
import sys

SILENCE = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"
"""jsii's variable: comma-separated Node major versions whose banner not to print."""

SUPPORTED_NODE = (22, 24)
"""Node major versions jsii supports (as its banner lists them)."""

END_OF_LIFE_NODE = (14, 16, 18, 20)
"""Node major versions jsii calls end-of-life; multivpc still works on 20 (tested here)."""


def node_major(version: str) -> int | None:
    """The major version of ``node --version``'s output (``v20.20.2`` -> 20)."""
    head = version.strip().lstrip("v").split(".", 1)[0]
    return int(head) if head.isdigit() else None


def quiet_jsii_banner(version: str | None = None) -> str | None:
    """Before the first ``import aws_cdk``: when Node is one jsii calls end-of-life, add its
    major version to ``SILENCE`` and return one line to print instead of the banner; else
    None (also when the variable already names it: the user chose). ``version``: the
    output of ``node --version`` (default: run it)."""
    if version is None:
        try:
            version = subprocess.run(
                ["node", "--version"], capture_output=True, text=True, timeout=20, check=False
            ).stdout
        except OSError:
            return None  # jsii will say that Node is missing
    major = node_major(version)
    silenced = [v.strip() for v in os.environ.get(SILENCE, "").split(",") if v.strip()]
    if major is None or major not in END_OF_LIFE_NODE or str(major) in silenced:
        return None
    os.environ[SILENCE] = ",".join([*silenced, str(major)])
    supported = " or ".join(str(v) for v in SUPPORTED_NODE)
    return (
        f"note: Node.js {version.strip()} is past its end of life for aws-cdk-lib's jsii "
        f"runtime; it still works, but install Node.js {supported}"
    )


def announce_end_of_life_node() -> None:
    """Call right before the first ``import aws_cdk`` of a process (where jsii starts):
    ``quiet_jsii_banner``'s line, if any, on stderr. Later calls in the same process find
    the version silenced and say nothing."""
    notice = quiet_jsii_banner()
    if notice is not None:
        print(notice, file=sys.stderr)
