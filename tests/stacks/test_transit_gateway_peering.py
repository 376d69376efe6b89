"""Transit Gateway peering from config to templates: the attachment and how the peer's id
reaches it, the acceptance, both sides' associations and static routes, the VPC routes
toward the peer, and edits that must stay safe.

Expected routes are written down from examples/tgw-peering.yaml, not read from the plan:
hub's segment shared reaches prod, so the peering (a member of shared) sends eu-app's
CIDR from both shared and prod; hub-eu's segment apps sends the CIDRs of every VPC hub's
shared table routes to (shared-services and prod-app).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from multivpc.constructs.transit_gateway import ASSOCIATION_HANDLER
from multivpc.constructs.transit_gateway_peering import ACCEPTANCE_TYPE, HANDLER_SOURCE
from tests.conftest import (
    Templates,
    changed_resources,
    plan_of,
    sdk_role,
    ssm_parameter_read,
    synthesize,
)
from tests.rules.test_transit_gateway_peering import EU, US, _peering, peered
from tests.support.builder import NetworkBuilder, network_from

NETWORK, EUROPE = "111111111111", "444444444444"
ATTACHMENT_STACK = "tgw-peering-tgw-peering-us-eu"
ACCEPT_STACK = f"{ATTACHMENT_STACK}-accept"
ROUTING_STACK = f"{ATTACHMENT_STACK}-routing"


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def _segment_of(template: dict[str, Any], table_ref: Any) -> str:
    """The segment whose route table ``table_ref`` reads (the hub publishes each route
    table's id as ``.../route-tables/<segment>``)."""
    parameter = ssm_parameter_read(template, table_ref)
    assert parameter is not None, table_ref
    prefix, segment = parameter.rsplit("/", 1)
    assert prefix.endswith("/route-tables"), parameter
    return segment


def _routes(template: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (
            _segment_of(template, r["Properties"]["TransitGatewayRouteTableId"]),
            r["Properties"]["DestinationCidrBlock"],
        )
        for r in _resources(template, "AWS::EC2::TransitGatewayRoute").values()
    }


def _sdk_calls(template: dict[str, Any]) -> list[dict[str, Any]]:
    calls = []
    for resource in _resources(template, "Custom::AWS").values():
        create = resource["Properties"]["Create"]
        if isinstance(create, dict):  # {"Fn::Join": ["", [text, {"Ref": "AWS::Partition"}, ...]]}
            separator, parts = create["Fn::Join"]
            create = separator.join(
                "aws" if part == {"Ref": "AWS::Partition"} else part for part in parts
            )
        calls.append(json.loads(create))
    return calls


@pytest.fixture(scope="module")
def example(example_templates: dict[str, Templates]) -> Templates:
    return example_templates["tgw-peering"]


def test_the_peering_attachment_reads_the_accepter_gateway_id_across_accounts(
    example: Templates,
) -> None:
    template = example[ATTACHMENT_STACK]
    [attachment] = _resources(template, "AWS::EC2::TransitGatewayPeeringAttachment").values()
    props = attachment["Properties"]
    assert props["PeerAccountId"] == EUROPE
    assert props["PeerRegion"] == "eu-west-1"
    # Its own gateway's id, of the same account and region: a template parameter that reads
    # the hub's published id (no export the hub could not change).
    assert ssm_parameter_read(template, props["TransitGatewayId"]) == (
        "/multivpc/tgw-peering/transit-gateways/hub/id"
    )
    assert "Parameter.Value" in json.dumps(props["PeerTransitGatewayId"])
    [call] = _sdk_calls(template)
    assert call["parameters"] == {"Name": "/multivpc/tgw-peering/transit-gateways/hub-eu/id"}
    assert call["region"] == "eu-west-1"
    assert call["assumedRoleArn"].endswith(f":iam::{EUROPE}:role/mvpc-tgw-peering-hub-eu-ids")
    # The accepter's hub lets the requester account read its id, through SDK-call roles only.
    [reader] = _resources(example["tgw-peering-tgw-hub-eu"], "AWS::IAM::Role").values()
    [statement] = reader["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert f":iam::{NETWORK}:root" in json.dumps(statement["Principal"])
    # exactly the peering attachment stack's SDK-call role (us-east-1), by ARN
    peering_role = sdk_role("us-east-1", ATTACHMENT_STACK)
    assert [
        a["Fn::Join"][1][-1] for a in statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]
    ] == [f":iam::{NETWORK}:role/{peering_role}"]
    # And the attachment id is published for the accepter account.
    [parameter] = _resources(template, "AWS::SSM::Parameter").values()
    assert parameter["Properties"]["Name"] == (
        "/multivpc/tgw-peering/transit-gateway-peerings/us-eu/attachment-id"
    )
    [role] = [
        r
        for r in _resources(template, "AWS::IAM::Role").values()
        if r["Properties"].get("RoleName") == "mvpc-tgw-peering-peering-us-eu-ids"
    ]
    assert f":iam::{EUROPE}:root" in json.dumps(role["Properties"]["AssumeRolePolicyDocument"])


def test_the_accepter_accepts_then_associates_and_routes(example: Templates) -> None:
    template = example[ACCEPT_STACK]
    [(acceptance_id, acceptance)] = _resources(template, ACCEPTANCE_TYPE).items()
    assert "Parameter.Value" in json.dumps(acceptance["Properties"]["AttachmentId"])
    [call] = _sdk_calls(template)
    assert call["parameters"] == {
        "Name": "/multivpc/tgw-peering/transit-gateway-peerings/us-eu/attachment-id"
    }
    assert call["region"] == "us-east-1"
    assert call["assumedRoleArn"].endswith(
        f":iam::{NETWORK}:role/mvpc-tgw-peering-peering-us-eu-ids"
    )
    [association] = _resources(template, "Custom::TransitGatewayAssociation").values()
    assert _segment_of(template, association["Properties"]["RouteTableId"]) == "apps"
    assert _routes(template) == {("apps", "10.0.0.0/16"), ("apps", "10.1.0.0/16")}
    # Nothing is routed before the attachment is available.
    for resource in [
        association,
        *_resources(template, "AWS::EC2::TransitGatewayRoute").values(),
    ]:
        assert acceptance_id in resource.get("DependsOn", []), resource


def test_the_acceptance_function_runs_the_handler_with_least_privilege(
    example: Templates,
) -> None:
    template = example[ACCEPT_STACK]
    functions = _resources(template, "AWS::Lambda::Function")
    inlined = {
        f["Properties"]["Code"]["ZipFile"]
        for f in functions.values()
        if "ZipFile" in f["Properties"]["Code"]
    }
    assert inlined == {HANDLER_SOURCE.read_text(), ASSOCIATION_HANDLER.read_text()}
    [accepting] = [
        f
        for f in functions.values()
        if f["Properties"]["Code"].get("ZipFile") == HANDLER_SOURCE.read_text()
    ]
    assert accepting["Properties"]["Timeout"] == 14 * 60
    policies = [
        statement
        for policy in _resources(template, "AWS::IAM::ManagedPolicy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "PeeringAttachment" in json.dumps(statement["Action"])
    ]
    actions = {json.dumps(s["Action"]): s["Resource"] for s in policies}
    assert actions.keys() == {
        '"ec2:AcceptTransitGatewayPeeringAttachment"',
        '"ec2:DescribeTransitGatewayPeeringAttachments"',
    }
    accept = json.dumps(actions['"ec2:AcceptTransitGatewayPeeringAttachment"'])
    assert "transit-gateway-attachment/" in accept and "Parameter.Value" in accept


def test_the_requester_routes_after_acceptance(example: Templates) -> None:
    template = example[ROUTING_STACK]
    [association] = _resources(template, "Custom::TransitGatewayAssociation").values()
    assert _segment_of(template, association["Properties"]["RouteTableId"]) == "shared"
    assert _routes(template) == {("shared", "10.64.0.0/16"), ("prod", "10.64.0.0/16")}
    network = plan_of(peered().build())
    stacks = {s.name: s for s in network.stacks}
    assert stacks["test-tgw-peering-us-eu"].depends_on == ("test-tgw-hub", "test-tgw-hub-eu")
    assert stacks["test-tgw-peering-us-eu-accept"].depends_on == (
        "test-tgw-peering-us-eu",
        "test-tgw-hub-eu",
    )
    assert stacks["test-tgw-peering-us-eu-routing"].depends_on == (
        "test-tgw-peering-us-eu-accept",
        "test-tgw-hub",
    )
    assert (stacks["test-tgw-peering-us-eu-accept"].account_id,) == ("222222222222",)


def _vpc_tgw_routes(template: dict[str, Any]) -> set[str]:
    return {
        r["Properties"]["DestinationCidrBlock"]
        for r in _resources(template, "AWS::EC2::Route").values()
        if "TransitGatewayId" in r["Properties"]
    }


def test_vpcs_route_the_peer_vpcs_to_their_gateway(example: Templates) -> None:
    assert _vpc_tgw_routes(example["tgw-peering-prod-app"]) == {"10.0.0.0/16", "10.64.0.0/16"}
    assert _vpc_tgw_routes(example["tgw-peering-shared-services"]) == {
        "10.1.0.0/16",
        "10.64.0.0/16",
    }
    assert _vpc_tgw_routes(example["tgw-peering-eu-app"]) == {"10.0.0.0/16", "10.1.0.0/16"}


def _synth(builder: NetworkBuilder) -> Templates:
    return synthesize(builder.build(), checks=False)


def test_summary_destinations_replace_the_per_vpc_routes() -> None:
    templates = _synth(peered(peering=_peering({**US, "summaries": ["10.64.0.0/10"]}, EU)))
    assert _routes(templates["test-tgw-peering-us-eu-routing"]) == {
        ("shared", "10.64.0.0/10"),
        ("prod", "10.64.0.0/10"),
    }
    assert _vpc_tgw_routes(templates["test-prod"]) == {"10.0.0.0/16", "10.64.0.0/10"}
    # The other side still routes per VPC.
    assert _routes(templates["test-tgw-peering-us-eu-accept"]) == {
        ("apps", "10.0.0.0/16"),
        ("apps", "10.1.0.0/16"),
    }


def test_peers_in_one_account_and_region_read_ids_without_sdk_calls() -> None:
    data = peered().data()
    data["transit_gateways"][1].update(account="network", region="us-east-1")
    eu = data["vpcs"][2]
    eu.update(
        account="network", region="us-east-1", availability_zones=["us-east-1a", "us-east-1b"]
    )
    templates = _synth(network_from(data))
    prefix = "/multivpc/test/transit-gateway"
    for stack in ("test-tgw-peering-us-eu", "test-tgw-peering-us-eu-accept"):
        assert not _resources(templates[stack], "Custom::AWS"), stack
        assert "Fn::ImportValue" not in json.dumps(templates[stack]), stack
    peering = templates["test-tgw-peering-us-eu"]
    [attachment] = _resources(peering, "AWS::EC2::TransitGatewayPeeringAttachment").values()
    props = attachment["Properties"]
    assert props["PeerRegion"] == "us-east-1"
    assert props["PeerAccountId"] == NETWORK
    assert ssm_parameter_read(peering, props["TransitGatewayId"]) == f"{prefix}s/hub/id"
    assert ssm_parameter_read(peering, props["PeerTransitGatewayId"]) == f"{prefix}s/hub-eu/id"
    # The attachment id is published without a reader role, for the two stacks that read it.
    [published] = _resources(peering, "AWS::SSM::Parameter").values()
    assert published["Properties"]["Name"] == f"{prefix}-peerings/us-eu/attachment-id"
    assert not _resources(peering, "AWS::IAM::Role")
    for stack in ("test-tgw-peering-us-eu-accept", "test-tgw-peering-us-eu-routing"):
        [association] = _resources(templates[stack], "Custom::TransitGatewayAssociation").values()
        assert ssm_parameter_read(templates[stack], association["Properties"]["AttachmentId"]) == (
            f"{prefix}-peerings/us-eu/attachment-id"
        ), stack


def test_adding_a_vpc_behind_the_peer_adds_routes_and_changes_nothing() -> None:
    before = _synth(peered())
    after = _synth(
        peered().vpc(
            "eu-two",
            cidr="10.65.0.0/16",
            nat="none",
            account="apps",
            region="eu-west-1",
            availability_zones=["eu-west-1a", "eu-west-1b"],
            groups=[
                {"name": "transit", "tier": "isolated", "cidr": "10.65.0.0/24", "prefix_length": 28}
            ],
            transit_gateway={"name": "hub-eu", "segment": "apps", "subnet_group": "transit"},
        )
    )
    # The association function may (dis)associate the new attachment too, by its id: the
    # policy naming attachments changes in place; nothing else that exists does.
    changed = changed_resources(before, after)
    assert [c.rsplit("/", 1)[0] for c in changed] == ["test-tgw-hub-eu-routing"]
    [policy_id] = [c.rsplit("/", 1)[1] for c in changed]
    policy = after["test-tgw-hub-eu-routing"]["Resources"][policy_id]
    assert policy_id.startswith("AssociationAttachments")
    assert "eutwoAttachmentId" in json.dumps(policy)
    assert _routes(after["test-tgw-peering-us-eu-routing"]) - _routes(
        before["test-tgw-peering-us-eu-routing"]
    ) == {("shared", "10.65.0.0/16"), ("prod", "10.65.0.0/16")}


def test_adding_a_peering_changes_only_the_readers_of_the_peer_gateway_id() -> None:
    without = peered().data()
    without.pop("transit_gateway_peerings")
    before = _synth(network_from(without))
    after = _synth(peered())
    # hub-eu's id gets a reader role for the requester account; nothing else that exists
    # changes (hub-eu had no reader before: its spokes are all in its own account).
    assert changed_resources(before, after) == []
    assert set(after) - set(before) == {
        "test-tgw-peering-us-eu",
        "test-tgw-peering-us-eu-accept",
        "test-tgw-peering-us-eu-routing",
    }
