"""Property values as CloudFormation will see them, evaluated as far as a template allows.

A value is a JSON scalar (as a string: CloudFormation compares ``80`` and ``"80"`` alike),
a list, a dict, or one of the markers below. ``Ref``/``Fn::GetAtt`` of a resource become a
``Physical`` (with ``fresh`` set when that resource is new or replaced on this side, so its
ids will differ); ``Fn::ImportValue``, SSM-typed parameters and the SDK calls that read an
SSM parameter (``Custom::AWS`` with SSM getParameter) resolve to what the exporting or
publishing stack puts there; pseudo parameters resolve from the stack's environment.
What cannot be known before deploy becomes ``Unknown``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from multivpc.analysis.assembly import Assembly, StackTemplate

Freshness = Literal["", "new", "maybe"]
"""'' = the resource as it was; 'new' = added or replaced; 'maybe' = may be replaced."""


@dataclass(frozen=True)
class Physical:
    """The id (``attribute`` None) or an attribute of one deployed resource."""

    stack: str
    logical_id: str
    attribute: str | None = None
    fresh: Freshness = ""
    via: str | None = field(default=None, compare=False)  # "export X", "SSM parameter Y"


@dataclass(frozen=True)
class Joined:
    """A string made of known parts and resource values."""

    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Unknown:
    """An intrinsic whose result is known only at deploy time."""

    function: str
    argument: Any


class _Absent:
    """``AWS::NoValue``: the key or list item is left out."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


ABSENT = _Absent()
_MAX_DEPTH = 12
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ROLE_ACCOUNT = re.compile(r"^arn:[^:]*:iam::(\d{12}):")

IsFresh = Callable[[str, str], Freshness]


