#!/usr/bin/env python3
"""Synth benchmark: multivpc against a hand-written aws-cdk-lib app, through the CDK CLI.

``make bench`` (or ``.venv/bin/python bench/synth_bench.py``) generates configs of 1, 10,
50, 100 and 250 VPCs (bench/estate.py), synthesizes each with multivpc's app.py and with
bench/baseline_app.py, alternating A, B, A, B, ... and writes bench/RESULTS.md: median
whole-process wall time and peak total RSS of the process tree, resources and stacks
counted from the templates (checked to match between the two), the multivpc/baseline
ratios, and the time of ``multivpc.config.load_config`` on a 1,000-VPC config.

Smoke test: ``bench/synth_bench.py --quick`` (or ``--sizes 1,10 --runs 1``). Only a run
with every default size and at least 3 runs rewrites bench/RESULTS.md; other runs print
the report (``--results PATH`` writes it elsewhere).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import estate
import profiling
from procmon import Measured, run_measured

from multivpc.config import load_config

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
DEFAULT_SIZES = (1, 10, 50, 100, 250)
DEFAULT_RUNS = 3
LOAD_VPCS = 1000
MIB = 1024 * 1024
SAMPLE_INTERVAL_S = 0.05  # /proc sampling of the process tree's RSS
# Targets from the issue: measured and reported, never asserted.
TARGET_RATIO = 1.0
TARGET_LARGE_VPCS = 250
TARGET_LARGE_WALL_S = 60.0
TARGET_LARGE_RSS_BYTES = 2 * 1024 * MIB
TARGET_LOAD_S = 1.0
FINDINGS_START = "<!-- findings:start (kept by synth_bench.py; edit by hand) -->"
FINDINGS_END = "<!-- findings:end -->"


@dataclass(frozen=True)
class Variant:
    name: str
    app_script: str  # relative to ROOT

    def app_command(self, python: Path) -> str:
        return f"{shlex.quote(str(python))} {self.app_script}"


MULTIVPC = Variant("multivpc", "app.py")
BASELINE = Variant("baseline", "bench/baseline_app.py")
VARIANTS = (MULTIVPC, BASELINE)


@dataclass(frozen=True)
class Assembly:
    """What a synth produced, read from its cloud assembly."""

    stacks: int
    resources: int
    # stack name -> (sorted resource type counts, sorted (zone, CIDR) of its subnets)
    signature: dict[str, tuple[tuple[tuple[str, int], ...], tuple[tuple[str, str], ...]]]
    validation: dict[str, str]  # plugin name -> conclusion


@dataclass
class SynthRun:
    variant: str
    vpcs: int
    run: int
    wall_s: float
    cpu_s: float
    peak_rss_bytes: int
    peak_processes: int
    role_peaks: dict[str, int]
    stacks: int
    resources: int
    validation: dict[str, str]


@dataclass
class SizeResult:
    vpcs: int
    runs: dict[str, list[SynthRun]] = field(default_factory=dict)
    matches: bool = True
    mismatch: str = ""

    def median(self, variant: str, attribute: str) -> float:
        return statistics.median(float(getattr(r, attribute)) for r in self.runs[variant])

    def spread(self, variant: str, attribute: str) -> tuple[float, float]:
        values = [float(getattr(r, attribute)) for r in self.runs[variant]]
        return min(values), max(values)

    def ratio(self, attribute: str) -> float:
        return self.median(MULTIVPC.name, attribute) / self.median(BASELINE.name, attribute)


@dataclass
class LoadResult:
    vpcs: int
    runs: int
    seconds: list[float]
    phases: dict[str, float]  # phase -> median seconds
    rules: dict[str, float]  # rule id -> median seconds
    profile: list[str]

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


class BenchError(RuntimeError):
    pass


def cli_env(scratch: Path) -> dict[str, str]:
    """The environment of every synth: offline, quiet, no credentials, validation as
    users have it (``CDK_VALIDATION`` unset: CDK's template validation on)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CDK_VALIDATION", "NODE_OPTIONS"} and not key.startswith("AWS_")
    }
    env.update(
        CDK_DISABLE_VERSION_CHECK="1",
        CDK_DISABLE_CLI_TELEMETRY="true",
        AWS_EC2_METADATA_DISABLED="true",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        AWS_CONFIG_FILE=str(scratch / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(scratch / "no-aws-credentials"),
    )
    return env


def venv_python() -> Path:
    candidate = ROOT / ".venv" / "bin" / "python"
    return candidate if candidate.exists() else Path(sys.executable)


def synth_command(variant: Variant, config: Path, outdir: Path, python: Path) -> list[str]:
    return [
        "npx",
        "--no-install",
        "cdk",
        "synth",
        "--quiet",
        "--no-notices",
        "--output",
        str(outdir),
        "--app",
        variant.app_command(python),
        "-c",
        f"config={config}",
    ]


def read_assembly(outdir: Path) -> Assembly:
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    signature = {}
    resources = 0
    for name, artifact in sorted(manifest["artifacts"].items()):
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        template_file = artifact["properties"]["templateFile"]
        template = json.loads((outdir / template_file).read_text(encoding="utf-8"))
        body = template.get("Resources", {})
        resources += len(body)
        types = Counter(str(r["Type"]) for r in body.values())
        subnets = sorted(
            (str(r["Properties"]["AvailabilityZone"]), str(r["Properties"]["CidrBlock"]))
            for r in body.values()
            if r["Type"] == "AWS::EC2::Subnet"
        )
        signature[name] = (tuple(sorted(types.items())), tuple(subnets))
    report_path = outdir / "validation-report.json"
    validation = {}
    if report_path.exists():
        report = json.loads(report_path.read_text(encoding="utf-8"))
        validation = {p["pluginName"]: p["conclusion"] for p in report.get("pluginReports", [])}
    return Assembly(len(signature), resources, signature, validation)


def synth_once(
    variant: Variant,
    config: Path,
    scratch: Path,
    *,
    timeout_s: float,
    label: str,
) -> tuple[Measured, Assembly]:
    outdir = Path(tempfile.mkdtemp(prefix=f"{variant.name}-", dir=scratch))
    try:
        measured = run_measured(
            synth_command(variant, config, outdir, venv_python()),
            cwd=ROOT,
            env=cli_env(scratch),
            timeout_s=timeout_s,
            interval_s=SAMPLE_INTERVAL_S,
        )
        if measured.timed_out:
            raise BenchError(f"{label}: timed out after {timeout_s:.0f} s")
        if measured.returncode != 0:
            tail = (measured.stdout + measured.stderr).strip().splitlines()[-30:]
            raise BenchError(
                f"{label}: cdk synth exited {measured.returncode}:\n" + "\n".join(tail)
            )
        return measured, read_assembly(outdir)
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


def compare(size: int, assemblies: dict[str, Assembly]) -> str:
    """Empty when both variants built the same stacks, resource types and subnets."""
    ours, theirs = assemblies[MULTIVPC.name], assemblies[BASELINE.name]
    if ours.signature.keys() != theirs.signature.keys():
        return f"N={size}: stacks differ"
    for stack, signature in ours.signature.items():
        if signature != theirs.signature[stack]:
            return f"N={size}: stack {stack} differs (resource types or subnets)"
    for variant, assembly in assemblies.items():
        failed = {k: v for k, v in assembly.validation.items() if v != "success"}
        if failed or len(assembly.validation) < 2:
            return f"N={size}: {variant} validation report {assembly.validation}"
    return ""


def bench_size(
    size: int, runs: int, scratch: Path, *, timeout_s: float, log: Callable[[str], None]
) -> SizeResult:
    config = estate.write_config(scratch / f"estate-{size}.yaml", size)
    result = SizeResult(size, {v.name: [] for v in VARIANTS})
    first: dict[str, Assembly] = {}
    for run in range(1, runs + 1):
        for variant in VARIANTS:  # A, B, A, B, ...
            label = f"N={size} run {run}/{runs} {variant.name}"
            measured, assembly = synth_once(
                variant, config, scratch, timeout_s=timeout_s, label=label
            )
            first.setdefault(variant.name, assembly)
            result.runs[variant.name].append(
                SynthRun(
                    variant=variant.name,
                    vpcs=size,
                    run=run,
                    wall_s=measured.wall_s,
                    cpu_s=measured.cpu_s,
                    peak_rss_bytes=measured.peak_rss_bytes,
                    peak_processes=measured.peak_processes,
                    role_peaks=measured.role_peaks,
                    stacks=assembly.stacks,
                    resources=assembly.resources,
                    validation=assembly.validation,
                )
            )
            log(
                f"{label}: {measured.wall_s:6.1f} s wall, {measured.cpu_s:6.1f} s CPU, "
                f"{measured.peak_rss_bytes / MIB:6.0f} MiB peak RSS "
                f"({measured.peak_processes} processes), {assembly.stacks} stacks, "
                f"{assembly.resources} resources"
            )
    result.mismatch = compare(size, first)
    result.matches = not result.mismatch
    if result.mismatch:
        log(f"MISMATCH {result.mismatch}")
    return result


def warm_up(scratch: Path, *, timeout_s: float, log: Callable[[str], None]) -> None:
    """One discarded synth per variant, so neither pays for cold file caches."""
    config = estate.write_config(scratch / "estate-warmup.yaml", 1)
    for variant in VARIANTS:
        measured, _ = synth_once(
            variant, config, scratch, timeout_s=timeout_s, label=f"warm-up {variant.name}"
        )
        log(f"warm-up {variant.name}: {measured.wall_s:.1f} s (discarded)")


def bench_load_config(vpcs: int, runs: int, scratch: Path, *, profile: bool) -> LoadResult:
    """``load_config`` in-process on a generated config, with every rule; plus phases."""
    config = estate.write_config(scratch / f"estate-load-{vpcs}.yaml", vpcs)
    load_config(config)  # warm: imports, pydantic schema build, regex compilation
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        loaded = load_config(config)
        seconds.append(time.perf_counter() - start)
    if len(loaded.vpcs) != vpcs:
        raise BenchError(f"load_config returned {len(loaded.vpcs)} VPCs, expected {vpcs}")
    phases, rules = profiling.load_config_phases(config, runs)
    slow = statistics.median(seconds) >= TARGET_LOAD_S
    top = profiling.cprofile_lines(lambda: load_config(config), limit=15) if profile or slow else []
    return LoadResult(vpcs, runs, seconds, phases, rules, top)


# ----------------------------------------------------------------------------- report


def _command_output(command: Sequence[str]) -> str:
    try:
        result = subprocess.run(
            list(command),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=cli_env(Path(tempfile.gettempdir())),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    return (result.stdout.strip() or result.stderr.strip()).splitlines()[0]


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_total() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    python = venv_python()
    os_name = "unknown"
    os_release = Path("/etc/os-release")
    if os_release.exists():
        for line in os_release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(len(os.sched_getaffinity(0))),
        "memory": _mem_total(),
        "cpu": _cpu_model(),
        "os": f"{os_name}, Linux {platform.release()}",
        "python": _command_output([str(python), "--version"]).removeprefix("Python "),
        "node": _command_output(["node", "--version"]),
        "aws-cdk-lib": _version("aws-cdk-lib"),
        "constructs": _version("constructs"),
        "jsii": _version("jsii"),
        "cdk-nag": _version("cdk-nag"),
        "pydantic": _version("pydantic"),
        "cdk cli": _command_output(["npx", "--no-install", "cdk", "--version"]),
        "multivpc code": code_state(),
    }


def code_state() -> str:
    """The commit measured, and whether multivpc's code had uncommitted changes (read-only)."""
    commit = _command_output(["git", "rev-parse", "--short", "HEAD"])
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--", "multivpc", "app.py", "cdk.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},  # never touch the index
    ).stdout.split("\n")
    files = [line[3:] for line in changed if line.strip()]
    return f"{commit}" + (f" + uncommitted changes to {', '.join(files)}" if files else "")


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(
    info: dict[str, str],
    sizes: list[SizeResult],
    load: LoadResult | None,
    settings: dict[str, Any],
    extra_sections: list[str],
    findings: str,
) -> str:
    warmup = "one discarded warm-up synth per variant, then " if settings["warmup"] else ""
    lines = [
        "# Synth benchmark results",
        "",
        "Written by `bench/synth_bench.py` (`make bench`) from the run described below; "
        "numbers are medians of the runs. Do not edit by hand except between the "
        "findings markers.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in info.items()),
        f"| load average (start / end) | {settings['load_start']} / {settings['load_end']} |",
        f"| total run time | {settings['total_s'] / 60:.1f} min |",
        "",
        "## Method",
        "",
        f"- Configs from `bench/estate.py`: N VPCs, each {len(estate.ZONES)} AZs with public, "
        "private and isolated subnet groups (9 subnets), a NAT gateway per AZ, flow logs to a "
        "KMS-encrypted log group; one account, one region, one stack per VPC.",
        "- Each variant runs `npx --no-install cdk synth --quiet --no-notices --output <tmp> "
        '--app "<venv python> <app>" -c config=<generated yaml>` from the repository root '
        "(so cdk.json's feature flags apply to both); the output folder is deleted after "
        "each run.",
        "  - **multivpc**: `app.py` (load_config with every rule, plan, VpcStack per VPC).",
        "  - **baseline**: `bench/baseline_app.py`, plain aws-cdk-lib written by hand "
        "(CfnVPC, ec2.PublicSubnet / ec2.PrivateSubnet with explicit zones and CIDRs, IGW, "
        "EIP + NAT per AZ, routes, KMS key + log group with retention + CfnFlowLog with its "
        "role, the AwsCustomResource pair revoking the default security group rules); it "
        "reads the same YAML with `yaml.load` and does not import multivpc.",
        "- Same settings for both: CDK's built-in template validation on (as users have "
        "it: `CDK_VALIDATION` unset), and cdk-nag: multivpc's app always runs the "
        "AwsSolutions pack, so the baseline adds the same plugin "
        "(`cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))`) with the same "
        "acknowledgements (AwsSolutions-IAM4 on the custom-resource provider, W3010 per "
        "stack). Both validation reports must conclude `success`.",
        f"- Order: {warmup}A, B, A, B, ... ({settings['runs']} runs per variant per N); "
        f"per-run timeout {settings['timeout_s']:.0f} s.",
        "- Wall time: from spawning `npx` to its exit. Peak memory: the highest sum of RSS "
        "over every process of the run's session (npx, CDK CLI node, python app, jsii node "
        f"runtime), sampled every {settings['interval_ms']} ms from /proc. CPU: user + system "
        "time of all reaped descendants.",
        "- Stacks and resources are counted from the synthesized templates; the check "
        "compares, per stack, the resource type counts and every subnet's zone and CIDR of "
        "multivpc against the baseline.",
        "",
        "## Synth: multivpc vs. baseline",
        "",
        "| VPCs | stacks | resources | match | multivpc time (s) | baseline time (s) | "
        "time ratio | multivpc peak RSS (MiB) | baseline peak RSS (MiB) | memory ratio |",
        "|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        ours, theirs = size.runs[MULTIVPC.name][0], size.runs[BASELINE.name][0]
        counts_equal = (ours.stacks, ours.resources) == (theirs.stacks, theirs.resources)
        counts = (
            f"{ours.stacks} | {ours.resources}"
            if counts_equal
            else f"{ours.stacks} / {theirs.stacks} | {ours.resources} / {theirs.resources}"
        )
        lines.append(
            f"| {size.vpcs} | {counts} | {'yes' if size.matches else '**no**'} | "
            f"{size.median(MULTIVPC.name, 'wall_s'):.1f} | "
            f"{size.median(BASELINE.name, 'wall_s'):.1f} | {size.ratio('wall_s'):.2f} | "
            f"{size.median(MULTIVPC.name, 'peak_rss_bytes') / MIB:.0f} | "
            f"{size.median(BASELINE.name, 'peak_rss_bytes') / MIB:.0f} | "
            f"{size.ratio('peak_rss_bytes'):.2f} |"
        )
    lines += [
        "",
        "Spread (min-max over the runs) and CPU time (median, user + system, all processes):",
        "",
        "| VPCs | runs | multivpc time | baseline time | multivpc RSS (MiB) | "
        "baseline RSS (MiB) | multivpc CPU (s) | baseline CPU (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        cells = []
        for attribute, scale, fmt in (
            ("wall_s", 1.0, "{:.1f}-{:.1f}"),
            ("peak_rss_bytes", MIB, "{:.0f}-{:.0f}"),
        ):
            for variant in VARIANTS:
                low, high = size.spread(variant.name, attribute)
                cells.append(fmt.format(low / scale, high / scale))
        cpu = [f"{size.median(v.name, 'cpu_s'):.1f}" for v in VARIANTS]
        runs = len(size.runs[MULTIVPC.name])
        lines.append(
            f"| {size.vpcs} | {runs} | {cells[0]} | {cells[1]} | {cells[2]} | {cells[3]} | "
            f"{cpu[0]} | {cpu[1]} |"
        )
    lines += _memory_by_process(sizes)
    mismatches = [s.mismatch for s in sizes if s.mismatch]
    if mismatches:
        lines += ["", "**Mismatches:**", "", *(f"- {m}" for m in mismatches)]

    if load is not None:
        lines += [
            "",
            f"## Validation: load_config on {load.vpcs:,} VPCs",
            "",
            f"`multivpc.config.load_config` (read, YAML, pydantic models, all "
            f"{len(load.rules)} rules) in-process on a generated {load.vpcs:,}-VPC config "
            f"({load.vpcs * 9:,} subnets; VPCs are disjoint /{estate.VPC_PREFIX}s of "
            f"10.0.0.0/8), after one warm-up call: **median {load.median_s:.3f} s** over "
            f"{load.runs} runs (min {min(load.seconds):.3f}, max {max(load.seconds):.3f}).",
            "",
            "Where it goes (medians, measured separately; they add up to about the total):",
            "",
            "| phase | seconds |",
            "|---|---:|",
            *(f"| {phase} | {seconds:.3f} |" for phase, seconds in load.phases.items()),
            "",
            "| rule | seconds |",
            "|---|---:|",
            *(
                f"| {rule} | {seconds:.4f} |"
                for rule, seconds in sorted(load.rules.items(), key=lambda item: -item[1])
            ),
        ]
        if load.profile:
            lines += [
                "",
                "cProfile of one load_config call (top by own time):",
                "",
                "```",
                *load.profile,
                "```",
            ]

    lines += ["", "## Targets (measured, not asserted)", ""]
    lines += _targets(sizes, load)
    if extra_sections:
        lines += [
            "",
            "## Profiles",
            "",
            "One more synth per variant with every process profiled: the app under "
            "`python -m cProfile`, the CDK CLI under `node --cpu-prof`, and the jsii runtime "
            "under `node --cpu-prof` (through jsii's `JSII_NODE` switch). In the node "
            "profiles, `(idle)` and a native `read` are waits: the CLI waits for the app, "
            "the jsii kernel reads its next request from Python synchronously.",
        ]
        lines += extra_sections
    lines += ["", "## Profiling findings", "", FINDINGS_START, findings.strip(), FINDINGS_END, ""]
    return "\n".join(lines)


ROLES = (
    "npx (npm exec, node)",
    "CDK CLI (node)",
    "CDK app (python)",
    "jsii relay (node)",
    "jsii kernel (node)",
)


def _memory_by_process(sizes: list[SizeResult]) -> list[str]:
    """Median peak RSS of each kind of process, multivpc / baseline."""
    lines = [
        "",
        "Peak RSS of each kind of process (median of the runs, MiB, multivpc / baseline; "
        "each process's own peak, so a row's sum can exceed the total peak above):",
        "",
        "| VPCs | " + " | ".join(ROLES) + " | other |",
        "|---:|" + "---:|" * (len(ROLES) + 1),
    ]
    for size in sizes:
        cells = []
        for kind in (*ROLES, None):
            pair = []
            for variant in VARIANTS:
                values = [
                    sum(v for k, v in run.role_peaks.items() if k not in ROLES)
                    if kind is None
                    else run.role_peaks.get(kind, 0)
                    for run in size.runs[variant.name]
                ]
                pair.append(f"{statistics.median(values) / MIB:.0f}")
            cells.append(" / ".join(pair))
        lines.append(f"| {size.vpcs} | " + " | ".join(cells) + " |")
    return lines


def _target_checks(sizes: list[SizeResult], load: LoadResult | None) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for every target the run can speak to."""
    checks = []
    for size in sizes:
        time_ratio, rss_ratio = size.ratio("wall_s"), size.ratio("peak_rss_bytes")
        checks.append(
            (
                f"N={size.vpcs}: ratio multivpc/baseline <= {TARGET_RATIO:.1f}",
                f"time {time_ratio:.2f}, memory {rss_ratio:.2f}",
                time_ratio <= TARGET_RATIO and rss_ratio <= TARGET_RATIO,
            )
        )
    large = next((s for s in sizes if s.vpcs == TARGET_LARGE_VPCS), None)
    if large is not None:
        wall = large.median(MULTIVPC.name, "wall_s")
        rss = large.median(MULTIVPC.name, "peak_rss_bytes")
        checks += [
            (
                f"{TARGET_LARGE_VPCS} VPCs synthesize in < {TARGET_LARGE_WALL_S:.0f} s",
                f"{wall:.1f} s",
                wall < TARGET_LARGE_WALL_S,
            ),
            (
                f"{TARGET_LARGE_VPCS} VPCs peak memory < 2 GiB",
                f"{rss / MIB:.0f} MiB",
                rss < TARGET_LARGE_RSS_BYTES,
            ),
        ]
    if load is not None:
        checks.append(
            (
                f"validating {load.vpcs:,} VPCs < {TARGET_LOAD_S:.0f} s",
                f"{load.median_s:.3f} s",
                load.median_s < TARGET_LOAD_S,
            )
        )
    return checks


def _targets(sizes: list[SizeResult], load: LoadResult | None) -> list[str]:
    return [
        "| target | measured | |",
        "|---|---|---|",
        *(
            f"| {target} | {measured} | {_met(ok)} |"
            for target, measured, ok in _target_checks(sizes, load)
        ),
    ]


def existing_findings(path: Path) -> str:
    if not path.exists():
        return "(none written yet)"
    text = path.read_text(encoding="utf-8")
    start, end = text.find(FINDINGS_START), text.find(FINDINGS_END)
    if start < 0 or end < start:
        return "(none written yet)"
    return text[start + len(FINDINGS_START) : end]


# ----------------------------------------------------------------------------- main


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write sizes like 1,10,50") from None
    if not sizes or any(not 1 <= s <= estate.MAX_VPCS for s in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be between 1 and {estate.MAX_VPCS}")
    return sizes


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=list(DEFAULT_SIZES),
        help="comma-separated VPC counts (default: 1,10,50,100,250)",
    )
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per variant per N")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: sizes 1,10, one run, no warm-up, 100-VPC load_config, no RESULTS.md",
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per synth")
    parser.add_argument("--load-vpcs", type=int, default=LOAD_VPCS, help="VPCs for load_config")
    parser.add_argument("--load-runs", type=int, default=7, help="timed load_config calls")
    parser.add_argument("--no-warmup", action="store_true", help="skip the discarded warm-up")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        default=-1,
        help="profile one synth of N VPCs per variant (cProfile of the app, node "
        "--cpu-prof of the CLI and the jsii runtime) and load_config, into the report; "
        "default: at the largest size when a synth target is missed; 0: never",
    )
    parser.add_argument("--skip-synth", action="store_true", help="only time load_config")
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="write the report here (default: bench/RESULTS.md, only for a full run)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write raw runs as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = [1, 10]
        args.runs = 1
        args.no_warmup = True
        args.load_vpcs = 100
        args.load_runs = 3
    if args.runs < 1 or args.load_runs < 1:
        parser.error("--runs and --load-runs must be at least 1")
    if not 1 <= args.load_vpcs <= estate.MAX_VPCS:
        parser.error(f"--load-vpcs must be between 1 and {estate.MAX_VPCS}")
    return args


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds: run_measured kills the synth, tmp dirs go


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Stop cleanly on SIGTERM, and on SIGINT even when started in the background (where
    # the shell ignores SIGINT for us).
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    full_run = (
        not args.quick
        and not args.skip_synth
        and sorted(args.sizes) == sorted(DEFAULT_SIZES)
        and args.runs >= DEFAULT_RUNS
    )
    results_path: Path | None = args.results or (RESULTS if full_run else None)
    if shutil.which("npx") is None and not args.skip_synth:
        print("synth_bench: needs Node.js (npx) and `npm ci` (make setup)", file=sys.stderr)
        return 2

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    started = time.perf_counter()
    load_start = _loadavg()
    info = machine()
    log("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    sizes: list[SizeResult] = []
    extra: list[str] = []
    with tempfile.TemporaryDirectory(prefix="multivpc-bench-") as tmp:
        scratch = Path(tmp)
        try:
            if not args.skip_synth:
                if not args.no_warmup:
                    warm_up(scratch, timeout_s=args.timeout, log=log)
                for size in args.sizes:
                    sizes.append(
                        bench_size(size, args.runs, scratch, timeout_s=args.timeout, log=log)
                    )
            log(f"load_config on {args.load_vpcs} VPCs ...")
            load = bench_load_config(
                args.load_vpcs, args.load_runs, scratch, profile=args.profile > 0
            )
            log(f"load_config: median {load.median_s:.3f} s, phases {load.phases}")
            profile_vpcs = args.profile
            if profile_vpcs < 0:
                missed = any(not ok for _, _, ok in _target_checks(sizes, None))
                profile_vpcs = max(args.sizes) if missed and sizes else 0
            if profile_vpcs:
                config = estate.write_config(scratch / "estate-profile.yaml", profile_vpcs)
                for variant in VARIANTS:
                    log(f"profiling {variant.name} at N={profile_vpcs} ...")
                    extra += profiling.profile_synth(
                        variant.name,
                        app_script=variant.app_script,
                        config=config,
                        scratch=scratch,
                        env=cli_env(scratch),
                        python=venv_python(),
                        cwd=ROOT,
                        timeout_s=args.timeout,
                        vpcs=profile_vpcs,
                    )
        except BenchError as error:
            log(f"FAILED: {error}")
            return 1
    total = time.perf_counter() - started
    code_at_end = code_state()
    if code_at_end != info["multivpc code"]:
        info["multivpc code"] += f" (at the end of the run: {code_at_end})"
    settings = {
        "runs": args.runs,
        "warmup": not args.no_warmup and not args.skip_synth,
        "timeout_s": args.timeout,
        "interval_ms": round(SAMPLE_INTERVAL_S * 1000),
        "load_start": load_start,
        "load_end": _loadavg(),
        "total_s": total,
    }
    report = render(
        info,
        sizes,
        load,
        settings,
        extra,
        existing_findings(results_path or RESULTS),
    )
    if results_path is not None:
        results_path.write_text(report, encoding="utf-8")
        log(f"wrote {results_path}")
    else:
        print(report)
        log("not a full run (all default sizes, >= 3 runs): RESULTS.md left unchanged")
    if args.json is not None:
        raw = {
            "machine": info,
            "settings": settings,
            "sizes": [
                {"vpcs": s.vpcs, "mismatch": s.mismatch, "runs": _runs_json(s.runs.values())}
                for s in sizes
            ],
            "load_config": asdict(load),
        }
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    log(f"total {total / 60:.1f} min")
    return 1 if any(not s.matches for s in sizes) else 0


def _runs_json(runs: Iterable[list[SynthRun]]) -> list[dict[str, Any]]:
    return [asdict(run) for variant_runs in runs for run in variant_runs]


if __name__ == "__main__":
    sys.exit(main())
