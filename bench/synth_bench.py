#!/usr/bin/env python3
"""Synth benchmark: multivpc's app.py against bench/baseline_app.py, through the CDK CLI.

``make bench`` (``.venv/bin/python bench/synth_bench.py`` from the repository root)
generates two kinds of estates (bench/estate.py) and synthesizes each with multivpc's
app.py and a hand-written baseline through ``npx cdk synth``, alternating A, B, A, B, with
the same settings: CDK's template validation on (as users have it) and cdk-nag's
AwsSolutions pack in both:

- ``vpc``: N independent VPCs (public, private, isolated; NAT per AZ), against
  bench/baseline_app.py;
- ``hub``: N VPCs attached to one Transit Gateway (hub stack, spokes in other accounts,
  segments, sharded routing stacks), against bench/baseline_hub_app.py.

It measures wall time, CPU time and the peak RSS of the whole process tree (CPU time is
the steadier measure when other work loads the machine), checks that both apps build the
same resource types per stack, times ``multivpc validate`` on a 1,000-VPC config of each
kind, writes bench/results.json and renders bench/RESULTS.md from it (bench/render.py).

``--quick`` is a smoke run (VPC sizes 1 and 10, hub size 10, one run) written to
bench/out/ instead.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
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
import threading
import time
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as bench/synth_bench.py: make `tests` importable

import estate  # noqa: E402
import render  # noqa: E402

from tests.support.cdk_cli import (  # noqa: E402
    cdk_cli_env,
    cdk_command,
    synth_command,
    venv_python,
)

APPS = {"multivpc": "app.py", "baseline": "bench/baseline_app.py"}  # A, B
HUB_APPS = {"multivpc": "app.py", "baseline": "bench/baseline_hub_app.py"}
DEFAULT_SIZES = (1, 10, 50, 100, 250)
DEFAULT_HUB_SIZES = (10, 50, 100, 300)
DEFAULT_GROWTH = (56, 60)
"""Hub-estate sizes either side of its first routing shard boundary: 56 VPCs fill one
routing stack, 57 need a second."""
ESTATES = ("vpc", "hub")
SAMPLE_S = 0.05  # how often the process tree's RSS is read from /proc
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024


class BenchError(RuntimeError):
    pass


def session_sample(session: int) -> tuple[int, dict[int, int]]:
    """Summed RSS (bytes) of every live process of a session (npx, CDK CLI, app, jsii),
    and each one's CPU time so far (user + system, in clock ticks) by pid."""
    rss, ticks = 0, {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_bytes()
        except OSError:  # ended between listing and reading
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()  # after "pid (comm) "
        if int(fields[3]) == session:
            rss += int(fields[21]) * PAGE
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    return rss, ticks


def run_measured(
    command: list[str], env: dict[str, str], timeout_s: float
) -> tuple[float, int, float]:
    """Run ``command`` in a new session: wall seconds, peak RSS bytes of the session, and
    CPU seconds of its processes (each one's last sample; up to ``SAMPLE_S`` of a process's
    last CPU time is missed). CPU time is what the apps cost when others load the machine."""
    peak = 0
    cpu_ticks: dict[int, int] = {}
    done = threading.Event()
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                rss, ticks = session_sample(process.pid)
                peak = max(peak, rss)
                cpu_ticks.update(ticks)
                done.wait(SAMPLE_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            returncode = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise BenchError(f"timed out after {timeout_s:.0f} s: {shlex.join(command)}") from None
        finally:
            wall = time.perf_counter() - start
            done.set()
            sampler.join()
            if process.returncode is None or session_sample(process.pid)[1]:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # our session only
                process.wait()
        if returncode != 0:
            output.seek(0)
            tail = output.read().decode(errors="replace").strip().splitlines()[-20:]
            raise BenchError(f"{shlex.join(command)} failed ({returncode}):\n" + "\n".join(tail))
    return wall, peak, sum(cpu_ticks.values()) / TICKS


def read_assembly(outdir: Path) -> tuple[dict[str, dict[str, int]], dict[str, str], str]:
    """Resource type counts per stack, validation plugin conclusions, templates' digest."""
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    stacks, digest = {}, hashlib.sha256()
    for name, artifact in sorted(manifest["artifacts"].items()):
        if artifact.get("type") == "aws:cloudformation:stack":
            text = (outdir / artifact["properties"]["templateFile"]).read_bytes()
            digest.update(text)
            types = Counter(r["Type"] for r in json.loads(text).get("Resources", {}).values())
            stacks[name] = dict(sorted(types.items()))
    report = json.loads((outdir / "validation-report.json").read_text(encoding="utf-8"))
    plugins = {p["pluginName"]: p["conclusion"] for p in report.get("pluginReports", [])}
    return stacks, plugins, digest.hexdigest()


def bench_size(
    vpcs: int, runs: int, scratch: Path, timeout_s: float, *, hub: bool = False
) -> dict[str, Any]:
    """Both apps on one estate, A, B, A, B, ...: measurements, medians, ratios, checks.
    ``hub``: the hub-and-spoke estate and its baseline, else the VPC estate."""
    if hub:
        config = estate.write_hub_config(scratch / f"hub-estate-{vpcs}.yaml", vpcs)
    else:
        config = estate.write_config(scratch / f"estate-{vpcs}.yaml", vpcs)
    apps = HUB_APPS if hub else APPS
    kind = "hub " if hub else ""
    load_start = loadavg()
    measured: dict[str, list[dict[str, float]]] = {name: [] for name in apps}
    stacks: dict[str, dict[str, dict[str, int]]] = {}
    plugins: dict[str, dict[str, str]] = {}
    digests: dict[str, set[str]] = {name: set() for name in apps}
    for run in range(1, runs + 1):
        for name, script in apps.items():
            outdir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=scratch))
            app = f"{shlex.quote(str(venv_python()))} {script}"
            command = synth_command(config, outdir, app=app)
            wall, peak, cpu = run_measured(command, cdk_cli_env(scratch), timeout_s)
            stacks[name], plugins[name], digest = read_assembly(outdir)
            digests[name].add(digest)
            shutil.rmtree(outdir)
            measured[name].append(
                {
                    "wall_s": round(wall, 3),
                    "cpu_s": round(cpu, 2),
                    "peak_rss_mib": round(peak / MIB),
                }
            )
            log(
                f"{kind}N={vpcs} run {run}/{runs} {name}: {wall:.1f} s, {cpu:.1f} s CPU, "
                f"{peak / MIB:.0f} MiB, load {loadavg()}"
            )
    medians = {
        name: {key: statistics.median(r[key] for r in values) for key in values[0]}
        for name, values in measured.items()
    }
    ours, theirs = stacks["multivpc"], stacks["baseline"]
    return {
        "vpcs": vpcs,
        "estate": kind,
        "stacks": {name: len(per_stack) for name, per_stack in stacks.items()},
        "resource_types": {name: total_types(per_stack) for name, per_stack in stacks.items()},
        "same_resources_per_stack": ours == theirs,
        "differing_stacks": sorted(
            s for s in ours.keys() | theirs.keys() if ours.get(s) != theirs.get(s)
        ),
        "validation": plugins,
        "templates_identical_across_runs": all(len(d) == 1 for d in digests.values()),
        "load_average": {"start": load_start, "end": loadavg()},
        "runs": measured,
        "median": medians,
        "ratio": {
            key: round(medians["multivpc"][key] / medians["baseline"][key], 3)
            for key in medians["multivpc"]
        },
    }


