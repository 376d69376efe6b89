"""A CloudFormation execution policy for exactly the stacks of one network.

``cdk bootstrap`` trusts CloudFormation with AdministratorAccess unless
``--cloudformation-execution-policies`` names other managed policies. This module derives
one from the synthesized templates (never the config): for every resource type they
hold, the permissions its CloudFormation resource provider declares for create, read,
update and delete (the ``handlers`` of the provider schemas cfn-lint ships), plus what
CloudFormation does around them for these templates: passing the templates' roles to the
services that trust them, reading Lambda code from the bootstrap's asset bucket,
invoking custom resources' functions and reading the SSM parameters the templates take.

Read-only actions are folded into ``SERVICE:Describe*``, ``Get*`` and ``List*`` per
service: the providers' lists are long (about 200 actions for a Transit Gateway estate)
and an IAM managed policy holds 6,144 characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from multivpc.analysis.assembly import Assembly, StackTemplate
from multivpc.analysis.schemas import provider_permissions

READ_ONLY = ("Describe", "Get", "List")
MANAGED_POLICY_CHARACTERS = 6144
"""IAM's quota on a managed policy document, whitespace not counted."""
PASS_ROLE = "iam:PassRole"
CODE_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion")
"""What Lambda's provider reads the function's code with (from the asset bucket)."""
SSM_PARAMETER_TYPE = re.compile(r"^AWS::SSM::Parameter::Value<.*>$")


class DeployPolicyError(ValueError):
    """The templates give no policy (no stack of the account asked for)."""


@dataclass(frozen=True)
class DeployPolicy:
    document: Mapping[str, Any]
    unknown_types: tuple[str, ...]
    """Resource types without a provider schema (their permissions are not included)."""

    @property
    def size(self) -> int:
        """Characters IAM counts against ``MANAGED_POLICY_CHARACTERS``."""
        return len(re.sub(r"\s", "", json.dumps(self.document)))

    def text(self) -> str:
        return json.dumps(self.document, indent=2) + "\n"


def partition(region: str | None) -> str:
    if region is not None and region.startswith("cn-"):
        return "aws-cn"
    if region is not None and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def fold(actions: Iterable[str]) -> list[str]:
    """Sorted actions, each service's read-only ones as ``SERVICE:Describe*`` etc."""
    folded = set()
    for action in actions:
        service, _, name = action.partition(":")
        verb = next((v for v in READ_ONLY if name.startswith(v)), None)
        folded.add(f"{service}:{verb}*" if verb else action)
    return sorted(folded)


def deploy_policy(assembly: Assembly, *, account: str | None = None) -> DeployPolicy:
    """The execution policy for the stacks of ``assembly`` (of ``account`` only, if given)."""
    stacks = [s for s in assembly.stacks.values() if account is None or s.account == account]
    if not stacks:
        raise DeployPolicyError(
            f"{assembly.source}: no stack deploys to account {account}; the stacks' "
            f"accounts are {', '.join(sorted({str(s.account) for s in assembly.stacks.values()}))}"
        )
    actions: set[str] = set()
    unknown: set[str] = set()
    for stack in stacks:
        for resource in stack.resources.values():
            kind = str(resource.get("Type"))
            if kind.startswith("Custom::"):
                continue  # CloudFormation invokes its function: InvokeCustomResources
            permissions = provider_permissions(kind, stack.region or "us-east-1")
            if permissions is None:
                unknown.add(kind)
                continue
            actions.update(permissions)
    statements: list[dict[str, Any]] = [
        {
            "Sid": "ResourceProviders",
            "Effect": "Allow",
            "Action": fold(a for a in actions if a != PASS_ROLE and a not in CODE_ACTIONS),
            # CloudFormation names what it creates (subnet-..., generated role and function
            # names), so no ARN of these resources is known before the deploy.
            "Resource": "*",
        }
    ]
    statements += _pass_roles(stacks)
    statements += _code(stacks)
    statements += _custom_resources(stacks)
    statements += _parameters(stacks)
    document = {"Version": "2012-10-17", "Statement": statements}
    return DeployPolicy(document, tuple(sorted(unknown)))


