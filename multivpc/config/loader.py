"""Reading a config file into a shape-valid ``NetworkConfig``, and mapping findings to lines.

This is the first half of ``multivpc.load.load_config`` (the only door in): YAML or JSON
text becomes a ``Document`` (the model plus where each key sits in the file), or a
``ConfigError`` with every shape finding. Cross-object rules run afterwards, in
``multivpc.load``, and ``Document.locate`` gives their findings line numbers.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from multivpc.config.findings import ConfigError, Finding, display_path
from multivpc.config.models import NetworkConfig

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Mappings whose keys are user data (account names, zone names), shown as [key].
_KEYED_MAPPINGS = {"accounts", "cidrs"}
_SCHEMA_HINT = "see schema/multivpc.schema.json for the allowed keys and values"


@dataclass(frozen=True)
class Document:
    """A shape-valid config and the YAML node tree it came from (for line numbers)."""

    source: str
    config: NetworkConfig
    node: yaml.Node | None

    def locate(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings with their lines in this file, in file order."""
        return _with_lines(findings, self.node)


def read_text(path: str | Path) -> tuple[str, str]:
    """The file's text and its name as the user wrote it; a ``ConfigError`` if unreadable."""
    path = Path(path)
    source = display_path(path)
    try:
        return path.read_text(encoding="utf-8"), source
    except OSError as error:
        raise ConfigError(
            source,
            [
                Finding(
                    (),
                    f"cannot read the file ({error.strerror or error})",
                    "check the path and permissions",
                )
            ],
        ) from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            source,
            [Finding((), f"the file is not UTF-8 text ({error.reason})", "save it as UTF-8")],
        ) from None


def parse_document(text: str, source: str = "<config>") -> Document:
    """YAML or JSON text to a shape-valid ``Document``, or a ``ConfigError``."""
    with cyclic_gc_paused():
        return _parse_document(text, source)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Loading builds many small acyclic objects; the cyclic collector would walk them
    again and again (a quarter of the time for a 1,000-VPC file) and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_document(text: str, source: str) -> Document:
    node, data = _parse_yaml(text, source)
    duplicates = _duplicate_keys(node)
    if duplicates:
        raise ConfigError(source, duplicates)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}, not a mapping"
        raise ConfigError(
            source, [Finding((), f"the document is {kind}", "start from an example in examples/")]
        )
    try:
        config = NetworkConfig.model_validate(data)
    except ValidationError as error:
        findings = [_from_pydantic(detail, data) for detail in error.errors()]
        raise ConfigError(source, _with_lines(findings, node)) from None
    return Document(source, config, node)


def _parse_yaml(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = f"YAML syntax error: {error.problem or error.context}"
        raise ConfigError(
            source, [Finding((), problem, "fix the YAML syntax at that line", line=line)]
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(
            source, [Finding((), f"YAML error: {error}", "fix the YAML syntax")]
        ) from None
    finally:
        loader.dispose()
    return node, data


def _duplicate_keys(node: yaml.Node | None) -> list[Finding]:
    """YAML keeps the last of two equal keys silently; a config must not lose a setting."""
    findings = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    findings.append(
                        Finding(
                            (),
                            f"key {key} appears twice (lines {seen[key]} and {line})",
                            "keep one of them",
                            line=line,
                        )
                    )
                seen.setdefault(key, line)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(findings, key=lambda finding: finding.line or 0)


def _item_label(item: Any, index: int) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    return f"[{name}]" if isinstance(name, str) else f"[{index}]"


def _readable_path(loc: Sequence[int | str], data: Any) -> tuple[str, ...]:
    parts: list[str] = []
    current = data
    parent_key = ""
    for element in loc:
        if isinstance(element, int) and isinstance(current, list) and element < len(current):
            parts.append(_item_label(current[element], element))
            current = current[element]
        elif isinstance(element, str) and element == "[key]":
            continue
        elif isinstance(element, str):
            parts.append(f"[{element}]" if parent_key in _KEYED_MAPPINGS else element)
            current = current.get(element) if isinstance(current, dict) else None
            parent_key = element
        else:
            parts.append(f"[{element}]")
            current = None
    return tuple(parts)


def _from_pydantic(detail: ErrorDetails, data: Any) -> Finding:
    path = _readable_path(detail["loc"], data)
    kind = detail["type"]
    last = str(detail["loc"][-1]) if detail["loc"] else ""
    message = detail["msg"].removeprefix("Value error, ")
    if kind == "missing":
        where = " (or under defaults)" if last in {"account", "region"} else ""
        return Finding(path, f"{last} is missing", f"add {last}{where}")
    if kind == "extra_forbidden":
        return Finding(
            path, f"unknown key {last}", f"remove it or fix its spelling; {_SCHEMA_HINT}"
        )
    if kind == "string_pattern_mismatch":
        return Finding(path, f"{detail['input']!r} is not valid here", _pattern_fix(path, last))
    if kind == "literal_error":
        return Finding(
            path, f"{detail['input']!r} is not allowed", message[0].lower() + message[1:]
        )
    if "; " in message:
        problem, fix = message.split("; ", 1)
        return Finding(path, problem, fix)
    return Finding(path, message, _SCHEMA_HINT)


def _pattern_fix(path: tuple[str, ...], last: str) -> str:
    if len(path) >= 2 and path[-2] == "accounts":
        return "write the 12-digit account id, in quotes"
    if last == "region":
        return "write a region name such as us-east-1"
    if "zones" in last or "zone" in last or (path[-1].startswith("[") and "cidrs" in path):
        return "write an explicit zone name such as us-east-1a"
    return "use lowercase letters, digits and dashes, starting with a letter"


def _line_map(node: yaml.Node | None) -> dict[tuple[str, ...], int]:
    lines: dict[tuple[str, ...], int] = {}

    def walk(current: yaml.Node, path: tuple[str, ...], parent_key: str) -> None:
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                key = str(key_node.value)
                child = (*path, f"[{key}]" if parent_key in _KEYED_MAPPINGS else key)
                lines.setdefault(child, key_node.start_mark.line + 1)
                walk(value_node, child, key)
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                label = f"[{index}]"
                if isinstance(item, yaml.MappingNode):
                    for key_node, value_node in item.value:
                        if key_node.value == "name" and isinstance(value_node, yaml.ScalarNode):
                            label = f"[{value_node.value}]"
                elif isinstance(item, yaml.ScalarNode):
                    lines.setdefault((*path, f"[{item.value}]"), item.start_mark.line + 1)
                lines.setdefault((*path, label), item.start_mark.line + 1)
                walk(item, (*path, label), parent_key)

    if node is not None:
        walk(node, (), "")
    return lines


def _with_lines(findings: Iterable[Finding], node: yaml.Node | None) -> list[Finding]:
    lines = _line_map(node)
    located = []
    for finding in findings:
        line = None
        for end in range(len(finding.path), 0, -1):
            line = lines.get(finding.path[:end])
            if line is not None:
                break
        located.append(replace(finding, line=line))
    return sorted(located, key=lambda finding: finding.line or 0)
