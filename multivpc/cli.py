"""``multivpc validate | plan | synth | diff | schema | init | bootstrap-policy``.

User mistakes print findings (``FILE:LINE: LOCATION: PROBLEM; FIX``) and exit 2, never
with a traceback. Warnings print the same way, prefixed ``warning:``, and leave the exit
status alone unless ``validate --strict`` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from multivpc.config import ConfigError
from multivpc.config.findings import display_path
from multivpc.config.lockfile import AddressLock, is_lock_file
from multivpc.config.schema import schema_text
from multivpc.feature_flags import app_context, overridden
from multivpc.load import LoadedNetwork, load_network, write_lock
from multivpc.node_runtime import announce_end_of_life_node
from multivpc.starter import (
    DEFAULT_EXAMPLE,
    DEFAULT_PYTHON,
    StarterError,
    example_names,
    write_starter,
)

EXIT_INVALID = 2


def _summary(source: str, loaded: LoadedNetwork) -> str:
    network = loaded.network_plan()
    subnets = sum(len(vpc.subnets) for vpc in network.vpcs)
    nats = sum(len(vpc.nat_gateways) for vpc in network.vpcs)
    local = sum(1 for vpc in network.vpcs for s in vpc.subnets if s.is_local_zone)
    vpcs = len(network.vpcs)
    warnings = len(loaded.warnings)
    return (
        f"{source}: ok: network {loaded.config.name}, {_count(vpcs, 'VPC')}, "
        f"{_count(subnets, 'subnet')} ({local} in Local Zones), {_count(nats, 'NAT gateway')}, "
        f"{_count(len(network.stacks), 'stack')}"
        + (f", {_count(warnings, 'warning')}" if warnings else "")
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _load(
    file: str, *, strict: bool = False, locked: bool = False, forget_released: bool = False
) -> LoadedNetwork | None:
    """The checked network, its warnings printed; None (findings printed) when invalid.
    ``locked`` (or CI=true): a lock file that would change is a finding."""
    try:
        loaded = load_network(
            file,
            strict=strict,
            locked=True if locked else None,
            forget_released=forget_released,
        )
    except ConfigError as error:
        print("\n".join(error.lines()), file=sys.stderr)
        return None
    for line in loaded.warning_lines():
        print(line, file=sys.stderr)
    return loaded


def _lock_note(loaded: LoadedNetwork) -> str | None:
    """What the lock file would get, when writing it would change it."""
    lock = loaded.lock
    if lock is None or not lock.changed:
        return None
    before = set(lock.before.released if lock.before is not None else ())
    after = set(lock.after.released)
    new = loaded.addresses.new_ranges
    counts = [
        (new, _count(new, "new range")),
        (len(after - before), f"{len(after - before)} released"),
        (len(before - after), f"{len(before - after)} released before, taken back or forgotten"),
    ]
    placed = len(_shard_entries(lock.after) - _shard_entries(lock.before))
    counts.append((placed, f"routing shards of {placed} attachments or routes"))
    what = ", ".join(text for n, text in counts if n) or "entries removed"
    verb = "would be created" if lock.before is None else "would change"
    return f"{lock.source}: {verb} ({what})"


def _shard_entries(lock: AddressLock | None) -> set[tuple[str, str, int]]:
    """(Transit Gateway, attachment or route, shard) of every routing entry of ``lock``."""
    if lock is None:
        return set()
    return {
        (tgw, item, shard)
        for tgw, shards in lock.routing.items()
        for item, shard in (*shards.attachments.items(), *shards.routes.items())
    }


def _validate(files: Sequence[str], strict: bool, locked: bool) -> int:
    status = 0
    for file in files:
        if is_lock_file(file):  # as `examples/*.yaml` picks them up
            print(
                f"{display_path(Path(file))}: skipped: an address lock file, read with its config"
            )
            continue
        loaded = _load(file, strict=strict, locked=locked)
        if loaded is None:
            status = EXIT_INVALID
            continue
        print(_summary(display_path(Path(file)), loaded))
        note = _lock_note(loaded)
        if note is not None:  # validate never writes it
            print(f"{note}; `multivpc plan --write-lock` or `multivpc synth` writes it")
    return status


def _plan(file: str, write: bool, locked: bool, forget_released: bool = False) -> int:
    from multivpc.plan.addresses import address_plan_lines

    loaded = _load(file, locked=locked, forget_released=forget_released)
    if loaded is None:
        return EXIT_INVALID
    print(f"{display_path(Path(file))}: address plan of network {loaded.config.name}")
    print("\n".join(address_plan_lines(loaded.topology)))
    note = _lock_note(loaded)
    lock = loaded.lock
    if note is None:
        if lock is not None and lock.needed:
            print(f"{lock.source}: up to date")
    elif write:
        write_lock(loaded)
        print(note.replace("would be created", "written").replace("would change", "written"))
    else:
        print(f"{note}; run with --write-lock to write it")
    return 0


def _synth(file: str, outdir: str, checks: bool, locked: bool = False) -> int:
    loaded = _load(file, locked=locked)
    if loaded is None:
        return EXIT_INVALID
    announce_end_of_life_node()
    import aws_cdk as cdk  # imported here: validate stays fast without jsii

    from multivpc.stacks import add_network

    # Absolute: the jsii node process keeps the working directory it started in.
    app = cdk.App(outdir=str(Path(outdir).resolve()), context=app_context())
    for line in overridden(app.node.try_get_context):
        print(line, file=sys.stderr)
    stacks = add_network(app, loaded.network_plan(), checks=checks)
    try:
        app.synth()
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
        _print_violations(file, Path(outdir))
        return EXIT_INVALID
    print(f"{display_path(Path(file))}: synthesized {_count(len(stacks), 'stack')} into {outdir}")
    note = _lock_note(loaded)
    if write_lock(loaded) is not None and note is not None:
        print(note.replace("would be created", "written").replace("would change", "written"))
    return 0


def _print_violations(file: str, outdir: Path) -> None:
    """What the checks (cdk-nag packs, CloudFormation validation) found in the templates,
    one line each, from CDK's validation report, and where the report is."""
    report_path = outdir / "validation-report.json"
    report = json.loads(report_path.read_text())
    violations = [v for p in report.get("pluginReports", []) for v in p.get("violations", [])]
    print(
        f"{display_path(Path(file))}: the synthesized templates fail "
        f"{_count(len(violations), 'check')}:",
        file=sys.stderr,
    )
    for violation in violations:
        paths = ", ".join(c.get("constructPath", "?") for c in violation["violatingConstructs"])
        what = violation.get("description", "").strip()
        print(f"  {violation.get('ruleName')}: {paths}: {what}", file=sys.stderr)
    print(
        "  fix the config, or acknowledge the finding in your own app with its reason; "
        f"the report: {report_path}",
        file=sys.stderr,
    )


