"""The CDK app: ``npx cdk synth --app "python -m multivpc.cdk_app" -c config=PATH``.

``-c nag_packs=nist-800-53-r5,hipaa-security,pci-dss-3.2.1`` runs those cdk-nag packs
besides AwsSolutions, on top of the config's own ``nag_packs``. Without ``-c config``, it
synthesizes ``examples/hub-and-spoke.yaml`` (run from a checkout of this repository).

Like ``multivpc synth``, it writes the config's address lock (``network.lock.yaml``) when
synth allocated new ranges; under ``CI=true`` (or ``-c locked=true``) a lock that would
change fails synth instead.
"""

from __future__ import annotations

import sys
from typing import get_args

from multivpc.node_runtime import quiet_jsii_banner

if (_notice := quiet_jsii_banner()) is not None:  # before jsii starts, on the import below
    print(_notice, file=sys.stderr)

import aws_cdk as cdk

from multivpc.config import ConfigError
from multivpc.feature_flags import FEATURE_FLAGS, overridden
from multivpc.load import load_network, write_lock
from multivpc.stacks import add_network
from multivpc.vocabulary import NagPack

DEFAULT_CONFIG = "examples/hub-and-spoke.yaml"


def nag_packs(value: object) -> list[NagPack]:
    """The packs a ``-c nag_packs=a,b`` context value names; ValueError for unknown ones."""
    if value is None:
        return []
    known: tuple[NagPack, ...] = get_args(NagPack)
    names = [name.strip() for name in str(value).split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(
            f"-c nag_packs: unknown pack {', '.join(unknown)}; use any of {', '.join(known)}"
        )
    return [pack for pack in known if pack in names]


def main() -> int:
    app = cdk.App(context=dict(FEATURE_FLAGS))  # the CLI's context (cdk.json, -c) wins
    for line in overridden(app.node.try_get_context):
        print(line, file=sys.stderr)
    path = app.node.try_get_context("config") or DEFAULT_CONFIG
    try:
        packs = nag_packs(app.node.try_get_context("nag_packs"))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    locked = str(app.node.try_get_context("locked")).lower() in {"true", "1", "yes"}
    try:
        loaded = load_network(path, locked=True if locked else None)
    except ConfigError as error:
        print("\n".join(error.lines()), file=sys.stderr)
        return 2
    for line in loaded.warning_lines():
        print(line, file=sys.stderr)
    add_network(app, loaded.network_plan(), extra_nag_packs=packs)
    app.synth()
    written = write_lock(loaded)
    if written is not None:
        print(f"{loaded.lock.source if loaded.lock else written}: written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
