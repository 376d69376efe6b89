"""Reading a config file into a shape-valid ``NetworkConfig``, and mapping findings to lines.

This is the first half of ``multivpc.load.load_config`` (the only door in): YAML or JSON
text becomes a ``Document`` (the model plus where each key sits in the file), or a
``ConfigError`` with every shape finding. Cross-object rules run afterwards, in
``multivpc.load``, and ``Document.locate`` gives their findings line numbers.

A file whose name ends in ``.json`` is JSON: the json module parses it (so a trailing
comma is an error, with its line and column), and the YAML composer, which reads JSON
too, gives its lines. Anything else is YAML.

Every step is bounded before it runs, so a hostile file costs little: the text is at
most ``MAX_BYTES``; one pass over the YAML events (no tree built yet) refuses nesting
deeper than ``MAX_DEPTH``, more than ``MAX_VALUES`` values, recursive aliases, and
aliases that repeat more than ``MAX_REPEATED`` values (a "billion laughs" file is a few
hundred bytes whose aliases expand to billions of values). Only then is the node tree
composed, and it never holds more than those limits allow.
"""

from __future__ import annotations

import difflib
import gc
import json
import os
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from multivpc.config.findings import ConfigError, Finding, display_path, shown, with_lines
from multivpc.config.models import NetworkConfig

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Mappings whose keys are user data (account names, zone names), shown as [key].
_KEYED_MAPPINGS = {"accounts", "cidrs", "tags"}
_SCHEMA_HINT = "see schema/multivpc.schema.json for the allowed keys and values"

MAX_BYTES = 5 * 1024 * 1024
"""The largest config file: a 1,000-VPC network takes about 0.4 MiB."""
MAX_DEPTH = 32
"""The deepest nesting of collections; a config needs 7 levels."""
MAX_VALUES = 500_000
"""The most values (keys, scalars and collections, counting what aliases repeat) in one
document; a 1,000-VPC network holds about 52,000."""
MAX_REPEATED = 100_000
"""The most values that aliases (``*name``, ``<<: *name``) may repeat in one document."""

_INT_TAG = "tag:yaml.org,2002:int"
_YAML_OCTAL = re.compile(r"[-+]?0[0-7_]+")
# A model validator's message may start with "KEY: " to point its finding at that key.
_KEY_PREFIX = re.compile(r"^([a-z_]+): ")


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
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                size = max(len(raw), os.fstat(file.fileno()).st_size)
                raise ConfigError(source, [_too_large(size)])
        # As read_text(): universal newlines, so lines count the same in YAML and JSON.
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
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
    return text, source


def _too_large(size: int) -> Finding:
    return Finding(
        (),
        f"the file is {size / 2**20:.1f} MiB ({size:,} bytes), more than the limit of "
        f"{MAX_BYTES // 2**20} MiB",
        "check that it is the right file; a 1,000-VPC network takes about 0.4 MiB",
    )


def parse_document(text: str, source: str = "<config>") -> Document:
    """YAML or JSON text to a shape-valid ``Document``, or a ``ConfigError``.

    ``source`` names the text in findings; when it ends in ``.json`` the text is JSON.
    """
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
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ConfigError(source, [_too_large(size)])
    if source.lower().endswith(".json"):
        node, data = _parse_json(text, source)
    else:
        node, data = _parse_yaml(text, source)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}, not a mapping"
        raise ConfigError(
            source, [Finding((), f"the document is {kind}", "start from an example in examples/")]
        )
    misread = _misread_account_ids(node, data)
    try:
        config = NetworkConfig.model_validate(data)
    except ValidationError as error:
        # A misread account id also fails its pattern; its own finding says why.
        seen = {finding.path for finding in misread}
        findings = [_from_pydantic(detail, data) for detail in error.errors()]
        findings = [*misread, *(f for f in findings if f.path not in seen)]
        raise ConfigError(source, _with_lines(findings, node)) from None
    if misread:
        raise ConfigError(source, _with_lines(misread, node))
    return Document(source, config, node)


