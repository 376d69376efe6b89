"""A diff report as aligned text (terminals), markdown (pull requests) or JSON (machines)."""

from __future__ import annotations

import json
from typing import Any

from multivpc.analysis.diff import ACTIONS, Action, Change, Report, StackDiff

DETAIL_INDENT = "    "
"""Where a property's differences start in text (they are indented two more)."""

_PHRASES: dict[Action, str] = {
    "move": "moved",
    "remove": "removed",
    "replace": "replaced",
    "may-replace": "may be replaced",
    "update": "changed in place",
    "add": "added",
}


def summary_line(report: Report) -> str:
    """``2 replaced, 1 changed in place, 4 added``; ``no changes`` when nothing differs."""
    counts = report.counts()
    parts = [f"{counts[action]} {_PHRASES[action]}" for action in ACTIONS if counts[action]]
    return ", ".join(parts) if parts else "no changes"


def verdict_line(report: Report) -> str:
    blocking = report.blocking
    if not blocking:
        allowed = sum(1 for c in report.changes if c.allowed)
        extra = f" ({allowed} allowed by --allow-replace)" if allowed else ""
        return f"ok: nothing removed or replaced{extra}"
    names = ", ".join(f"{c.stack}/{c.logical_id}" for c in blocking[:8])
    more = f" and {len(blocking) - 8} more" if len(blocking) > 8 else ""
    return (
        f"blocked: {len(blocking)} removed or replaced: {names}{more}; "
        "if intended, name each with --allow-replace LOGICAL_ID"
    )


def _label(change: Change) -> str:
    if change.action == "move":
        return "move in" if change.incoming else "move out"
    return change.action + (" (allowed)" if change.allowed else "")


def _stack_heading(stack: StackDiff) -> str:
    counts: dict[Action, int] = dict.fromkeys(ACTIONS, 0)
    for change in stack.changes:
        counts[change.action] += 1
    parts = [f"{counts[a]} {_PHRASES[a]}" for a in ACTIONS if counts[a]]
    state = {"added": "new stack", "removed": "stack removed"}.get(stack.status)
    detail = ", ".join([*([state] if state else []), *parts])
    return f"{stack.name} ({stack.environment}): {detail or 'no changes'}"


# -- text --------------------------------------------------------------------------------
def to_text(report: Report, *, show_added: bool = True) -> str:
    lines = [f"multivpc diff {report.before} -> {report.after}"]
    unchanged = [s.name for s in report.stacks if not s.changes]
    for stack in report.stacks:
        if not stack.changes:
            continue
        lines.append("")
        lines.append(_stack_heading(stack))
        rows = [c for c in stack.changes if show_added or c.action != "add"]
        widths = [
            max((len(_label(c)) for c in rows), default=0),
            max((len(c.resource_type) for c in rows), default=0),
            max((len(c.logical_id) for c in rows), default=0),
        ]
        indent = "  " + " " * (sum(widths) + 6)
        for change in rows:
            reasons = list(change.reasons) or [""]
            head = (
                f"  {_label(change):<{widths[0]}}  {change.resource_type:<{widths[1]}}  "
                f"{change.logical_id:<{widths[2]}}  {reasons[0]}"
            )
            lines.append(head.rstrip())
            # A property's structural differences ("  + item") nest under the row, at a
            # fixed indent, so that they fit a terminal; further reasons keep the column.
            lines.extend(
                (DETAIL_INDENT if reason.startswith("  ") else indent) + reason
                for reason in reasons[1:]
            )
            lines.extend(indent + "note: " + note for note in change.notes)
    if unchanged:
        lines.append("")
        lines.append("unchanged: " + ", ".join(unchanged))
    lines.append("")
    lines.append(f"summary: {summary_line(report)}")
    for name in report.unused_allowances:
        lines.append(f"warning: --allow-replace {name} names nothing removed or replaced")
    lines.append(verdict_line(report))
    return "\n".join(lines) + "\n"


# -- markdown ------------------------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    lines = [
        "## multivpc diff",
        "",
        f"`{report.before}` → `{report.after}`: {summary_line(report)}",
        "",
        f"**{verdict_line(report)}**",
    ]
    unchanged = [s.name for s in report.stacks if not s.changes]
    for stack in report.stacks:
        if not stack.changes:
            continue
        lines += ["", f"### {_cell(_stack_heading(stack))}", ""]
        lines += ["| action | type | logical id | why |", "|---|---|---|---|"]
        for change in stack.changes:
            label = _label(change)
            if change.blocking:
                label = f"**{label}**"
            why = [*change.reasons, *(f"⚠️ {note}" for note in change.notes)]
            lines.append(
                f"| {label} | `{change.resource_type}` | `{change.logical_id}` | "
                f"{'<br>'.join(_cell(w) for w in why)} |"
            )
    if unchanged:
        lines += ["", "Unchanged: " + ", ".join(f"`{name}`" for name in unchanged)]
    for name in report.unused_allowances:
        lines += ["", f"Warning: `--allow-replace {name}` names nothing removed or replaced."]
    return "\n".join(lines) + "\n"


# -- JSON ----------------------------------------------------------------------------------
def to_json_data(report: Report) -> dict[str, Any]:
    counts = report.counts()
    return {
        "before": report.before,
        "after": report.after,
        "exit_code": report.exit_code,
        "summary": {
            **{action.replace("-", "_"): counts[action] for action in ACTIONS},
            "blocking": len(report.blocking),
        },
        "blocking": [
            {"stack": c.stack, "logical_id": c.logical_id, "action": c.action}
            for c in report.blocking
        ],
        "unused_allowances": list(report.unused_allowances),
        "stacks": [
            {
                "name": stack.name,
                "environment": stack.environment,
                "status": stack.status,
                "changes": [_change_data(change) for change in stack.changes],
            }
            for stack in report.stacks
        ],
    }


def _change_data(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = {
        "logical_id": change.logical_id,
        "type": change.resource_type,
        "action": change.action,
        "reasons": list(change.reasons),
        "notes": list(change.notes),
        "allowed": change.allowed,
        "blocking": change.blocking,
    }
    if change.values:
        data["values"] = [
            {"property": name, "before": before, "after": after}
            for name, before, after in change.values
        ]
    if change.action == "move":
        data["from_stack" if change.incoming else "to_stack"] = change.other_stack
    return data


def to_json(report: Report) -> str:
    return json.dumps(to_json_data(report), indent=2) + "\n"