class Evaluator:
    """Evaluates expressions of the stacks of one side of a diff."""

    def __init__(self, assembly: Assembly, fresh: IsFresh = lambda stack, logical: "") -> None:
        self.assembly = assembly
        self.fresh = fresh
        self._exports: dict[tuple[str | None, str | None, str], tuple[StackTemplate, Any]] = {}
        self._parameters: dict[tuple[str | None, str | None, str], tuple[StackTemplate, Any]] = {}
        for stack in assembly.stacks.values():
            for output in stack.outputs.values():
                name = output.get("Export", {}).get("Name")
                if isinstance(name, str):
                    self._exports[(stack.account, stack.region, name)] = (stack, output["Value"])
            for resource in stack.resources.values():
                if resource.get("Type") == "AWS::SSM::Parameter":
                    properties = resource.get("Properties", {})
                    name = properties.get("Name")
                    if isinstance(name, str):
                        key = (stack.account, stack.region, name)
                        self._parameters[key] = (stack, properties.get("Value"))

    def value(self, stack: StackTemplate, expression: Any, depth: int = 0) -> Any:
        """``expression`` evaluated in ``stack``."""
        if depth > _MAX_DEPTH:
            return Unknown("depth", _canonical(expression))
        if isinstance(expression, bool):
            return "true" if expression else "false"
        if isinstance(expression, int | float):
            return str(expression)
        if isinstance(expression, list):
            items = [self.value(stack, item, depth) for item in expression]
            return [item for item in items if item is not ABSENT]
        if isinstance(expression, dict):
            if len(expression) == 1:
                [(key, argument)] = expression.items()
                if key == "Ref":
                    return self._ref(stack, argument, depth)
                if key.startswith("Fn::") or key == "Condition":
                    return self._function(stack, key, argument, depth)
            evaluated = {k: self.value(stack, v, depth) for k, v in expression.items()}
            return {k: v for k, v in evaluated.items() if v is not ABSENT}
        return expression

    # -- references ------------------------------------------------------------------
    def _ref(self, stack: StackTemplate, name: Any, depth: int) -> Any:
        if not isinstance(name, str):
            return Unknown("Ref", _canonical(name))
        if name.startswith("AWS::"):
            return self._pseudo(stack, name)
        if name in stack.resources:
            return Physical(stack.name, name, None, self.fresh(stack.name, name))
        parameter = stack.parameters.get(name)
        if parameter is not None:
            default = parameter.get("Default")
            if str(parameter.get("Type", "")).startswith("AWS::SSM::Parameter::Value<") and (
                isinstance(default, str)
            ):
                found = self._ssm_parameter(stack.account, stack.region, default, depth)
                if found is not None:
                    return found
            return Unknown("Ref", f"parameter {name}")
        return Unknown("Ref", name)

    def _pseudo(self, stack: StackTemplate, name: str) -> Any:
        region = stack.region
        partition = None
        if region is not None:
            partition = "aws-cn" if region.startswith("cn-") else "aws"
            partition = "aws-us-gov" if region.startswith("us-gov-") else partition
        known: dict[str, str | None] = {
            "AWS::Region": region,
            "AWS::AccountId": stack.account,
            "AWS::Partition": partition,
            "AWS::URLSuffix": None
            if region is None
            else ("amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"),
            "AWS::StackName": stack.name,
        }
        if name == "AWS::NoValue":
            return ABSENT
        value = known.get(name)
        return Unknown("Ref", name) if value is None else value

    def _get_att(self, stack: StackTemplate, argument: Any, depth: int) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not (isinstance(argument, list) and len(argument) == 2):
            return Unknown("Fn::GetAtt", _canonical(argument))
        logical_id, attribute = argument[0], self.value(stack, argument[1], depth)
        if not isinstance(logical_id, str) or not isinstance(attribute, str):
            return Unknown("Fn::GetAtt", _canonical(argument))
        resource = stack.resources.get(logical_id)
        if resource is None:
            return Unknown("Fn::GetAtt", f"{logical_id}.{attribute}")
        if attribute == "Parameter.Value":
            read = self._sdk_parameter_read(stack, resource, depth)
            if read is not None:
                return read
        return Physical(stack.name, logical_id, attribute, self.fresh(stack.name, logical_id))

    def _sdk_parameter_read(
        self, stack: StackTemplate, resource: Mapping[str, Any], depth: int
    ) -> Any | None:
        """What an ``AwsCustomResource`` that calls SSM getParameter returns: the value
        of the parameter it names, where a stack of this side publishes it."""
        properties = resource.get("Properties", {})
        call = self.value(stack, properties.get("Update", properties.get("Create")), depth + 1)
        if not isinstance(call, str):
            return None
        try:
            sdk = json.loads(call)
        except ValueError:
            return None
        if not (
            isinstance(sdk, dict)
            and str(sdk.get("service", "")).lower() == "ssm"
            and sdk.get("action") == "getParameter"
        ):
            return None
        name = sdk.get("parameters", {}).get("Name")
        if not isinstance(name, str):
            return None
        role = _ROLE_ACCOUNT.match(str(sdk.get("assumedRoleArn", "")))
        account = role.group(1) if role else stack.account
        region = sdk.get("region", stack.region)
        return self._ssm_parameter(account, region, name, depth)

    def _ssm_parameter(
        self, account: str | None, region: str | None, name: str, depth: int
    ) -> Any | None:
        found = self._parameters.get((account, region, name))
        if found is None:
            return None
        publisher, expression = found
        return _via(self.value(publisher, expression, depth + 1), f"SSM parameter {name}")

    def _import(self, stack: StackTemplate, argument: Any, depth: int) -> Any:
        name = self.value(stack, argument, depth)
        if not isinstance(name, str):
            return Unknown("Fn::ImportValue", _canonical(argument))
        found = self._exports.get((stack.account, stack.region, name))
        if found is None:
            # An environment-agnostic stack imports whatever exports the name.
            same_name = [hit for key, hit in self._exports.items() if key[2] == name]
            if len(same_name) != 1 or stack.account is not None:
                return Unknown("Fn::ImportValue", name)
            [found] = same_name
        exporter, expression = found
        return _via(self.value(exporter, expression, depth + 1), f"export {name}")

    # -- functions ---------------------------------------------------------------------
    def _function(self, stack: StackTemplate, key: str, argument: Any, depth: int) -> Any:
        if key == "Fn::GetAtt":
            return self._get_att(stack, argument, depth)
        if key == "Fn::ImportValue":
            return self._import(stack, argument, depth + 1)
        if key == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            delimiter, items = (
                self.value(stack, argument[0], depth),
                self.value(stack, argument[1], depth),
            )
            if isinstance(delimiter, str) and isinstance(items, list):
                return _join(items, delimiter)
        if key == "Fn::Sub":
            return self._sub(stack, argument, depth)
        if key == "Fn::Select" and isinstance(argument, list) and len(argument) == 2:
            index, items = (
                self.value(stack, argument[0], depth),
                self.value(stack, argument[1], depth),
            )
            if isinstance(index, str) and index.isdigit() and isinstance(items, list):
                return items[int(index)] if int(index) < len(items) else Unknown(key, items)
        if key == "Fn::Base64":
            return {"Fn::Base64": self.value(stack, argument, depth)}
        return Unknown(key, self.value(stack, argument, depth))

    def _sub(self, stack: StackTemplate, argument: Any, depth: int) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            text = argument[0]
            variables = {k: self.value(stack, v, depth) for k, v in argument[1].items()}
        else:
            text = argument
        if not isinstance(text, str):
            return Unknown("Fn::Sub", _canonical(argument))
        parts: list[Any] = []
        position = 0
        for match in _SUB_VARIABLE.finditer(text):
            parts.append(text[position : match.start()])
            position = match.end()
            name = match.group(1)
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
            elif name in variables:
                parts.append(variables[name])
            elif "." in name and not name.startswith("AWS::"):
                parts.append(self._get_att(stack, name, depth))
            else:
                parts.append(self._ref(stack, name, depth))
        parts.append(text[position:])
        return _join(parts, "")


