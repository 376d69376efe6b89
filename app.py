#!/usr/bin/env python3
"""CDK entry point: ``npx cdk synth -c config=PATH`` (default: examples/single-vpc.yaml)."""

from __future__ import annotations

import sys

import aws_cdk as cdk

from multivpc.config import ConfigError
from multivpc.load import load_network
from multivpc.plan import plan
from multivpc.stacks import add_network

DEFAULT_CONFIG = "examples/single-vpc.yaml"


def main() -> int:
    app = cdk.App()
    path = app.node.try_get_context("config") or DEFAULT_CONFIG
    try:
        loaded = load_network(path)
    except ConfigError as error:
        print("\n".join(error.lines()), file=sys.stderr)
        return 2
    for line in loaded.warning_lines():
        print(line, file=sys.stderr)
    add_network(app, plan(loaded.topology))
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
