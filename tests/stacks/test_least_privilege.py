"""Every IAM statement of every example, read as a reviewer would: a ``*`` in an action or a
resource, or a trust of an account root without a condition, fails unless that exact
statement is on the allow-list below with its reason. The list is reviewed like code:
an entry says why no narrower statement is possible, or which open work narrows it.

Statements are compared with the account, region and partition of each ARN written as
ACCOUNT, REGION and PARTITION, so one entry covers every example that builds it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Templates


@dataclass(frozen=True)
class Allowed:
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    reason: str
    condition_keys: tuple[str, ...] = ()
    """Condition keys the statement must carry (a wildcard allowed because a condition
    narrows it)."""


DESCRIBE = (
    "Describe actions support no resource-level permission (AWS service authorization "
    "reference, Amazon EC2: no resource type for Describe*)."
)

ALLOWED: tuple[Allowed, ...] = (
    Allowed(("ec2:DescribeTransitGatewayAttachments",), ("*",), DESCRIBE),
    Allowed(("ec2:DescribeTransitGatewayPeeringAttachments",), ("*",), DESCRIBE),
    Allowed(
        ("ec2:AcceptVpcPeeringConnection",),
        ("arn:PARTITION:ec2:REGION:ACCOUNT:vpc-peering-connection/*",),
        "The connection does not exist when the accepter's stack deploys (the requester "
        "creates it later), so its id cannot be named; ec2:AccepterVpc and "
        "ec2:RequesterVpc limit it to connections from the one requester VPC into the one "
        "accepter VPC.",
        condition_keys=("ec2:AccepterVpc", "ec2:RequesterVpc"),
    ),
    Allowed(
        (
            "ssm:UpdateInstanceInformation",
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
        ),
        ("*",),
        "The Session Manager role's minimal policy: the ssmmessages actions support no "
        "resource-level permission, and the agent calls ssm:UpdateInstanceInformation for "
        "the instance it runs on, which the role cannot name.",
    ),
)


ALLOWED_MANAGED: dict[str, str] = {}
"""AWS managed policies a role may carry (by name), with what they really grant."""


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_text(part) for part in parts)
    if isinstance(value, dict) and value == {"Ref": "AWS::Partition"}:
        return "PARTITION"
    return json.dumps(value, sort_keys=True)


def _generic(arn: str) -> str:
    arn = re.sub(r"^arn:(aws|aws-cn|aws-us-gov|PARTITION):", "arn:PARTITION:", arn)
    arn = re.sub(r":[a-z]{2}(-[a-z]+)+-\d:", ":REGION:", arn)
    return re.sub(r":\d{12}:", ":ACCOUNT:", arn)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(templates: Templates) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(stack, logical id, kind, statement) of every IAM document: trusts and policies."""
    found = []
    for stack, template in templates.items():
        for logical_id, resource in template["Resources"].items():
            properties = resource.get("Properties", {})
            documents: list[tuple[str, Any]] = []
            if resource["Type"] == "AWS::IAM::Role":
                documents.append(("trust", properties.get("AssumeRolePolicyDocument")))
                documents += [
                    ("policy", p["PolicyDocument"]) for p in properties.get("Policies", [])
                ]
            elif resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                documents.append(("policy", properties.get("PolicyDocument")))
            for kind, document in documents:
                for statement in (document or {}).get("Statement", []):
                    found.append((stack, logical_id, kind, statement))
    return found


def _wide(kind: str, statement: dict[str, Any]) -> bool:
    actions = [_text(a) for a in _listed(statement.get("Action", []))]
    resources = [_text(r) for r in _listed(statement.get("Resource", []))]
    if any("*" in text for text in actions + resources):
        return True
    principal = json.dumps(statement.get("Principal", {}))
    return kind == "trust" and ":root" in principal and "Condition" not in statement


