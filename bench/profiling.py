"""Profiling helpers for the synth benchmark: where load_config and a synth spend time.

- ``load_config_phases``: load_config split into its phases and rules, timed in-process.
- ``cprofile_lines``: the top functions of one call under cProfile.
- ``profile_synth``: one synth through the CDK CLI with the app under cProfile and both
  node processes (CDK CLI and jsii runtime) under ``node --cpu-prof``; returns markdown.

Standard library only. The jsii runtime is profiled through ``JSII_NODE`` (jsii's own
switch for the node binary), pointed at a two-line wrapper script.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import statistics
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from procmon import run_measured

from multivpc.config import loader
from multivpc.config.models import NetworkConfig
from multivpc.config.rules import RULES, check_rules

T = TypeVar("T")
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _median_time(call: Callable[[], object], runs: int) -> float:
    return _median_time_with(lambda: None, lambda _: call(), runs)


def _median_time_with(setup: Callable[[], T], call: Callable[[T], object], runs: int) -> float:
    """Median seconds of ``call(setup())``, timing the call only."""
    seconds = []
    for _ in range(runs):
        argument = setup()
        start = time.perf_counter()
        call(argument)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def load_config_phases(config: Path, runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median seconds of each phase of ``load_config`` and of each registered rule.

    Rules run on a freshly validated model each time, so each pays for any cache on the
    model (``cached_property``) it fills; timed alone, they add up to more than
    ``check_rules``, where the first rule to need a cache fills it for the rest.
    """
    text = config.read_text(encoding="utf-8")
    parse_yaml: Callable[[str, str], Any] | None = getattr(loader, "_parse_yaml", None)

    def parse() -> Any:
        if parse_yaml is not None:  # what load_config does, node tree and all
            return parse_yaml(text, str(config))
        return yaml.load(text, Loader=_Loader)

    data = parse()
    if isinstance(data, tuple):  # _parse_yaml returns (node, data)
        data = data[1]

    def fresh() -> NetworkConfig:
        return NetworkConfig.model_validate(data)

    phases = {
        "read the file": _median_time(lambda: config.read_text(encoding="utf-8"), runs),
        "YAML (multivpc.config.loader._parse_yaml: compose + construct)": _median_time(parse, runs),
        "pydantic NetworkConfig.model_validate": _median_time(fresh, runs),
        f"check_rules ({len(RULES)} rules)": _median_time_with(fresh, check_rules, runs),
    }
    rules = {
        registered.id: _median_time_with(
            fresh,
            lambda model, check=registered.check: list(check(model)),  # type: ignore[misc]
            runs,
        )
        for registered in RULES
    }
    return phases, rules


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        index = filename.find(marker)
        if index >= 0:
            return filename[index + len(marker) :]
    return filename


def stats_lines(stats: pstats.Stats, *, limit: int, key: str = "tottime") -> list[str]:
    """``limit`` rows of ``own s  cum s  calls  function (file:line)``, sorted by ``key``."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    column = 2 if key == "tottime" else 3
    rows = sorted(table.items(), key=lambda item: -item[1][column])[:limit]
    lines = [f"{'own s':>8} {'cum s':>8} {'calls':>9}  function"]
    for (filename, line, function), (_, calls, own, cumulative, _) in rows:
        where = f" ({_short(filename)}:{line})" if filename != "~" else ""
        lines.append(f"{own:8.3f} {cumulative:8.3f} {calls:9d}  {function}{where}")
    return lines


_PHASES = (
    # (label, file suffix, function): cumulative seconds of these in the app process
    ("app: load_config (YAML, models, rules)", "multivpc/config/loader.py", "load_config"),
    ("app: plan()", "multivpc/config/plan.py", "plan"),
    ("app: add_network (build constructs)", "multivpc/stacks/network_app.py", "add_network"),
    ("app: build stacks (BaselineVpcStack)", "bench/baseline_app.py", "__init__"),
    ("app: App.synth() (jsii runtime does the work)", "aws_cdk/__init__.py", "synth"),
)
_JSII_CALLS = ("create", "get", "set", "invoke", "sget", "sinvoke", "_handle_callback")


def app_phases(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    """(label, cumulative seconds, calls) of the app's phases in a cProfile of app.py or
    baseline_app.py; module import time is the app module's time minus ``main``."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    found: list[tuple[str, float, int]] = []
    module_total = main_total = 0.0
    for (filename, _, function), (_, _, _, cumulative, _) in table.items():
        if Path(filename).name not in {"app.py", "baseline_app.py"}:
            continue
        if function == "<module>":
            module_total = cumulative
        elif function == "main":
            main_total = cumulative
    if module_total:
        found.append(("app: import modules", module_total - main_total, 1))
    for label, suffix, name in _PHASES:
        rows = [
            (cumulative, calls)
            for (filename, _, function), (_, calls, _, cumulative, _) in table.items()
            if function == name and filename.endswith(suffix)
        ]
        if rows and not (name == "__init__" and len(rows) > 1):
            found.append((label, max(r[0] for r in rows), sum(r[1] for r in rows)))
    return found


