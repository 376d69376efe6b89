#!/usr/bin/env python3
"""CDK entry point of this repository (cdk.json): ``npx cdk synth -c config=PATH``
(default: examples/hub-and-spoke.yaml). The app itself is ``multivpc.cdk_app``, so a
config repository can run it from the installed package:
``npx cdk synth --app "python -m multivpc.cdk_app" -c config=network.yaml``.
"""

from __future__ import annotations

import sys

from multivpc.cdk_app import main

if __name__ == "__main__":
    sys.exit(main())