def _diff(before: str, after: str, allow_replace: Sequence[str], output_format: str) -> int:
    from multivpc.analysis import Assembly, diff, to_json, to_markdown, to_text
    from multivpc.analysis.schemas import SchemaDataMissing
    from multivpc.diff_sides import SideError, read_side

    sides: list[Assembly] = []
    problems: list[str] = []
    for spec in (before, after):
        try:
            side = read_side(spec, context=app_context())
        except SideError as error:
            problems.extend(error.lines)
            continue
        problems.extend(side.warnings)  # printed either way; only errors stop the diff
        sides.append(side.assembly)
    if problems:
        print("\n".join(problems), file=sys.stderr)
    if len(sides) != 2:
        return EXIT_INVALID
    try:
        report = diff(*sides, allow_replace=allow_replace)
    except SchemaDataMissing as error:
        print(f"multivpc diff: {error}", file=sys.stderr)
        return EXIT_INVALID
    render = {"json": to_json, "markdown": to_markdown}.get(output_format, to_text)
    sys.stdout.write(render(report))
    return report.exit_code


def _init(directory: str, example: str, python: str) -> int:
    try:
        written = write_starter(Path(directory), example, python)
    except StarterError as error:
        print(f"multivpc init: {error}", file=sys.stderr)
        return EXIT_INVALID
    names = ", ".join(path.relative_to(directory).as_posix() for path in written)
    print(f"{directory}: a config repository from example {example}: {names}")
    print(f"next: the set-up and synth steps in {Path(directory, 'README.md')}")
    return 0


def _bootstrap_policy(spec: str, account: str | None) -> int:
    from multivpc.analysis.deploy_policy import (
        MANAGED_POLICY_CHARACTERS,
        DeployPolicyError,
        deploy_policy,
    )
    from multivpc.diff_sides import SideError, read_side

    try:
        side = read_side(spec, context=app_context())
        policy = deploy_policy(side.assembly, account=account)
    except (SideError, DeployPolicyError) as error:
        lines = error.lines if isinstance(error, SideError) else [str(error)]
        print("\n".join(lines), file=sys.stderr)
        return EXIT_INVALID
    for kind in policy.unknown_types:
        print(
            f"warning: {spec}: no provider schema for {kind}; add the permissions its "
            "resources need by hand",
            file=sys.stderr,
        )
    if policy.size > MANAGED_POLICY_CHARACTERS:
        print(
            f"{spec}: the policy has {policy.size:,} characters, over IAM's "
            f"{MANAGED_POLICY_CHARACTERS:,} for a managed policy; print one per account "
            "with --account ID",
            file=sys.stderr,
        )
        return EXIT_INVALID
    sys.stdout.write(policy.text())
    return 0


