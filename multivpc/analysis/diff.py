"""What a deploy of ``after`` over ``before`` does to each resource: added, removed, changed
in place, replaced (or may be replaced), or moved to another stack.

A resource is replaced when its type changes or a create-only property (from the
resource provider schemas, ``schemas.create_only_properties``) changes value. Values are
compared as CloudFormation will see them (``values.Evaluator``): a property that takes the
id of a replaced resource (Ref, Fn::GetAtt, through an export or a published SSM
parameter) changes too, so replacement spreads until nothing more changes. A changed
create-only value that cannot be evaluated before deploy counts as "may replace".
CDK's metadata (the ``Metadata`` attribute, the CDKMetadata resource, the bootstrap-version
parameter and rule) and ``DependsOn`` are no change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from multivpc.analysis.assembly import Assembly
from multivpc.analysis.schemas import DEFAULT_REGION, create_only_properties, value_at
from multivpc.analysis.values import (
    ABSENT,
    Evaluator,
    Freshness,
    Physical,
    as_before,
    differences,
    fresh_physicals,
    full,
    has_unknown,
    render,
)

Action = Literal["move", "remove", "replace", "may-replace", "update", "add"]
ACTIONS: tuple[Action, ...] = ("move", "remove", "replace", "may-replace", "update", "add")
"""In the order a report lists them: what needs a decision first."""

BLOCKING_ACTIONS: frozenset[Action] = frozenset({"move", "remove", "replace", "may-replace"})
IN_PLACE_ATTRIBUTES = (
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Condition",
    "CreationPolicy",
    "UpdatePolicy",
)
ASSOCIATION_TYPE = "AWS::EC2::TransitGatewayRouteTableAssociation"
ASSOCIATION_NOTE = (
    "a Transit Gateway attachment holds one route-table association at a time and "
    "CloudFormation creates the new association before deleting the old one, so this "
    "deploy fails; remove the attachment from its old table in one deploy and associate "
    "it in the next, or use multivpc's TransitGatewayAssociation, which moves in place "
    "(docs/transit-gateway.md: Moving a spoke to another segment)"
)
GATEWAY_NOTE = (
    "AWS deletes neither a Transit Gateway that still has attachments nor a route table "
    "that still has associations, and this stack's cleanup runs before the spokes and the "
    "routing stacks move to the new gateway: CloudFormation leaves the old one (and its "
    "route tables) behind and completes. Once every stack has deployed, delete them by "
    "hand (docs/transit-gateway.md: Replacing a Transit Gateway)"
)
GATEWAY_TYPES = ("AWS::EC2::TransitGateway", "AWS::EC2::TransitGatewayRouteTable")

ResourceKey = tuple[str, str]  # (stack name, logical id)


@dataclass(frozen=True)
class Change:
    """One resource's fate. For a move, ``other_stack`` is where it goes (``incoming``
    False, listed in the stack it leaves) or comes from (``incoming`` True)."""

    stack: str
    logical_id: str
    resource_type: str
    action: Action
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    other_stack: str | None = None
    incoming: bool = False
    allowed: bool = False
    values: tuple[tuple[str, str, str], ...] = ()
    """(property, its whole value before, after) of each property that changed."""

    @property
    def blocking(self) -> bool:
        """Removes or replaces something and ``--allow-replace`` does not name it."""
        return self.action in BLOCKING_ACTIONS and not self.incoming and not self.allowed


@dataclass(frozen=True)
class StackDiff:
    name: str
    status: Literal["added", "removed", "changed", "unchanged"]
    changes: tuple[Change, ...] = ()
    environment: str = ""


@dataclass(frozen=True)
class Report:
    before: str
    after: str
    stacks: tuple[StackDiff, ...]
    unused_allowances: tuple[str, ...] = ()

    @property
    def changes(self) -> list[Change]:
        return [change for stack in self.stacks for change in stack.changes]

    @property
    def blocking(self) -> list[Change]:
        return [change for change in self.changes if change.blocking]

    @property
    def exit_code(self) -> int:
        """1 when anything not allowed is removed, replaced or moved, else 0."""
        return 1 if self.blocking else 0

    def counts(self) -> dict[Action, int]:
        counts: dict[Action, int] = dict.fromkeys(ACTIONS, 0)
        for change in self.changes:
            if not change.incoming:
                counts[change.action] += 1
        return counts


def diff(before: Assembly, after: Assembly, *, allow_replace: Iterable[str] = ()) -> Report:
    """Compare two sides; ``allow_replace`` names logical ids (or ``STACK/LOGICAL_ID``)
    whose removal, replacement or move is intended."""
    return _Diff(before, after).report(frozenset(allow_replace))


@dataclass
class _Verdict:
    action: Action
    reasons: list[str] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)
    values: list[tuple[str, str, str]] = field(default_factory=list)


class _Diff:
    def __init__(self, before: Assembly, after: Assembly) -> None:
        self.before, self.after = before, after
        old = {
            (s.name, lid): str(r.get("Type"))
            for s in before.stacks.values()
            for lid, r in s.resources.items()
        }
        new = {
            (s.name, lid): str(r.get("Type"))
            for s in after.stacks.values()
            for lid, r in s.resources.items()
        }
        self.common = [key for key in new if key in old]
        self.removed = [key for key in old if key not in new]
        self.added = [key for key in new if key not in old]
        self.moves: dict[ResourceKey, ResourceKey] = {}  # from -> to
        arriving = {
            (lid, kind): key for key, kind in ((k, new[k]) for k in self.added) for lid in [key[1]]
        }
        for key in self.removed:
            target = arriving.get((key[1], old[key]))
            if target is not None and target[0] != key[0] and target not in self.moves.values():
                self.moves[key] = target
        self.fresh: dict[ResourceKey, Freshness] = dict.fromkeys(self.added, "new")
        self.old_eval = Evaluator(before)
        self.new_eval = Evaluator(
            after, lambda stack, logical: self.fresh.get((stack, logical), "")
        )
        self.old_properties = {key: self._properties(self.old_eval, before, key) for key in old}
        self.verdicts: dict[ResourceKey, _Verdict] = {}

    def _resource(self, side: Assembly, key: ResourceKey) -> Mapping[str, Any]:
        return side.stacks[key[0]].resources[key[1]]

    def _properties(self, evaluator: Evaluator, side: Assembly, key: ResourceKey) -> Any:
        stack = side.stacks[key[0]]
        return evaluator.value(stack, self._resource(side, key).get("Properties", {}))

    # -- replacement, to a fixed point ---------------------------------------------------
    def _settle_replacements(self) -> None:
        moving = True
        while moving:
            moving = False
            for key in self.common:
                verdict = self._replacement(key)
                if verdict is None:
                    continue
                fresh: Freshness = "new" if verdict.action == "replace" else "maybe"
                current = self.fresh.get(key, "")
                if current == "new" or current == fresh:
                    self.verdicts[key] = verdict
                    continue
                self.fresh[key] = fresh
                self.verdicts[key] = verdict
                moving = True

    def _replacement(self, key: ResourceKey) -> _Verdict | None:
        old, new = self._resource(self.before, key), self._resource(self.after, key)
        old_type, new_type = str(old.get("Type")), str(new.get("Type"))
        if old_type != new_type:
            return _Verdict("replace", [f"Type: {old_type} -> {new_type}"], {"Type"})
        stack = self.after.stacks[key[0]]
        before, after = self.old_properties[key], self._properties(self.new_eval, self.after, key)
        paths = create_only_properties(new_type, stack.region or DEFAULT_REGION)
        if paths is None:
            if before == after:
                return None
            return _Verdict(
                "may-replace",
                [f"no resource schema for {new_type}: any property change may replace it"],
            )
        definite: list[str] = []
        maybe: list[str] = []
        changed: set[str] = set()
        values: list[tuple[str, str, str]] = []
        for path in paths:
            old_value, new_value = value_at(before, path), value_at(after, path)
            if old_value == new_value:
                continue
            label = "/".join(path)
            changed.add(label)
            values.append((label, full(old_value), full(new_value)))
            reasons, certain = _why(label, old_value, new_value, key[0])
            (definite if certain else maybe).extend(reasons)
        if definite:
            return _Verdict("replace", definite + maybe, changed, values)
        if maybe:
            return _Verdict("may-replace", maybe, changed, values)
        return None

    # -- the report -----------------------------------------------------------------------
    def report(self, allow: frozenset[str]) -> Report:
        self._settle_replacements()
        changes: dict[str, list[Change]] = {}
        for key in self.common:
            change = self._common_change(key)
            if change is not None:
                changes.setdefault(key[0], []).append(change)
        for key in self.removed:
            kind = str(self._resource(self.before, key).get("Type"))
            target = self.moves.get(key)
            if target is None:
                changes.setdefault(key[0], []).append(Change(key[0], key[1], kind, "remove"))
                continue
            reason = f"moves to stack {target[0]}: deleted here, created anew there"
            changes.setdefault(key[0], []).append(
                Change(key[0], key[1], kind, "move", (reason,), other_stack=target[0])
            )
        sources = {target: source for source, target in self.moves.items()}
        for key in self.added:
            kind = str(self._resource(self.after, key).get("Type"))
            source = sources.get(key)
            if source is None:
                changes.setdefault(key[0], []).append(Change(key[0], key[1], kind, "add"))
            else:
                reason = f"moves from stack {source[0]}"
                changes.setdefault(key[0], []).append(
                    Change(
                        key[0],
                        key[1],
                        kind,
                        "move",
                        (reason,),
                        other_stack=source[0],
                        incoming=True,
                    )
                )
        self._note_association_swaps(changes)
        for listed in changes.values():
            for index, change in enumerate(listed):
                if change.action in ("replace", "may-replace") and (
                    change.resource_type in GATEWAY_TYPES
                ):
                    listed[index] = replace(change, notes=(*change.notes, GATEWAY_NOTE))
        used: set[str] = set()
        stacks = []
        names = [*self.after.stacks, *(n for n in self.before.stacks if n not in self.after.stacks)]
        for name in names:
            listed = []
            for change in changes.get(name, []):
                names_it = {change.logical_id, f"{change.stack}/{change.logical_id}"} & allow
                if names_it and change.action in BLOCKING_ACTIONS:
                    used |= names_it
                    change = replace(change, allowed=True)
                listed.append(change)
            listed.sort(key=_listing_order)
            stacks.append(self._stack_diff(name, tuple(listed)))
        return Report(
            self.before.source,
            self.after.source,
            tuple(stacks),
            tuple(sorted(allow - used)),
        )

    def _stack_diff(self, name: str, changes: tuple[Change, ...]) -> StackDiff:
        stack = self.after.stacks.get(name) or self.before.stacks[name]
        environment = f"{stack.account or '?'}/{stack.region or '?'}"
        if name not in self.before.stacks:
            return StackDiff(name, "added", changes, environment)
        if name not in self.after.stacks:
            return StackDiff(name, "removed", changes, environment)
        return StackDiff(name, "changed" if changes else "unchanged", changes, environment)

    def _common_change(self, key: ResourceKey) -> Change | None:
        new = self._resource(self.after, key)
        kind = str(new.get("Type"))
        verdict = self.verdicts.get(key)
        if verdict is not None:
            notes: tuple[str, ...] = ()
            if (
                kind == ASSOCIATION_TYPE
                and "TransitGatewayRouteTableId" in verdict.changed
                and "TransitGatewayAttachmentId" not in verdict.changed
            ):
                notes = (ASSOCIATION_NOTE,)
            return Change(
                key[0],
                key[1],
                kind,
                verdict.action,
                tuple(verdict.reasons),
                notes,
                values=tuple(verdict.values),
            )
        old = self._resource(self.before, key)
        before, after = self.old_properties[key], self._properties(self.new_eval, self.after, key)
        reasons: list[str] = []
        values: list[tuple[str, str, str]] = []
        if isinstance(before, dict) and isinstance(after, dict):
            for name in sorted(set(before) | set(after)):
                old_value, new_value = before.get(name, ABSENT), after.get(name, ABSENT)
                if old_value != new_value:
                    reasons += _why(name, old_value, new_value, key[0])[0]
                    values.append((name, full(old_value), full(new_value)))
        elif before != after:
            reasons.append(f"Properties: {render(before)} -> {render(after)}")
            values.append(("Properties", full(before), full(after)))
        for attribute in IN_PLACE_ATTRIBUTES:
            if old.get(attribute) != new.get(attribute):
                reasons.append(
                    f"{attribute}: {render(old.get(attribute))} -> {render(new.get(attribute))}"
                )
        if not reasons:
            return None
        return Change(key[0], key[1], kind, "update", tuple(reasons), values=tuple(values))

    def _note_association_swaps(self, changes: dict[str, list[Change]]) -> None:
        """A removed association and an added one for the same attachment: the same
        failure as a replaced association."""
        removed = {
            key: self._attachment_of(self.old_eval, self.before, key)
            for key in self.removed
            if self._resource(self.before, key).get("Type") == ASSOCIATION_TYPE
        }
        added = {
            key: self._attachment_of(self.new_eval, self.after, key)
            for key in self.added
            if self._resource(self.after, key).get("Type") == ASSOCIATION_TYPE
        }
        swapped: set[ResourceKey] = set()
        for old_key, attachment in removed.items():
            partners = [key for key, other in added.items() if other == attachment]
            if partners:
                swapped |= {old_key, *partners}
        for stack, listed in changes.items():
            for index, change in enumerate(listed):
                if (stack, change.logical_id) in swapped and ASSOCIATION_NOTE not in change.notes:
                    listed[index] = replace(change, notes=(*change.notes, ASSOCIATION_NOTE))

    def _attachment_of(self, evaluator: Evaluator, side: Assembly, key: ResourceKey) -> Any:
        properties = self._properties(evaluator, side, key)
        attachment = (
            properties.get("TransitGatewayAttachmentId") if isinstance(properties, dict) else None
        )
        return as_before(attachment)


def _listing_order(change: Change) -> tuple[int, int, str]:
    """By action; within one, causes (a property of its own changed) before the resources
    that only follow a replaced one."""
    follows_only = bool(change.reasons) and all(" follows " in r for r in change.reasons)
    return ACTIONS.index(change.action), int(follows_only), change.logical_id


def _why(label: str, old: Any, new: Any, stack: str) -> tuple[list[str], bool]:
    """Why a value differs (a line, or a heading and the structural differences, each
    indented by two spaces), and whether the difference is certain."""
    if as_before(new) == old:
        dependencies = _unique(fresh_physicals(new))
        certain = any(dep.fresh == "new" for dep in dependencies)
        named = ", ".join(_dependency(dep, stack) for dep in dependencies)
        return [f"{label} follows {named}"], certain
    unknown = " (known only at deploy)" if has_unknown(old) or has_unknown(new) else ""
    lines = differences(old, new)
    if len(lines) == 1 and not lines[0].startswith(("+ ", "- ")):
        return [f"{label}: {lines[0]}{unknown}"], not unknown
    added = sum(1 for line in lines if line.startswith("+ ") or ": + " in line)
    removed = sum(1 for line in lines if line.startswith("- ") or ": - " in line)
    counted = [f"{n} {what}" for n, what in ((added, "added"), (removed, "removed")) if n]
    heading = f"{label}: {', '.join(counted) or 'changed'}{unknown}"
    return [heading, *("  " + line for line in lines)], not unknown


def _unique(physicals: list[Physical]) -> list[Physical]:
    seen: dict[tuple[str, str], Physical] = {}
    for physical in physicals:
        seen.setdefault((physical.stack, physical.logical_id), physical)
    return list(seen.values())


def _dependency(physical: Physical, stack: str) -> str:
    state = "replaced" if physical.fresh == "new" else "possibly replaced"
    where = "" if physical.stack == stack else f" in {physical.stack}"
    via = f" (through {physical.via})" if physical.via else ""
    return f"{state} {physical.logical_id}{where}{via}"