def _join(items: list[Any], delimiter: str) -> Any:
    parts: list[Any] = []
    for index, item in enumerate(items):
        if index:
            parts.append(delimiter)
        parts.append(item)
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, Joined):
            candidates: list[Any] = list(part.parts)
        else:
            candidates = [part]
        for candidate in candidates:
            if isinstance(candidate, str) and merged and isinstance(merged[-1], str):
                merged[-1] += candidate
            elif candidate != "":
                merged.append(candidate)
    if not merged:
        return ""
    if len(merged) == 1 and isinstance(merged[0], str):
        return merged[0]
    if any(isinstance(part, list | dict) for part in merged):
        return Unknown("Fn::Join", tuple(_canonical(part) for part in merged))
    return Joined(tuple(merged))


def _via(value: Any, route: str) -> Any:
    if isinstance(value, Physical) and value.via is None:
        return replace(value, via=route)
    return value


def _canonical(expression: Any) -> Any:
    return json.dumps(expression, sort_keys=True, default=repr)


# -- inspecting evaluated values ----------------------------------------------------------
def walk(value: Any) -> list[Any]:
    """Every marker and scalar inside a value, depth first."""
    found: list[Any] = []
    if isinstance(value, list):
        for item in value:
            found.extend(walk(item))
    elif isinstance(value, dict):
        for item in value.values():
            found.extend(walk(item))
    elif isinstance(value, Joined):
        for item in value.parts:
            found.extend(walk(item))
    elif isinstance(value, Unknown):
        found.append(value)
        found.extend(walk(value.argument))
    else:
        found.append(value)
    return found


def has_unknown(value: Any) -> bool:
    return any(isinstance(item, Unknown) for item in walk(value))


def fresh_physicals(value: Any) -> list[Physical]:
    """The new or possibly replaced resources a value takes ids or attributes from."""
    return [item for item in walk(value) if isinstance(item, Physical) and item.fresh]