def _schema(output: str | None, lock: bool) -> int:
    text = schema_text(lock=lock)
    if output is None:
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="multivpc", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check config files; exit 2 on findings")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 2 on any finding)"
    )
    locked_help = (
        "a lock file that would change is an error (exit 2), as under CI=true; nothing allocates"
    )
    validate.add_argument("--locked", action="store_true", help=locked_help)
    plan_command = commands.add_parser(
        "plan",
        help="print the address plan: VPCs, groups, subnets, where each range came from, "
        "free space per VPC and pool",
    )
    plan_command.add_argument("file", metavar="FILE")
    plan_command.add_argument(
        "--write-lock",
        action="store_true",
        help="write the lock file beside FILE when it changes (plan alone never writes)",
    )
    plan_command.add_argument("--locked", action="store_true", help=locked_help)
    plan_command.add_argument(
        "--forget-released",
        action="store_true",
        help="free the lock's released ranges again; only after the deploy that removed what "
        "held them (with --write-lock to keep that)",
    )
    synth = commands.add_parser("synth", help="synthesize a config into CloudFormation")
    synth.add_argument("file", metavar="FILE")
    synth.add_argument("--out", default="cdk.out", help="output folder (default: cdk.out)")
    synth.add_argument("--no-checks", action="store_true", help="skip cdk-nag (not for deploys)")
    synth.add_argument("--locked", action="store_true", help=locked_help)
    diff = commands.add_parser(
        "diff",
        help="what deploying AFTER over BEFORE adds, changes, replaces or removes; "
        "exit 1 if anything is removed or replaced, 2 on bad input",
    )
    for side in ("before", "after"):
        diff.add_argument(
            side, metavar=side.upper(), help="a cdk.out folder, a config file or GIT_REF:PATH"
        )
    diff.add_argument(
        "--allow-replace",
        action="append",
        default=[],
        metavar="LOGICAL_ID",
        help="an intended removal or replacement (repeatable; LOGICAL_ID or STACK/LOGICAL_ID)",
    )
    formats = diff.add_mutually_exclusive_group()
    formats.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    formats.add_argument("--json", action="store_const", const="json", dest="format")
    schema = commands.add_parser("schema", help="print the JSON Schema of the config")
    schema.add_argument("--output", help="write to this file instead of stdout")
    schema.add_argument(
        "--lock", action="store_true", help="the JSON Schema of the lock file (<config>.lock.yaml)"
    )
    init = commands.add_parser(
        "init",
        help="write a config repository (a starter config from an example, cdk.json, "
        "package.json, schemas) whose `npx cdk synth` matches this release's",
    )
    init.add_argument("directory", metavar="DIR", nargs="?", default=".")
    init.add_argument(
        "--example",
        default=DEFAULT_EXAMPLE,
        help=f"the example to start from (default: {DEFAULT_EXAMPLE}; one of "
        f"{', '.join(example_names())})",
    )
    init.add_argument(
        "--python",
        default=DEFAULT_PYTHON,
        help=f"the Python cdk.json runs the app with (default: {DEFAULT_PYTHON})",
    )
    bootstrap = commands.add_parser(
        "bootstrap-policy",
        help="print a least-privilege CloudFormation execution policy for the stacks of a "
        "config (or cdk.out folder, or GIT_REF:PATH), for cdk bootstrap "
        "--cloudformation-execution-policies",
    )
    bootstrap.add_argument("side", metavar="CONFIG_OR_CDK_OUT")
    bootstrap.add_argument(
        "--account", help="only the stacks that deploy to this account id (one policy each)"
    )
    args = parser.parse_args(argv)
    if args.command == "bootstrap-policy":
        return _bootstrap_policy(args.side, args.account)
    if args.command == "init":
        return _init(args.directory, args.example, args.python)
    if args.command == "validate":
        return _validate(args.files, args.strict, args.locked)
    if args.command == "plan":
        return _plan(args.file, args.write_lock, args.locked, args.forget_released)
    if args.command == "synth":
        return _synth(args.file, args.out, not args.no_checks, args.locked)
    if args.command == "diff":
        return _diff(args.before, args.after, args.allow_replace, args.format)
    return _schema(args.output, args.lock)


if __name__ == "__main__":
    sys.exit(main())