def total_types(stacks: dict[str, dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for types in stacks.values():
        total.update(types)
    return dict(sorted(total.items()))


def time_validate(vpcs: int, runs: int, scratch: Path, *, kind: str = "vpc") -> dict[str, Any]:
    """Wall time of ``multivpc validate`` on ``vpcs`` VPCs and on the smallest estate (1
    VPC; for ``hub``, the hub-and-spoke estate, 5): start-up and imports. ``kind``: vpc,
    hub, or attachments (``vpcs`` attachments in one Transit Gateway segment).

    A subprocess, so the benchmark needs nothing of multivpc but its command line.
    """
    multivpc = venv_python().parent / "multivpc"
    write, prefix, smallest = {
        "vpc": (estate.write_config, "validate", 1),
        "hub": (estate.write_hub_config, "validate-hub", estate.HUB_MIN_VPCS),
        "attachments": (estate.write_attachments_config, "validate-attachments", 1),
    }[kind]
    configs = {n: write(scratch / f"{prefix}-{n}.yaml", n) for n in (smallest, vpcs)}
    seconds: dict[int, list[float]] = {n: [] for n in configs}
    for run in range(runs + 1):  # the first round warms caches and is discarded
        for n, config in configs.items():
            start = time.perf_counter()
            result = subprocess.run(
                [str(multivpc), "validate", str(config)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
                env={**cdk_cli_env(scratch), "PYTHONPATH": str(ROOT)},  # this tree's multivpc
            )
            elapsed = time.perf_counter() - start
            if result.returncode != 0:
                raise BenchError(f"multivpc validate {config}: {result.stderr.strip()}")
            if run:
                seconds[n].append(round(elapsed, 3))
    one, many = statistics.median(seconds[smallest]), statistics.median(seconds[vpcs])
    log(f"multivpc validate ({prefix}): {vpcs} VPCs {many:.2f} s, {smallest} VPC(s) {one:.2f} s")
    return {
        "vpcs": vpcs,
        "estate": kind,
        "command": "multivpc validate FILE",
        "output": result.stdout.strip().replace(f"{scratch}/", ""),
        "runs": {str(n): values for n, values in seconds.items()},
        "median_s": many,
        "smallest_vpcs": smallest,
        "median_1_vpc_s": one,
        "load_s": round(many - one, 3),
    }


def shard_growth(sizes: tuple[int, int], scratch: Path, timeout_s: float) -> dict[str, Any]:
    """The hub estate grown from ``sizes[0]`` to ``sizes[1]`` VPCs across a routing shard
    boundary, each side's lock written by `multivpc plan --write-lock` (the second starting
    from the first's, as a config repository would): what `multivpc diff` reports. Moves
    and replacements must be none (issue 20: routing shards are locked)."""
    multivpc = str(venv_python().parent / "multivpc")
    env = {**cdk_cli_env(scratch), "PYTHONPATH": str(ROOT)}
    env.pop("CI", None)  # the locks are written here, as a user would

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [multivpc, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=timeout_s,
        )

    configs: list[Path] = []
    for side, vpcs in zip(("before", "after"), sizes, strict=True):
        folder = scratch / f"growth-{side}"
        folder.mkdir()
        config = estate.write_hub_config(folder / "estate.yaml", vpcs)
        if configs:
            lock = configs[0].with_name("estate.lock.yaml")
            shutil.copy(lock, folder / lock.name)
        result = run("plan", str(config), "--write-lock")
        if result.returncode != 0:
            raise BenchError(f"multivpc plan {config}: {result.stderr.strip()}")
        configs.append(config)
    start = time.perf_counter()
    result = run("diff", str(configs[0]), str(configs[1]), "--json")
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise BenchError(f"multivpc diff: {result.stderr.strip()}")
    report = json.loads(result.stdout)
    routing = {
        side: sorted(
            s["name"]
            for s in report["stacks"]
            if "-routing" in s["name"] and s["status"] in statuses
        )
        for side, statuses in (
            ("before", ("unchanged", "changed", "removed")),
            ("after", ("unchanged", "changed", "added")),
        )
    }
    log(
        f"shard growth {sizes[0]} -> {sizes[1]} VPCs: {report['summary']}, routing stacks "
        f"{routing['before']} -> {routing['after']} ({elapsed:.0f} s)"
    )
    return {
        "vpcs": list(sizes),
        "command": "multivpc diff BEFORE AFTER --json",
        "exit_status": result.returncode,
        "summary": report["summary"],
        "routing_stacks": routing,
        "diff_s": round(elapsed, 1),
    }


def output(command: list[str], scratch: Path) -> str:
    env = {**cdk_cli_env(scratch), "GIT_OPTIONAL_LOCKS": "0"}  # git: never touch the index
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    return (result.stdout or result.stderr).strip()


def code_state(scratch: Path) -> str:
    """The commit measured, and which of multivpc's files differ from it."""
    changed = output(
        ["git", "status", "--porcelain", "--", "multivpc", "app.py", "cdk.json"], scratch
    )
    commit = output(["git", "rev-parse", "--short", "HEAD"], scratch)
    files = [line.split(maxsplit=1)[1] for line in changed.splitlines()]  # "XY path"
    return commit + (f" + uncommitted: {', '.join(files)}" if files else "")


def machine(scratch: Path) -> dict[str, str]:
    info = {
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
        "cores": str(len(os.sched_getaffinity(0))),
        "memory": f"{os.sysconf('SC_PHYS_PAGES') * PAGE / 1024**3:.1f} GiB",
        "os": f"{platform.freedesktop_os_release().get('PRETTY_NAME', '?')}, "
        f"Linux {platform.release()}",
        "python": platform.python_version(),
        "node": output(["node", "--version"], scratch),
        "cdk cli": output(cdk_command("--version"), scratch),
    }
    for package in ("aws-cdk-lib", "constructs", "jsii", "cdk-nag", "pydantic", "PyYAML"):
        info[package] = metadata.version(package)
    return info


def loadavg() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=list(DEFAULT_SIZES),
        help="comma-separated VPC counts (default: %(default)s)",
    )
    parser.add_argument(
        "--hub-sizes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=list(DEFAULT_HUB_SIZES),
        help="comma-separated VPC counts of the hub-and-spoke estate (default: %(default)s)",
    )
    parser.add_argument(
        "--estates",
        type=lambda text: [part for part in text.split(",") if part],
        default=list(ESTATES),
        help="which estates: vpc, hub or both (default: %(default)s)",
    )
    parser.add_argument(
        "--growth",
        type=lambda text: tuple(int(part) for part in text.split(":")),
        default=DEFAULT_GROWTH,
        help="BEFORE:AFTER hub-estate sizes across a routing shard boundary, for the "
        "multivpc diff of that growth (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per app and size (default: 3)")
    parser.add_argument("--validate-vpcs", type=int, default=1000, help="VPCs for validate")
    parser.add_argument("--validate-runs", type=int, default=5, help="timed validate runs")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per synth")
    parser.add_argument("--no-warmup", action="store_true", help="skip the discarded warm-up")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: sizes 1,10, hub size 10, one run"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for results.json and RESULTS.md (default: bench/ "
        "for a full run, else bench/out/)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.hub_sizes, args.runs = [1, 10], [10], 1
        args.no_warmup, args.validate_runs = True, 1
    if args.out is None:  # only a full run replaces the committed results
        full = (
            args.sizes == list(DEFAULT_SIZES)
            and args.hub_sizes == list(DEFAULT_HUB_SIZES)
            and args.estates == list(ESTATES)
            and args.runs >= 3
            and not args.no_warmup
        )
        args.out = ROOT / "bench" / ("" if full else "out")
    if not args.estates or not set(args.estates) <= set(ESTATES):
        parser.error(f"--estates: any of {', '.join(ESTATES)}")
    if not all(1 <= n <= estate.MAX_VPCS for n in [*args.sizes, args.validate_vpcs]):
        parser.error(f"VPC counts must be between 1 and {estate.MAX_VPCS}")
    hub_range = range(estate.HUB_MIN_VPCS, estate.HUB_MAX_VPCS + 1)
    if not all(n in hub_range for n in [*args.hub_sizes, args.validate_vpcs]):
        parser.error(
            f"hub estate VPC counts must be between {estate.HUB_MIN_VPCS} and {estate.HUB_MAX_VPCS}"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # unwind
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="multivpc-bench-") as tmp:
        scratch = Path(tmp)
        results: dict[str, Any] = {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(scratch),
            "code": {"start": code_state(scratch)},
            "load_average": {"start": loadavg()},
            "method": {
                "estates": args.estates,
                "sizes": args.sizes if "vpc" in args.estates else [],
                "hub_sizes": args.hub_sizes if "hub" in args.estates else [],
                "runs": args.runs,
                "warmup": not args.no_warmup,
                "order": "A, B, A, B, ...",
                "apps": APPS,
                "hub_apps": HUB_APPS,
                "command": shlex.join(
                    synth_command("<estate.yaml>", Path("<tmp>"), app="<venv python> <app>")
                ),
                "environment": {
                    k: v
                    for k, v in cdk_cli_env(scratch).items()
                    if k.startswith(("CDK_", "JSII_", "AWS_EC2"))
                },
                "sample_interval_ms": round(SAMPLE_S * 1000),
                "timeout_s": args.timeout,
                "target_ratio_max": 1.0,
            },
        }
        log(f"machine: {results['machine']}")
        try:
            if not args.no_warmup:
                log("warm-up: one synth per app, discarded (file caches, .pyc files)")
                bench_size(1, 1, scratch, args.timeout)
            if "vpc" in args.estates:
                results["synth"] = [
                    bench_size(n, args.runs, scratch, args.timeout) for n in args.sizes
                ]
            if "hub" in args.estates:
                results["hub_synth"] = [
                    bench_size(n, args.runs, scratch, args.timeout, hub=True)
                    for n in args.hub_sizes
                ]
            if "vpc" in args.estates:
                results["validate"] = time_validate(args.validate_vpcs, args.validate_runs, scratch)
            if "hub" in args.estates:
                results["hub_validate"] = time_validate(
                    args.validate_vpcs, args.validate_runs, scratch, kind="hub"
                )
                results["attachments_validate"] = time_validate(
                    estate.ATTACHMENTS_DEFAULT, args.validate_runs, scratch, kind="attachments"
                )
                results["shard_growth"] = shard_growth(args.growth, scratch, args.timeout)
        except BenchError as error:
            log(f"FAILED: {error}")
            return 1
        results["code"]["end"] = code_state(scratch)
    results["load_average"]["end"] = loadavg()
    results["total_s"] = round(time.perf_counter() - started)
    args.out.mkdir(parents=True, exist_ok=True)
    json_path = args.out / "results.json"
    json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    render.write(json_path, args.out / "RESULTS.md")
    log(f"wrote {json_path} and {args.out / 'RESULTS.md'} in {results['total_s'] / 60:.1f} min")
    found = render.all_problems(results)
    for problem in found:
        log(f"PROBLEM: {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
