"""Synthesized stacks as the diff reads them: a cloud assembly folder (cdk.out) or
templates in memory, with each stack's account and region."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Template = Mapping[str, Any]

CDK_METADATA_TYPE = "AWS::CDK::Metadata"
BOOTSTRAP_PARAMETER = "BootstrapVersion"
BOOTSTRAP_RULE = "CheckBootstrapVersion"


class AssemblyError(ValueError):
    """A folder that is not a readable cloud assembly; the message says which and why."""


@dataclass(frozen=True)
class StackTemplate:
    """One stack's template and where it deploys (None when environment-agnostic)."""

    name: str
    template: Template
    account: str | None = None
    region: str | None = None

    @property
    def resources(self) -> Mapping[str, Mapping[str, Any]]:
        """Resources without CDK's metadata resource."""
        resources: Mapping[str, Mapping[str, Any]] = self.template.get("Resources", {})
        return {
            logical_id: resource
            for logical_id, resource in resources.items()
            if resource.get("Type") != CDK_METADATA_TYPE
        }

    @property
    def parameters(self) -> Mapping[str, Mapping[str, Any]]:
        """Template parameters other than CDK's bootstrap version."""
        parameters: Mapping[str, Mapping[str, Any]] = self.template.get("Parameters", {})
        return {name: p for name, p in parameters.items() if name != BOOTSTRAP_PARAMETER}

    @property
    def outputs(self) -> Mapping[str, Mapping[str, Any]]:
        outputs: Mapping[str, Mapping[str, Any]] = self.template.get("Outputs", {})
        return outputs


@dataclass(frozen=True)
class Assembly:
    """Every stack of one side of a diff, by stack name."""

    stacks: Mapping[str, StackTemplate] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def of(cls, *stacks: StackTemplate, source: str = "") -> Assembly:
        return cls({stack.name: stack for stack in stacks}, source)


def read_assembly(folder: Path, *, source: str | None = None) -> Assembly:
    """Every stack of a cloud assembly folder (nested assemblies included); a folder
    without ``manifest.json`` is read as ``*.template.json`` files, named by file."""
    label = source if source is not None else str(folder)
    if not folder.is_dir():
        raise AssemblyError(f"{label}: no such folder")
    stacks: dict[str, StackTemplate] = {}
    manifest = folder / "manifest.json"
    if manifest.is_file():
        _read_manifest(folder, label, stacks)
    else:
        for file in sorted(folder.glob("*.template.json")):
            name = file.name.removesuffix(".template.json")
            stacks[name] = StackTemplate(name, _read_json(file, label))
    if not stacks:
        raise AssemblyError(
            f"{label}: no CloudFormation templates (neither manifest.json nor "
            "*.template.json); give a cdk.out folder, a config file or GIT_REF:PATH"
        )
    return Assembly(stacks, label)


def _read_manifest(folder: Path, label: str, stacks: dict[str, StackTemplate]) -> None:
    manifest = _read_json(folder / "manifest.json", label)
    artifacts = manifest.get("artifacts", {})
    if not isinstance(artifacts, dict):
        raise AssemblyError(f"{label}/manifest.json: 'artifacts' is not an object")
    for artifact_id, artifact in artifacts.items():
        kind = artifact.get("type")
        properties = artifact.get("properties", {})
        if kind == "cdk:cloud-assembly" and "directoryName" in properties:
            _read_manifest(folder / properties["directoryName"], label, stacks)
        elif kind == "aws:cloudformation:stack":
            name = properties.get("stackName", artifact_id)
            template = _read_json(folder / properties["templateFile"], label)
            account, region = _environment(artifact.get("environment", ""))
            if name in stacks:
                raise AssemblyError(f"{label}: two stacks named {name}")
            stacks[name] = StackTemplate(name, template, account, region)


def _environment(uri: str) -> tuple[str | None, str | None]:
    """``aws://ACCOUNT/REGION`` -> (account, region), None for the unknown parts."""
    account, _, region = uri.removeprefix("aws://").partition("/")
    return (
        None if not account or account.startswith("unknown-") else account,
        None if not region or region.startswith("unknown-") else region,
    )


def _read_json(file: Path, label: str) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise AssemblyError(f"{label}: cannot read {file.name}: {error.strerror}") from None
    except ValueError as error:
        raise AssemblyError(f"{label}: {file.name} is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise AssemblyError(f"{label}: {file.name} is not a JSON object")
    return data