def _parse_yaml(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    loader = _Loader(text)
    try:
        _check_structure(text, source)
        node = loader.get_single_node()
        # Before constructing: construction folds merge keys (<<) into their mappings.
        duplicates = _duplicate_keys(node)
        if duplicates:
            raise ConfigError(source, duplicates)
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


def _parse_json(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    text = text.removeprefix("\ufeff")  # a byte order mark, as some editors write
    repeated: list[str] = []

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                repeated.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=mapping)
    except json.JSONDecodeError as error:
        raise ConfigError(source, [_json_syntax_error(text, error)]) from None
    except RecursionError:
        raise ConfigError(source, [_too_deep(None)]) from None
    node = _json_node_tree(text, source)
    if repeated:
        raise ConfigError(
            source,
            _duplicate_keys(node)
            or [
                Finding((), f"key {shown(key)} appears twice", "keep one of them")
                for key in dict.fromkeys(repeated)
            ],
        )
    return node, data


def _json_node_tree(text: str, source: str) -> yaml.Node | None:
    """The YAML node tree of JSON text, for line numbers; None in the rare cases where
    YAML reads JSON differently (keys over 1,024 characters, surrogate escapes, ...):
    findings then come without lines."""
    loader = _Loader(text)
    try:
        _check_structure(text, source)
        return loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def _json_syntax_error(text: str, error: json.JSONDecodeError) -> Finding:
    position = error.pos
    problem = error.msg[:1].lower() + error.msg[1:]
    fix = "fix the JSON syntax at that line"
    before = text[:position].rstrip()
    if text[position : position + 1] in ("}", "]") and before.endswith(","):
        position = len(before) - 1
        problem = f"a trailing comma before {text[error.pos]}"
        fix = "remove the comma (JSON allows no trailing commas)"
    elif text.startswith(("//", "/*", "#"), position):
        problem = "a comment"
        fix = "remove it (JSON has no comments; YAML does, in a .yaml file)"
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return Finding((), f"JSON syntax error at column {column}: {problem}", fix, line=line)


def _check_structure(text: str, source: str) -> None:
    """Refuse, from the event stream alone, what would make composing or anything after
    it slow or deep: see the module docstring. A ``ConfigError`` on the first excess."""
    loader = _Loader(text)
    try:
        finding = _structure_finding(loader)
    finally:
        loader.dispose()
    if finding is not None:
        raise ConfigError(source, [finding])


def _structure_finding(loader: yaml.SafeLoader) -> Finding | None:
    get_event: Callable[[], Any] = loader.get_event  # untyped in types-PyYAML
    scalar, alias, end = yaml.ScalarEvent, yaml.AliasEvent, yaml.StreamEndEvent
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    # values counts every value so far, aliases counted as what they repeat, so a
    # collection stands for the values counted between its start and its end.
    values = repeated = 0
    open_: list[tuple[str | None, int]] = []  # (anchor, values before it) per open collection
    sizes: dict[str, int | None] = {}  # anchor -> the values it stands for; None while open
    while True:
        event = get_event()
        kind = event.__class__
        if kind is scalar:
            values += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif kind in starts:
            if len(open_) == MAX_DEPTH:
                return _too_deep(event.start_mark.line + 1)
            if event.anchor is not None:
                sizes[event.anchor] = None
            open_.append((event.anchor, values))
            values += 1
        elif kind is alias:
            size = sizes.get(event.anchor, 0)  # 0: undefined, which the composer reports
            if size is None:
                return Finding(
                    (),
                    f"alias *{shown(event.anchor)} refers to a collection that contains it "
                    "(a recursive alias)",
                    "point it at an anchor outside that collection, or write the values out",
                    line=event.start_mark.line + 1,
                )
            values += size
            repeated += size
            if repeated > MAX_REPEATED:
                return Finding(
                    (),
                    f"aliases repeat more than {MAX_REPEATED:,} values, the limit that "
                    f"stops alias bombs (here *{shown(event.anchor)})",
                    "write the shared values out, or reuse anchors less",
                    line=event.start_mark.line + 1,
                )
        elif kind is end:
            return None
        elif kind in ends:
            anchor, before = open_.pop()
            if anchor is not None:
                sizes[anchor] = values - before
        if values > MAX_VALUES:
            return Finding(
                (),
                f"the document holds more than {MAX_VALUES:,} values",
                "check that it is the right file; a 1,000-VPC network holds about 52,000",
                line=event.start_mark.line + 1,
            )


def _too_deep(line: int | None) -> Finding:
    return Finding(
        (),
        f"the document nests more than {MAX_DEPTH} levels deep",
        "remove the extra nesting; a config needs 7 levels",
        line=line,
    )


def _misread_account_ids(node: yaml.Node | None, data: dict[str, Any]) -> list[Finding]:
    """Unquoted account ids that YAML 1.1 read as another number than they show: with a
    leading 0 as octal (012345670123 is 1402433619), 0x... as hex, 1:30 as base 60."""
    if not isinstance(node, yaml.MappingNode) or not isinstance(data.get("accounts"), dict):
        return []
    findings = []
    for key_node, value_node in node.value:
        if key_node.value != "accounts" or not isinstance(value_node, yaml.MappingNode):
            continue
        for name_node, id_node in value_node.value:
            value = data["accounts"].get(name_node.value)
            text = id_node.value
            if (
                not isinstance(id_node, yaml.ScalarNode)
                or id_node.tag != _INT_TAG
                or id_node.style  # quoted (CParser marks plain scalars with "")
                or not isinstance(value, int)
                or str(value) == text.replace("_", "").removeprefix("+")
            ):
                continue
            kind = "the octal number" if _YAML_OCTAL.fullmatch(text) else "the number"
            findings.append(
                Finding(
                    ("accounts", f"[{name_node.value}]"),
                    f"YAML reads the unquoted {shown(text)} as {kind} {shown(value)}",
                    f'write it in quotes: "{shown(text)}"',
                )
            )
    return findings


def _duplicate_keys(node: yaml.Node | None) -> list[Finding]:
    """YAML keeps the last of two equal keys silently; a config must not lose a setting.

    Each mapping is checked once, however many aliases repeat it."""
    findings = []
    stack = [node] if node is not None else []
    checked: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in checked:
            continue
        checked.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                stack.append(value_node)
                if not isinstance(key_node, yaml.ScalarNode):
                    continue  # a collection as key: construction refuses it
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    findings.append(
                        Finding(
                            (),
                            f"key {shown(key)} appears twice (lines {seen[key]} and {line})",
                            "keep one of them",
                            line=line,
                        )
                    )
                seen.setdefault(key, line)
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


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation may hold, through unions, lists, dicts and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def known_keys(loc: Sequence[int | str]) -> list[str]:
    """The keys the config allows where ``loc`` (pydantic's location of an unknown key)
    puts the key: the fields of the model at its parent (several models where a union
    allows them). A list index or a name in a mapping keeps the models it is under."""
    models: list[type[BaseModel]] = [NetworkConfig]
    for element in loc[:-1]:
        if not isinstance(element, str):
            continue
        inner = [
            model
            for parent in models
            if (field := parent.model_fields.get(element)) is not None
            for model in _models_in(field.annotation)
        ]
        models = inner or models
    return sorted({key for model in models for key in model.model_fields})


def _unknown_key_fix(loc: Sequence[int | str], key: str) -> str:
    close = difflib.get_close_matches(key, known_keys(loc), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    return f"{hint}remove it or fix its spelling; {_SCHEMA_HINT}"


def _from_pydantic(detail: ErrorDetails, data: Any) -> Finding:
    path = _readable_path(detail["loc"], data)
    kind = detail["type"]
    last = str(detail["loc"][-1]) if detail["loc"] else ""
    value = detail["input"]
    message = detail["msg"].removeprefix("Value error, ")
    if kind == "missing":
        where = " (or under defaults)" if last in {"account", "region"} else ""
        return Finding(path, f"{last} is missing", f"add {last}{where}")
    if kind == "extra_forbidden":
        return Finding(path, f"unknown key {shown(last)}", _unknown_key_fix(detail["loc"], last))
    if kind == "string_too_long":
        limit = (detail.get("ctx") or {}).get("max_length")
        return Finding(
            path, f"{len(value)} characters long, more than the limit of {limit}", "shorten it"
        )
    if kind == "string_pattern_mismatch":
        fix = _name_fix() if last == "[key]" else _pattern_fix(path, last)
        return Finding(path, f"{_quoted(value)} is not valid here", fix)
    if kind == "literal_error":
        return Finding(path, f"{_quoted(value)} is not allowed", message[0].lower() + message[1:])
    if isinstance(value, str) and len(value) > len(shown(value)):
        message = message.replace(repr(value), _quoted(value)).replace(value, shown(value))
    key = _KEY_PREFIX.match(message)
    if kind == "value_error" and key and isinstance(value, dict) and key[1] in value:
        # A model validator's message about one of its keys: point at that key.
        path, message = (*path, key[1]), message[key.end() :]
    if "; " in message:
        problem, fix = message.split("; ", 1)
        return Finding(path, problem, fix)
    return Finding(path, message, _SCHEMA_HINT)


def _quoted(value: Any) -> str:
    return repr(shown(value)) if isinstance(value, str) else shown(repr(value))


def _name_fix() -> str:
    return "use lowercase letters, digits and dashes, starting with a letter"


def _pattern_fix(path: tuple[str, ...], last: str) -> str:
    if len(path) >= 2 and path[-2] == "accounts":
        return "write the 12-digit account id, in quotes"
    if last == "region":
        return "write a region name such as us-east-1"
    if "zones" in last or "zone" in last or (path[-1].startswith("[") and "cidrs" in path):
        return "write an explicit zone name such as us-east-1a"
    return _name_fix()


def _line_map(node: yaml.Node | None) -> dict[tuple[str, ...], int]:
    lines: dict[tuple[str, ...], int] = {}

    def walk(current: yaml.Node, path: tuple[str, ...], parent_key: str) -> None:
        if isinstance(current, yaml.MappingNode):
            # Last first: of a key merged in (<<: *anchor) and the same key written out
            # after it, the one written out wins, as it does in the constructed data.
            for key_node, value_node in reversed(current.value):
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
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
    return with_lines(findings, _line_map(node))