def _resources(
    stacks: list[StackTemplate], kind: str
) -> list[tuple[StackTemplate, Mapping[str, Any]]]:
    return [
        (stack, resource.get("Properties", {}))
        for stack in stacks
        for resource in stack.resources.values()
        if resource.get("Type") == kind
    ]


def _arn(stack: StackTemplate, service: str, resource: str, *, regional: bool = True) -> str:
    """An ARN in the stack's account (and region), ``*`` for an unknown environment."""
    region = (stack.region or "*") if regional else ""
    return f"arn:{partition(stack.region)}:{service}:{region}:{stack.account or '*'}:{resource}"


def _allow(sid: str, actions: str | list[str], resources: list[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


def _pass_roles(stacks: list[StackTemplate]) -> list[dict[str, Any]]:
    """The templates' roles, passed to the services their trust policies name (Lambda
    for functions, VPC Flow Logs for delivery roles, EC2 for instance profiles)."""
    roles = _resources(stacks, "AWS::IAM::Role")
    services = sorted(
        {
            principal
            for _, properties in roles
            for statement in properties.get("AssumeRolePolicyDocument", {}).get("Statement", [])
            for principal in _listed(statement.get("Principal", {}).get("Service"))
            if isinstance(principal, str)
        }
    )
    if not services:
        return []
    arns = sorted({_arn(stack, "iam", "role/*", regional=False) for stack, _ in roles})
    # Role names are generated by CloudFormation: the account's roles, passed only to
    # the services the templates' roles trust.
    statement = _allow("PassTheTemplatesRoles", PASS_ROLE, arns)
    return [{**statement, "Condition": {"StringEquals": {"iam:PassedToService": services}}}]


def _code(stacks: list[StackTemplate]) -> list[dict[str, Any]]:
    """Lambda's provider reads the function code from the bucket the template names."""
    buckets = sorted(
        {
            f"arn:{partition(stack.region)}:s3:::{bucket}/*"
            for stack, properties in _resources(stacks, "AWS::Lambda::Function")
            if (bucket := _substituted(properties.get("Code", {}).get("S3Bucket"), stack))
        }
    )
    if not buckets:
        return []
    return [_allow("FunctionCode", list(CODE_ACTIONS), buckets)]


def _custom_resources(stacks: list[StackTemplate]) -> list[dict[str, Any]]:
    """CloudFormation invokes a custom resource's function with the execution role."""
    arns = sorted(
        {
            _arn(stack, "lambda", "function:*")
            for stack in stacks
            for resource in stack.resources.values()
            if str(resource.get("Type")).startswith("Custom::")
        }
    )
    if not arns:
        return []
    # The stacks' own functions, named by CloudFormation at deploy.
    return [_allow("InvokeCustomResources", "lambda:InvokeFunction", arns)]


def _parameters(stacks: list[StackTemplate]) -> list[dict[str, Any]]:
    """The SSM parameters template parameters resolve (the bootstrap version included)."""
    arns = sorted(
        {
            _arn(stack, "ssm", f"parameter/{_parameter_pattern(str(parameter['Default']))}")
            for stack in stacks
            for parameter in stack.template.get("Parameters", {}).values()
            if SSM_PARAMETER_TYPE.match(str(parameter.get("Type", ""))) and "Default" in parameter
        }
    )
    if not arns:
        return []
    return [_allow("TemplateParameters", "ssm:GetParameters", arns)]


def _parameter_pattern(name: str) -> str:
    """A parameter name without its leading ``/``; multivpc's own ids (``/multivpc/NETWORK/
    ...``, one per spoke, route table or attachment) as the network's folder, so the policy
    does not grow with the estate."""
    parts = name.lstrip("/").split("/")
    if len(parts) > 2 and parts[0] == "multivpc":
        return f"multivpc/{parts[1]}/*"
    return "/".join(parts)


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _substituted(value: object, stack: StackTemplate) -> str | None:
    """A bucket name: a string, or ``Fn::Sub`` of the account and region."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("Fn::Sub"), str):
        text = value["Fn::Sub"]
        for name, actual in (
            ("AWS::AccountId", stack.account),
            ("AWS::Region", stack.region),
            ("AWS::Partition", partition(stack.region)),
        ):
            text = text.replace("${" + name + "}", actual or "*")
        return None if "${" in text else text
    return None
