"""Reads synthesized templates (never the config): what a deploy would change.

``diff(before, after)`` compares two cloud assemblies (``read_assembly(folder)``) and
reports, per stack, what is added, removed, changed in place, replaced or moved.
"""

from multivpc.analysis.assembly import Assembly, AssemblyError, StackTemplate, read_assembly
from multivpc.analysis.diff import (
    ACTIONS,
    ASSOCIATION_NOTE,
    GATEWAY_NOTE,
    Action,
    Change,
    Report,
    StackDiff,
    diff,
)
from multivpc.analysis.report import summary_line, to_json, to_json_data, to_markdown, to_text

__all__ = [
    "ACTIONS",
    "ASSOCIATION_NOTE",
    "GATEWAY_NOTE",
    "Action",
    "Assembly",
    "AssemblyError",
    "Change",
    "Report",
    "StackDiff",
    "StackTemplate",
    "diff",
    "read_assembly",
    "summary_line",
    "to_json",
    "to_json_data",
    "to_markdown",
    "to_text",
]