def as_before(value: Any) -> Any:
    """The value with every resource taken as it was (freshness dropped)."""
    if isinstance(value, Physical):
        return replace(value, fresh="")
    if isinstance(value, list):
        return [as_before(item) for item in value]
    if isinstance(value, dict):
        return {k: as_before(v) for k, v in value.items()}
    if isinstance(value, Joined):
        return Joined(tuple(as_before(item) for item in value.parts))
    if isinstance(value, Unknown):
        return Unknown(value.function, as_before(value.argument))
    return value


def render(value: Any, *, limit: int = 60) -> str:
    """A short human reading of a value."""
    text = _render(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render(value: Any) -> str:
    if value is ABSENT or value is None:
        return "(none)"
    if isinstance(value, Physical):
        name = (
            value.logical_id if value.attribute is None else f"{value.logical_id}.{value.attribute}"
        )
        return f"Ref {name}" if value.attribute is None else f"GetAtt {name}"
    if isinstance(value, Joined):
        return "".join(
            part if isinstance(part, str) else "${" + _render(part) + "}" for part in value.parts
        )
    if isinstance(value, Unknown):
        return f"{value.function}({_render(value.argument)})"
    if isinstance(value, list):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_render(v)}" for k, v in value.items()) + "}"
    return str(value)


WIDTH = 100
"""Characters a detail line of a value's change may take (a terminal's width, less the
report's columns)."""

CONTEXT = 16
"""Characters shown around the part of a long string that changed."""


def full(value: Any) -> str:
    """A value's whole reading (``render`` without a limit), for machines."""
    return _render(value)


def differences(old: Any, new: Any, *, width: int = WIDTH) -> list[str]:
    """What differs between two values, one line each, each at most ``width`` characters:
    for lists the items added (``+ item``) and removed (``- item``), or ``order: ...`` when
    only the order changed; for dicts each key that changed (nested, ``Key.Sub: ...``),
    was added or removed; for anything else ``old -> new``, a long string cut to the part
    that differs with ``CONTEXT`` characters around it."""
    return [_fit(line, width) for line in _differences("", old, new, width)]


def _differences(prefix: str, old: Any, new: Any, width: int) -> list[str]:
    label = f"{prefix}: " if prefix else ""
    if isinstance(old, list) and isinstance(new, list):
        olds, news = [_render(v) for v in old], [_render(v) for v in new]
        removed, added = _multiset_minus(olds, news), _multiset_minus(news, olds)
        if not removed and not added:
            return [f"{label}order: {_render(old)} -> {_render(new)}"]
        return [f"{label}- {item}" for item in removed] + [f"{label}+ {item}" for item in added]
    if isinstance(old, dict) and isinstance(new, dict):
        lines: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in new or new[key] is ABSENT:
                lines.append(f"- {path}: {_render(old[key])}")
            elif key not in old or old[key] is ABSENT:
                lines.append(f"+ {path}: {_render(new[key])}")
            elif old[key] != new[key]:
                lines += _differences(path, old[key], new[key], width)
        return lines
    before, after = _render(old), _render(new)
    if len(label) + len(before) + len(after) + 4 <= width:
        return [f"{label}{before} -> {after}"]
    return [
        f"{label}{cut_before} -> {cut_after}" for cut_before, cut_after in [_cut(before, after)]
    ]


def _multiset_minus(items: list[str], other: list[str]) -> list[str]:
    """``items`` less one occurrence of each of ``other``'s, in order."""
    left = list(other)
    kept = []
    for item in items:
        if item in left:
            left.remove(item)
        else:
            kept.append(item)
    return kept


def _cut(before: str, after: str) -> tuple[str, str]:
    """The two strings from ``CONTEXT`` characters before the first difference to
    ``CONTEXT`` after the last, with ``...`` where they were cut."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while (
        end < min(len(before), len(after)) - start
        and before[len(before) - 1 - end] == after[len(after) - 1 - end]
    ):
        end += 1
    head = max(0, start - CONTEXT)

    def piece(text: str) -> str:
        tail = min(len(text), len(text) - end + CONTEXT)
        return ("..." if head else "") + text[head:tail] + ("..." if tail < len(text) else "")

    return piece(before), piece(after)


def _fit(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 3] + "..."