def _entry(statement: dict[str, Any]) -> Allowed | None:
    actions = tuple(sorted(_text(a) for a in _listed(statement.get("Action", []))))
    # Only the wildcard resources need a reason; named ones may sit beside them.
    resources = tuple(
        sorted(
            generic
            for r in _listed(statement.get("Resource", []))
            if "*" in (generic := _generic(_text(r)))
        )
    )
    keys = {key for block in statement.get("Condition", {}).values() for key in block}
    for allowed in ALLOWED:
        if (
            tuple(sorted(allowed.actions)) == actions
            and tuple(sorted(allowed.resources)) == resources
            and set(allowed.condition_keys) <= keys
        ):
            return allowed
    return None


def test_every_wide_statement_of_every_example_is_allowed_with_a_reason(
    example_templates: dict[str, Templates],
) -> None:
    unexplained = [
        f"{example}/{stack}/{logical_id} ({kind}): {json.dumps(statement)}"
        for example, templates in example_templates.items()
        for stack, logical_id, kind, statement in _statements(templates)
        if _wide(kind, statement) and _entry(statement) is None
    ]
    assert not unexplained, "\n".join(unexplained)


def _managed_policies(templates: Templates) -> set[str]:
    return {
        _text(arn).rsplit("/", 1)[-1]
        for template in templates.values()
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::IAM::Role"
        for arn in resource.get("Properties", {}).get("ManagedPolicyArns", [])
        if ":iam::aws:policy/" in _text(arn)
    }


def test_every_aws_managed_policy_is_allowed_with_what_it_grants(
    example_templates: dict[str, Templates],
) -> None:
    used = set().union(*(_managed_policies(t) for t in example_templates.values()))
    assert used <= ALLOWED_MANAGED.keys(), used - ALLOWED_MANAGED.keys()
    assert ALLOWED_MANAGED.keys() <= used, "an entry no example needs any more"
    # The default Session Manager role carries no AWS managed policy.
    assert "AmazonSSMManagedInstanceCore" not in used


def test_every_allow_list_entry_is_still_needed(example_templates: dict[str, Templates]) -> None:
    """An entry that no example uses any more goes, so the list only ever shrinks to the
    truth."""
    used = {
        _entry(statement)
        for templates in example_templates.values()
        for _, _, kind, statement in _statements(templates)
        if _wide(kind, statement)
    }
    assert set(ALLOWED) <= used, set(ALLOWED) - used


@pytest.mark.parametrize(
    ("kind", "statement", "wide"),
    [
        ("policy", {"Action": "ec2:DescribeVpcs", "Resource": "*"}, True),
        ("policy", {"Action": "ssm:*", "Resource": "arn:aws:ssm:us-east-1:1:parameter/x"}, True),
        ("policy", {"Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:::parameter/x"}, False),
        ("trust", {"Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::1:root"}}, True),
        (
            "trust",
            {
                "Action": "sts:AssumeRole",
                "Principal": {"AWS": "arn:aws:iam::1:root"},
                "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/r"}},
            },
            False,
        ),
        (
            "trust",
            {"Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}},
            False,
        ),
    ],
)
def test_what_counts_as_wide(kind: str, statement: dict[str, Any], wide: bool) -> None:
    assert _wide(kind, statement) is wide


def test_an_allowed_wildcard_needs_its_condition() -> None:
    accept = {
        "Action": "ec2:AcceptVpcPeeringConnection",
        "Resource": "arn:aws:ec2:us-east-1:111111111111:vpc-peering-connection/*",
    }
    assert _entry(accept) is None
    half = {**accept, "Condition": {"ArnEquals": {"ec2:AccepterVpc": "arn:..."}}}
    assert _entry(half) is None  # both VPCs, not one
    both = {"ec2:AccepterVpc": "arn:...", "ec2:RequesterVpc": "arn:..."}
    narrowed = {**accept, "Condition": {"ArnEquals": both}}
    assert _entry(narrowed) is not None
