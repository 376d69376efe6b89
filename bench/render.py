#!/usr/bin/env python3
"""Render bench/RESULTS.md from bench/results.json: a fixed template filled from the data.

``python bench/render.py [RESULTS_JSON [RESULTS_MD]]`` re-renders without measuring again.
Findings written by hand live in bench/FINDINGS.md, never in the rendered file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
APPS = ("multivpc", "baseline")


def table(header: list[str], rows: list[list[Any]], align: str = "") -> list[str]:
    align = align or "-" * len(header)
    marks = {"-": "---", "r": "---:", "c": ":---:"}
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(marks[a] for a in align) + "|",
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows),
    ]


def render(results: dict[str, Any], findings: str = "FINDINGS.md") -> str:
    """``findings``: the link to FINDINGS.md from where the rendered file goes."""
    method = results["method"]
    code = results["code"]
    code_line = (
        code["start"]
        if code["start"] == code["end"]
        else f"{code['start']} (at the end: {code['end']})"
    )
    target = method["target_ratio_max"]
    synth, hub = results.get("synth", []), results.get("hub_synth", [])
    hub_apps = method.get("hub_apps", {})
    estates = [
        *(
            [
                f"- VPC estate (`bench/estate.py`, `write_config`): N VPCs of 3 AZs with "
                "public, private and isolated subnet groups, a NAT gateway per AZ and flow "
                "logs; one stack per VPC. "
                f"N = {', '.join(map(str, method['sizes']))}. Baseline "
                f"`{method['apps']['baseline']}`."
            ]
            if synth
            else []
        ),
        *(
            [
                "- Hub-and-spoke estate (`bench/estate.py`, `write_hub_config`): N VPCs "
                "attached to one Transit Gateway in the network account (hub stack: gateway, "
                "a route table per segment, RAM share, published id); 2 shared-services VPCs "
                "in that account, the others round-robin in segments prod, dev (both reach "
                "shared and themselves; summary routes) and sandbox (isolated, reaches "
                "shared; a route per reachable VPC), each segment's VPCs in 2 accounts of "
                "their own, so their ids cross accounts (SSM parameter, reader role, "
                "custom resource); 3 AZs of isolated app and transit groups, flow logs; "
                "routing stacks (associations, propagations, static routes) sharded by "
                f"VPC name. N = {', '.join(map(str, method.get('hub_sizes', [])))}. "
                f"Baseline `{hub_apps.get('baseline', '?')}`."
            ]
            if hub
            else []
        ),
    ]
    lines = [
        "# Synth benchmark results",
        "",
        "Rendered by `bench/render.py` from `results.json`, which `bench/synth_bench.py` "
        f"(`make bench`) wrote on {results['date']} after {results['total_s'] / 60:.1f} min. "
        f"Do not edit; findings written by hand are in [FINDINGS.md]({findings}).",
        "",
        "## Machine",
        "",
        *table(
            ["", ""],
            [
                *([key, value] for key, value in results["machine"].items()),
                ["multivpc code", code_line],
                [
                    "load average (start / end)",
                    f"{results['load_average']['start']} / {results['load_average']['end']}",
                ],
            ],
        ),
        "",
        "## Method",
        "",
        *estates,
        f"- Apps: multivpc `{method['apps']['multivpc']}` and a hand-written aws-cdk-lib "
        "baseline per estate (no multivpc import), both with CDK's "
        "template validation on and cdk-nag's AwsSolutions pack.",
        f"- Each synth: `{method['command']}` from the repository root (cdk.json's feature "
        "flags apply to both), environment "
        + ", ".join(f"`{k}={v}`" for k, v in method["environment"].items())
        + ", no AWS credentials or config.",
        f"- Order: {'one discarded warm-up synth per app, then ' if method['warmup'] else ''}"
        f"{method['order']}, {method['runs']} run(s) per app and N; medians reported.",
        "- Wall time: spawning `npx` to its exit. CPU time: user + system time of every "
        "process of the run's session (npx, CDK CLI, Python app, jsii runtime), each at its "
        "last sample; it counts the work done and is the steadier measure when other work "
        "loads the machine. Peak RSS: highest sum of the RSS of those processes. Both "
        f"sampled every {method['sample_interval_ms']} ms from /proc.",
        "- Check: per stack, the count of each resource type must be the same for both apps, "
        "and every plugin in both validation reports must conclude `success` (a plugin with "
        "no finding and no acknowledgement is left out of the report).",
        "",
    ]
    if synth:
        lines += synth_section("Synth: multivpc vs. baseline (VPC estate)", synth, target)
    if hub:
        lines += synth_section("Synth: multivpc vs. baseline (hub-and-spoke estate)", hub, target)
    for key, title in (
        ("validate", "config"),
        ("hub_validate", "hub-and-spoke config"),
        ("attachments_validate", "one-segment config (every VPC attached)"),
    ):
        if key in results:
            lines += validate_section(results[key], title)
    if "shard_growth" in results:
        lines += growth_section(results["shard_growth"])
    return "\n".join(lines)


def growth_section(growth: dict[str, Any]) -> list[str]:
    """The hub estate grown across a routing shard boundary, with its lock: what
    `multivpc diff` reports (no moves, no replacements expected)."""
    before, after = growth["vpcs"]
    summary = growth["summary"]
    return [
        "",
        f"## Growth across a routing shard boundary: {before} -> {after} hub-estate VPCs",
        "",
        "Each side's lock written by `multivpc plan --write-lock` (the second from the "
        "first's), then `multivpc diff BEFORE AFTER`: routing shards are locked, so the growth "
        "adds a routing stack and moves nothing.",
        "",
        *table(
            [
                "exit",
                "moves",
                "replacements",
                "added",
                "updated",
                "routing stacks before",
                "after",
                "diff s",
            ],
            [
                [
                    growth["exit_status"],
                    summary.get("move", 0),
                    summary.get("replace", 0) + summary.get("may_replace", 0),
                    summary.get("add", 0),
                    summary.get("update", 0),
                    ", ".join(growth["routing_stacks"]["before"]),
                    ", ".join(growth["routing_stacks"]["after"]),
                    growth["diff_s"],
                ]
            ],
        ),
    ]


def synth_section(title: str, synth: list[dict[str, Any]], target: float) -> list[str]:
    cpu = all("cpu_s" in size["ratio"] for size in synth)  # results before CPU time lack it
    loads = all("load_average" in size for size in synth)
    keys = ("wall_s", "cpu_s", "peak_rss_mib") if cpu else ("wall_s", "peak_rss_mib")
    return [
        f"## {title}",
        "",
        f"Target: ratio multivpc/baseline <= {target} (reported, not asserted).",
        "",
        *table(
            [
                "VPCs",
                "stacks",
                "resources",
                "same resources per stack",
                "multivpc s",
                "baseline s",
                "time ratio",
                *(["multivpc CPU s", "baseline CPU s", "CPU ratio"] if cpu else []),
                "multivpc MiB",
                "baseline MiB",
                "memory ratio",
            ],
            [
                [
                    size["vpcs"],
                    " / ".join(dict.fromkeys(str(size["stacks"][a]) for a in APPS)),
                    " / ".join(
                        dict.fromkeys(str(sum(size["resource_types"][a].values())) for a in APPS)
                    ),
                    "yes" if size["same_resources_per_stack"] else "**no**",
                    *(f"{size['median'][a]['wall_s']:.1f}" for a in APPS),
                    mark(size["ratio"]["wall_s"], target),
                    *(
                        [
                            *(f"{size['median'][a]['cpu_s']:.1f}" for a in APPS),
                            mark(size["ratio"]["cpu_s"], target),
                        ]
                        if cpu
                        else []
                    ),
                    *(f"{size['median'][a]['peak_rss_mib']:.0f}" for a in APPS),
                    mark(size["ratio"]["peak_rss_mib"], target),
                ]
                for size in synth
            ],
            "rrrc" + "r" * (9 if cpu else 6),
        ),
        "",
        "Spread over the runs (min-max):",
        "",
        *table(
            [
                "VPCs",
                "runs",
                "multivpc s",
                "baseline s",
                *(["multivpc CPU s", "baseline CPU s"] if cpu else []),
                "multivpc MiB",
                "baseline MiB",
                *(["load average (start / end)"] if loads else []),
            ],
            [
                [size["vpcs"], len(size["runs"]["multivpc"])]
                + [spread(size["runs"][a], key) for key in keys for a in APPS]
                + (
                    [f"{size['load_average']['start']} / {size['load_average']['end']}"]
                    if loads
                    else []
                )
                for size in synth
            ],
            "rr" + "r" * 2 * len(keys) + ("-" if loads else ""),
        ),
        "",
        f"Resource types at N={synth[0]['vpcs']}: "
        + ", ".join(
            f"{t.removeprefix('AWS::')} {n}"
            for t, n in synth[0]["resource_types"]["multivpc"].items()
        )
        + ".",
        *(
            ["", "**Problems:**", "", *(f"- {p}" for p in problems(synth))]
            if problems(synth)
            else []
        ),
        "",
    ]


def validate_section(validate: dict[str, Any], what: str) -> list[str]:
    smallest = validate.get("smallest_vpcs", 1)
    return [
        f"## Validating a {validate['vpcs']:,}-VPC {what}",
        "",
        f"`{validate['command']}` (read, parse, validate with every rule, plan; in a new "
        f"process): median **{validate['median_s']:.2f} s** over "
        f"{len(validate['runs'][str(validate['vpcs'])])} run(s); the same on {smallest} "
        f"VPC{'s' if smallest > 1 else ''} (start-up and imports) "
        f"{validate['median_1_vpc_s']:.2f} s, so loading the "
        f"{validate['vpcs']:,} VPCs takes about **{validate['load_s']:.2f} s**.",
        "",
        f"Its output: `{validate['output']}`",
        "",
    ]


def mark(ratio: float, target: float) -> str:
    return f"{ratio:.3f}" if ratio <= target else f"**{ratio:.3f}**"


def spread(runs: list[dict[str, float]], key: str) -> str:
    values = [run[key] for run in runs]
    digits = 0 if key == "peak_rss_mib" else 1
    return f"{min(values):.{digits}f}-{max(values):.{digits}f}"


def problems(synth: list[dict[str, Any]]) -> list[str]:
    """What makes a run's comparison invalid; also decides synth_bench.py's exit status."""
    found = []
    for size in synth:
        where = f"{'hub ' if size.get('estate') == 'hub' else ''}N={size['vpcs']}"
        if not size["same_resources_per_stack"]:
            stacks = ", ".join(size["differing_stacks"][:5])
            found.append(f"{where}: resource types differ in {stacks}")
        for app, plugins in size["validation"].items():
            if any(conclusion != "success" for conclusion in plugins.values()):
                found.append(f"{where}: {app}'s validation report says {plugins}")
        if not size["templates_identical_across_runs"]:
            found.append(f"{where}: templates changed between runs of one app")
    return found


def all_problems(results: dict[str, Any]) -> list[str]:
    """The problems of every estate's results."""
    found = problems(results.get("synth", []) + results.get("hub_synth", []))
    growth = results.get("shard_growth")
    if growth and (growth["summary"].get("move") or growth["summary"].get("replace")):
        found.append(
            f"growth {growth['vpcs'][0]} -> {growth['vpcs'][1]} VPCs moves or replaces: "
            f"{growth['summary']}"
        )
    return found


def write(results_json: Path, results_md: Path) -> None:
    results = json.loads(results_json.read_text(encoding="utf-8"))
    findings = os.path.relpath(BENCH / "FINDINGS.md", results_md.resolve().parent)
    results_md.write_text(render(results, findings), encoding="utf-8")


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else BENCH / "results.json"
    write(source, Path(argv[1]) if len(argv) > 1 else source.with_name("RESULTS.md"))


if __name__ == "__main__":
    main(sys.argv[1:])
