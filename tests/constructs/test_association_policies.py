"""The association function's permission on attachments: each attachment by its ARN, in
managed policies of up to RESOURCES_PER_POLICY attachments each, each under IAM's 6,144
characters, never more policies on the role than IAM's quota allows, and each association
after the policy that names its attachment."""

from __future__ import annotations

import json
import math
from typing import Any

import aws_cdk as cdk
import pytest

from multivpc.constructs import SegmentAttachment, SegmentRouting
from multivpc.constructs.errors import ConstructArgumentError
from multivpc.topology.shards import ROUTING_RESOURCE_BUDGET
from multivpc.vocabulary import RESOURCES_PER_POLICY, ROLE_MANAGED_POLICIES

ACTIONS = ["ec2:AssociateTransitGatewayRouteTable", "ec2:DisassociateTransitGatewayRouteTable"]
MANAGED_POLICY_LIMIT = 6144
"""IAM: characters of a managed policy document, whitespace aside."""


def _template(attachments: int) -> dict[str, Any]:
    stack = cdk.Stack(
        cdk.App(), "routing", env=cdk.Environment(account="111111111111", region="us-east-1")
    )
    SegmentRouting(
        stack,
        "Routing",
        route_tables={"prod": "tgw-rtb-0prod", "dev": "tgw-rtb-0dev"},
        attachments=[
            SegmentAttachment(f"vpc{i:03}", f"tgw-attach-{i:017x}", "prod" if i % 2 else "dev")
            for i in range(attachments)
        ],
    )
    template = dict(cdk.assertions.Template.from_stack(stack).to_json())
    return template


def _attachment_policies(template: dict[str, Any]) -> dict[str, list[str]]:
    """{logical id: the attachment ids it names} of each policy allowing the actions on
    attachments."""
    found = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::IAM::ManagedPolicy":
            continue
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            resources = statement["Resource"]
            resources = resources if isinstance(resources, list) else [resources]
            if "transit-gateway-attachment" in json.dumps(resources):
                assert statement["Action"] == ACTIONS
                found[logical_id] = [
                    "".join(p for p in r["Fn::Join"][1] if isinstance(p, str)).rsplit("/", 1)[1]
                    if isinstance(r, dict)
                    else r.rsplit("/", 1)[1]
                    for r in resources
                ]
    return found


@pytest.mark.parametrize("attachments", [1, 50, 51, 120, 400])
def test_each_attachment_is_named_once_in_policies_of_at_most_fifty(attachments: int) -> None:
    template = _template(attachments)
    policies = _attachment_policies(template)
    assert len(policies) == math.ceil(attachments / 50)
    named = [a for ids in policies.values() for a in ids]
    assert sorted(named) == [f"tgw-attach-{i:017x}" for i in range(attachments)]
    assert all(len(ids) <= 50 for ids in policies.values())
    # Each association waits for the policy that names its attachment.
    for resource in template["Resources"].values():
        if resource["Type"] == "Custom::TransitGatewayAssociation":
            attachment = resource["Properties"]["AttachmentId"]
            [holder] = [k for k, ids in policies.items() if attachment in ids]
            assert holder in resource["DependsOn"]


def test_a_full_policy_stays_under_iams_limit_with_the_longest_arns() -> None:
    """The longest ARN: partition aws-iso-b, a 14-character region, a 12-digit account and
    a full attachment id, RESOURCES_PER_POLICY times."""
    arn = "arn:aws-iso-b:ec2:ap-southeast-5:123456789012:transit-gateway-attachment/" + (
        "tgw-attach-" + "f" * 17
    )
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Action": ACTIONS, "Effect": "Allow", "Resource": [arn] * 50}],
    }
    assert RESOURCES_PER_POLICY == 50
    assert len(json.dumps(document, separators=(",", ":"))) <= MANAGED_POLICY_LIMIT


def test_the_largest_routing_shard_fits_iams_policies_per_role() -> None:
    """A routing stack holds at most ROUTING_RESOURCE_BUDGET resources, so at most that
    many associations: their policies, the logs policy and the function's own policy stay
    within IAM's default quota of managed policies on one role."""
    assert ROLE_MANAGED_POLICIES == 10  # IAM's default quota
    assert math.ceil(ROUTING_RESOURCE_BUDGET / RESOURCES_PER_POLICY) + 2 <= ROLE_MANAGED_POLICIES


def test_more_policies_than_the_quota_is_refused_naming_the_fix() -> None:
    with pytest.raises(ConstructArgumentError, match=r"more than 10 managed policies.*split"):
        _template(50 * 8 + 1)