def jsii_traffic(stats: pstats.Stats) -> dict[str, int]:
    """Calls from Python into the jsii kernel, by kind, and callbacks from it into Python."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    counts: dict[str, int] = {}
    for (filename, _, function), (_, calls, _, _, _) in table.items():
        if filename.endswith("jsii/_kernel/__init__.py") and function in _JSII_CALLS:
            key = "callbacks into Python" if function == "_handle_callback" else function
            counts[key] = counts.get(key, 0) + calls
    return counts


def cprofile_lines(call: Callable[[], object], *, limit: int) -> list[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    return stats_lines(pstats.Stats(profiler), limit=limit)


# ------------------------------------------------------------------ node --cpu-prof


def _area(url: str, function: str) -> str:
    """Coarse owner of a node frame: a package (and aws-cdk-lib module) or node itself."""
    if not url:
        return function if function.startswith("(") else "(native)"
    if url.startswith("node:"):
        return "node internals"
    path = url.removeprefix("file://")
    if url.startswith("wasm://"):
        return "wasm: @aws/cloudformation-validate (template validation)"
    if "@aws/cloudformation-validate" in path:
        return "@aws/cloudformation-validate (JS glue)"
    if "aws-cdk-lib/" in path:
        parts = [
            p
            for p in path.split("aws-cdk-lib/", 1)[1].split("/")
            if p and not p[0].isdigit() and not (len(p) == 64 and p.isalnum())
        ]
        module = parts[0] if parts else "?"
        if module == "core" and len(parts) > 3:
            return f"aws-cdk-lib/core/{'/'.join(parts[2:-1]) or parts[-1]}"
        return f"aws-cdk-lib/{module}"
    for marker, label in (
        ("cdk-nag/", "cdk-nag"),
        ("/constructs/", "constructs"),
        ("jsii-runtime", "jsii relay (jsii-runtime.js)"),
        ("/lib/program.js", "jsii kernel (program.js)"),
        ("lib__program", "jsii kernel (program.js)"),
        ("node_modules/aws-cdk/", "CDK CLI (aws-cdk)"),
        ("node_modules/npm/", "npm"),
    ):
        if marker in path:
            return label
    return path.rsplit("/", 2)[-2] if "/" in path else path


def read_cpuprofile(path: Path) -> tuple[float, Counter[str], Counter[str]]:
    """Total sampled seconds, self seconds per area, self seconds per function."""
    profile = json.loads(path.read_text(encoding="utf-8"))
    frames = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    per_area: Counter[str] = Counter()
    per_function: Counter[str] = Counter()
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = frames[node_id]
        seconds = max(delta, 0) / 1e6
        url, function = frame.get("url", ""), frame.get("functionName", "") or "(anonymous)"
        area = _area(url, function)
        per_area[area] += seconds
        short = url.rsplit("/", 1)[-1] if url else ""
        line = int(frame.get("lineNumber", -1)) + 1
        per_function[f"{function} [{area}] {short}:{line}" if short else function] += seconds
    total = (profile["endTime"] - profile["startTime"]) / 1e6
    return total, per_area, per_function


def _cpuprofile_section(title: str, files: Sequence[Path], *, limit: int) -> list[str]:
    lines = []
    for path in files:
        total, per_area, per_function = read_cpuprofile(path)
        busy = total - per_area.get("(idle)", 0.0)
        if busy < 0.1 * total:  # the CLI and jsii's relay mostly wait for their child
            lines += [
                "",
                f"{title}: {total:.1f} s profiled, {busy:.1f} s not idle "
                "(it mostly waits for its child process).",
            ]
            continue
        lines += [
            "",
            f"{title}: {total:.1f} s profiled, {busy:.1f} s not idle. Self time by area:",
            "",
            "| area | s | % |",
            "|---|---:|---:|",
            *(
                f"| {area} | {seconds:.2f} | {100 * seconds / total:.0f} |"
                for area, seconds in per_area.most_common(limit)
            ),
            "",
            "Top functions by self time:",
            "",
            "```",
            *(f"{seconds:7.2f} s  {name}" for name, seconds in per_function.most_common(limit)),
            "```",
        ]
    return lines


def profile_synth(
    variant: str,
    *,
    app_script: str,
    config: Path,
    scratch: Path,
    env: Mapping[str, str],
    python: Path,
    cwd: Path,
    timeout_s: float,
    vpcs: int,
    limit: int = 15,
) -> list[str]:
    """Synthesize once with every process profiled; markdown lines for the report."""
    base = scratch / f"profile-{variant}"
    cli_dir, jsii_dir, outdir = base / "cli", base / "jsii", base / "cdk.out"
    for folder in (cli_dir, jsii_dir):
        folder.mkdir(parents=True)
    python_profile = base / "app.pstats"
    wrapper = base / "node-cpu-prof"
    wrapper.write_text(f'#!/bin/sh\nexec node --cpu-prof --cpu-prof-dir="{jsii_dir}" "$@"\n')
    wrapper.chmod(0o755)
    command = [
        "node",
        "--cpu-prof",
        f"--cpu-prof-dir={cli_dir}",
        str(cwd / "node_modules" / "aws-cdk" / "bin" / "cdk"),
        "synth",
        "--quiet",
        "--no-notices",
        "--output",
        str(outdir),
        "--app",
        f"{python} -m cProfile -o {python_profile} {app_script}",
        "-c",
        f"config={config}",
    ]
    measured = run_measured(
        command, cwd=cwd, env={**env, "JSII_NODE": str(wrapper)}, timeout_s=timeout_s
    )
    if measured.returncode != 0 or measured.timed_out:
        tail = (measured.stdout + measured.stderr).strip().splitlines()[-20:]
        return ["", f"### Profile of {variant}: the profiled synth failed", "", *tail]
    stats = pstats.Stats(str(python_profile))
    total_python = max(row[3] for row in stats.stats.values())  # type: ignore[attr-defined]
    traffic = ", ".join(f"{kind} {count}" for kind, count in sorted(jsii_traffic(stats).items()))
    lines = [
        "",
        f"### Profile of {variant}: one synth of {vpcs} VPCs, every process profiled",
        "",
        f"Wall {measured.wall_s:.1f} s under the profilers (cProfile slows the Python side "
        f"down). Python app process: {total_python:.1f} s:",
        "",
        "| phase of the app process | cumulative s | calls |",
        "|---|---:|---:|",
        *(f"| {label} | {seconds:.2f} | {calls} |" for label, seconds, calls in app_phases(stats)),
        "",
        f"Python -> jsii kernel requests: {traffic}.",
        "",
        "Top by own time:",
        "",
        "```",
        *stats_lines(stats, limit=limit),
        "```",
        "",
        "Top by cumulative time:",
        "",
        "```",
        *stats_lines(stats, limit=limit, key="cumtime"),
        "```",
    ]
    lines += _cpuprofile_section(
        "CDK CLI node process", sorted(cli_dir.glob("*.cpuprofile")), limit=limit
    )
    lines += _cpuprofile_section(
        "jsii runtime node process", sorted(jsii_dir.glob("*.cpuprofile")), limit=limit
    )
    return lines
