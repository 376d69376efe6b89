"""VPC peering from config to templates: the connection and its peer properties, the
accepter's role, the ids that cross accounts and regions, routes on both sides in the
right stacks, deploy order, and edits that must stay safe.

Expected routes are written down from examples/peering.yaml, not read from the plan:
- app-shared (one account and region, one stack): app-prod's app and data groups send
  shared-services' 10.30.0.0/16, shared-services' services group sends 10.20.0.0/16;
- app-partner (partner account): only app-prod's app group sends 10.40.0.0/16; partner-db's
  db group sends its destinations, 10.20.0.0/20;
- app-eu (eu-west-1): app-prod's app and data send 10.50.0.0/16; app-eu's app sends
  10.20.0.0/16.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import (
    Templates,
    changed_resources,
    joined,
    plan_of,
    sdk_role,
    synthesize,
)
from tests.rules.test_vpc_peering import _peering, peered
from tests.support.builder import NetworkBuilder

NETWORK, PARTNER = "111111111111", "555555555555"
ZONES = ("us-east-1a", "us-east-1b")
EU = ("eu-west-1a", "eu-west-1b")
TABLES = [
    *(("app-prod", g, z) for g in ("app", "data") for z in ZONES),
    *(("shared-services", "services", z) for z in ZONES),
    *(("partner-db", "db", z) for z in ZONES),
    *(("app-eu", "app", z) for z in EU),
]
"""Every (VPC, group, zone) route table of the example."""

EXPECTED: dict[str, set[tuple[str, str, str, str]]] = {
    "peering-peering-app-shared": {
        *(("app-prod", g, z, "10.30.0.0/16") for g in ("app", "data") for z in ZONES),
        *(("shared-services", "services", z, "10.20.0.0/16") for z in ZONES),
    },
    "peering-peering-app-partner": {("app-prod", "app", z, "10.40.0.0/16") for z in ZONES},
    "peering-peering-app-partner-accepter-routes": {
        ("partner-db", "db", z, "10.20.0.0/20") for z in ZONES
    },
    "peering-peering-app-eu": {
        ("app-prod", g, z, "10.50.0.0/16") for g in ("app", "data") for z in ZONES
    },
    "peering-peering-app-eu-accepter-routes": {("app-eu", "app", z, "10.20.0.0/16") for z in EU},
}


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def _table(reference: Any) -> tuple[str, str, str]:
    text = json.dumps(reference)
    [table] = [t for t in TABLES if "".join(t).replace("-", "") + "RouteTable" in text]
    return table


def _routes(template: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {
        (*_table(r["Properties"]["RouteTableId"]), r["Properties"]["DestinationCidrBlock"])
        for r in _resources(template, "AWS::EC2::Route").values()
    }


def _connection(template: dict[str, Any]) -> dict[str, Any]:
    [connection] = _resources(template, "AWS::EC2::VPCPeeringConnection").values()
    props: dict[str, Any] = connection["Properties"]
    return props


@pytest.fixture(scope="module")
def example(example_templates: dict[str, Templates]) -> Templates:
    return example_templates["peering"]


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_routes_on_both_sides_in_the_right_stacks(example: Templates, stack: str) -> None:
    assert _routes(example[stack]) == EXPECTED[stack]
    for route in _resources(example[stack], "AWS::EC2::Route").values():
        assert set(route["Properties"]) == {
            "RouteTableId",
            "DestinationCidrBlock",
            "VpcPeeringConnectionId",
        }


def test_no_other_stack_routes_to_a_peering(example: Templates) -> None:
    for name, template in example.items():
        if name not in EXPECTED:
            peering_routes = [
                r
                for r in _resources(template, "AWS::EC2::Route").values()
                if "VpcPeeringConnectionId" in r["Properties"]
            ]
            assert peering_routes == [], name


def test_same_account_and_region_uses_plain_references(example: Templates) -> None:
    template = example["peering-peering-app-shared"]
    props = _connection(template)
    assert set(props) == {"VpcId", "PeerVpcId", "Tags"}
    assert "peering-shared-services:" in json.dumps(props["PeerVpcId"])
    # No id crosses: the only SDK call is the DNS option (dns_resolution in the example).
    assert len(_resources(template, "Custom::AWS")) == len(_dns_calls(template)) == 1
    assert not _resources(template, "AWS::SSM::Parameter")
    assert "peering-peering-app-shared-accepter" not in example


def test_cross_account_connection_names_owner_and_role(example: Templates) -> None:
    template = example["peering-peering-app-partner"]
    props = _connection(template)
    assert props["PeerOwnerId"] == PARTNER
    assert "PeerRegion" not in props
    assert json.dumps(props["PeerRoleArn"]).endswith(
        f':iam::{PARTNER}:role/mvpc-peering-peering-app-partner-accept"]]}}'
    )
    # The accepter VPC's id is read from the partner account's parameter through its role.
    assert "Parameter.Value" in json.dumps(props["PeerVpcId"])
    [read] = [
        r
        for r in _resources(template, "Custom::AWS").values()
        if "getParameter" in json.dumps(r["Properties"]["Create"])
    ]
    create = json.dumps(read["Properties"]["Create"])
    assert "/multivpc/peering/peerings/app-partner/accepter-vpc-id" in create
    assert f"{PARTNER}:role/mvpc-peering-peering-app-partner-vpc-ids" in create
    # The connection id is published for the partner account.
    [parameter] = _resources(template, "AWS::SSM::Parameter").values()
    assert parameter["Properties"]["Name"] == "/multivpc/peering/peerings/app-partner/connection-id"


def test_the_accept_role_trusts_the_requester_only_and_may_only_accept(
    example: Templates,
) -> None:
    template = example["peering-peering-app-partner-accepter"]
    [role] = [
        r
        for r in _resources(template, "AWS::IAM::Role").values()
        if r["Properties"]["RoleName"] == "mvpc-peering-peering-app-partner-accept"
    ]
    # Only the role CloudFormation deploys the requester's connection with (CDK's default
    # bootstrap qualifier, the requester's account and region) may assume it.
    exec_role = f"arn:aws:iam::{NETWORK}:role/cdk-hnb659fds-cfn-exec-role-{NETWORK}-us-east-1"
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{NETWORK}:root"},
            "Condition": {"ArnEquals": {"aws:PrincipalArn": [exec_role]}},
        }
    ]
    assert "Policies" not in role["Properties"]
    assert "ManagedPolicyArns" not in role["Properties"]
    [role_id] = [k for k, r in template["Resources"].items() if r is role]
    policies = [
        p
        for p in _resources(template, "AWS::IAM::ManagedPolicy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    [policy] = policies
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert {s["Action"] for s in statements} == {"ec2:AcceptVpcPeeringConnection"}
    connections, vpc = statements
    assert "vpc-peering-connection/*" in json.dumps(connections["Resource"])
    conditions = connections["Condition"]["ArnEquals"]
    assert set(conditions) == {"ec2:AccepterVpc", "ec2:RequesterVpc"}
    assert "peering-partner-db:" in json.dumps(conditions["ec2:AccepterVpc"])
    # The requester VPC, in the requester's account and region, by the id its VPC stack
    # publishes for this stack's SDK-call role.
    requester = json.dumps(conditions["ec2:RequesterVpc"])
    assert f":ec2:us-east-1:{NETWORK}:vpc/" in requester
    [read] = [
        r
        for r in _resources(template, "Custom::AWS").values()
        if "requester-vpc-id" in json.dumps(r["Properties"]["Create"])
    ]
    [read_id] = [k for k, r in template["Resources"].items() if r is read]
    assert read_id in requester
    create = json.dumps(read["Properties"]["Create"])
    assert "/multivpc/peering/peerings/app-partner/requester-vpc-id" in create
    assert f"{NETWORK}:role/mvpc-peering-peering-app-partner-requester-vpc-ids" in create
    assert ":vpc/" in json.dumps(vpc["Resource"])
    # No inline policy attaches to the accept role (the one there is the id read's).
    assert all(
        {"Ref": role_id} not in p["Properties"]["Roles"]
        for p in _resources(template, "AWS::IAM::Policy").values()
    )


def test_the_requester_vpc_publishes_its_id_for_the_accepters_stack_only(
    example: Templates,
) -> None:
    template = example["peering-app-prod"]
    name = "/multivpc/peering/peerings/app-partner/requester-vpc-id"
    [parameter] = [
        p
        for p in _resources(template, "AWS::SSM::Parameter").values()
        if p["Properties"]["Name"] == name
    ]
    [vpc_id] = _resources(template, "AWS::EC2::VPC")
    assert parameter["Properties"]["Value"] == {"Ref": vpc_id}
    [reader] = [
        r
        for r in _resources(template, "AWS::IAM::Role").values()
        if r["Properties"].get("RoleName") == "mvpc-peering-peering-app-partner-requester-vpc-ids"
    ]
    reading = sdk_role("us-east-1", "peering-peering-app-partner-accepter")
    assert joined(reader["Properties"]["AssumeRolePolicyDocument"]["Statement"]) == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{PARTNER}:root"]},
            "Condition": {
                "ArnEquals": {"aws:PrincipalArn": [f"arn:aws:iam::{PARTNER}:role/{reading}"]}
            },
        }
    ]
    # Only a cross-account peering publishes it: not app-shared nor app-eu (one account).
    names = {p["Properties"]["Name"] for p in _resources(template, "AWS::SSM::Parameter").values()}
    assert {n for n in names if "/peerings/" in n} == {name}


def test_the_accept_role_trusts_the_deploy_role_of_the_apps_bootstrap_qualifier() -> None:
    from multivpc.load import load_config

    templates = synthesize(
        load_config("examples/peering.yaml"),
        checks=False,
        context={"@aws-cdk/core:bootstrapQualifier": "netw0rk"},
    )
    template = templates["peering-peering-app-partner-accepter"]
    [statement] = [
        r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
        for r in _resources(template, "AWS::IAM::Role").values()
        if r["Properties"]["RoleName"] == "mvpc-peering-peering-app-partner-accept"
    ]
    assert statement["Condition"] == {
        "ArnEquals": {
            "aws:PrincipalArn": [
                f"arn:aws:iam::{NETWORK}:role/cdk-netw0rk-cfn-exec-role-{NETWORK}-us-east-1"
            ]
        }
    }


def test_cross_region_connection_names_the_region_only(example: Templates) -> None:
    props = _connection(example["peering-peering-app-eu"])
    assert props["PeerRegion"] == "eu-west-1"
    assert "PeerOwnerId" not in props and "PeerRoleArn" not in props
    accepter = example["peering-peering-app-eu-accepter"]
    # Same account: no accept role, only the VPC id published (for the own account).
    roles = {r["Properties"]["RoleName"] for r in _resources(accepter, "AWS::IAM::Role").values()}
    assert roles == {"mvpc-peering-peering-app-eu-vpc-ids"}
    routes = example["peering-peering-app-eu-accepter-routes"]
    [read] = _resources(routes, "Custom::AWS").values()
    assert '"region":"us-east-1"' in "".join(
        p for p in read["Properties"]["Create"]["Fn::Join"][1] if isinstance(p, str)
    )


def test_stacks_deploy_in_order_in_the_right_places() -> None:
    from multivpc.load import load_config

    planned = plan_of(load_config("examples/peering.yaml"))
    stacks = {s.name: s for s in planned.stacks}
    order = [s.name for s in planned.stacks]
    base = "peering-peering-app-partner"
    accepter, connection, routes = (
        stacks[f"{base}-accepter"],
        stacks[base],
        stacks[f"{base}-accepter-routes"],
    )
    assert (accepter.account_id, accepter.region) == (PARTNER, "us-east-1")
    assert (connection.account_id, connection.region) == (NETWORK, "us-east-1")
    assert (routes.account_id, routes.region) == (PARTNER, "us-east-1")
    # It reads the requester VPC's id (its accept role's condition).
    assert accepter.depends_on == ("peering-partner-db", "peering-app-prod")
    assert connection.depends_on == ("peering-app-prod", f"{base}-accepter")
    assert routes.depends_on == (base, "peering-partner-db")
    assert order.index(accepter.name) < order.index(base) < order.index(routes.name)
    eu = stacks["peering-peering-app-eu-accepter-routes"]
    assert (eu.account_id, eu.region) == (NETWORK, "eu-west-1")
    assert stacks["peering-peering-app-shared"].depends_on == (
        "peering-app-prod",
        "peering-shared-services",
    )


def _synth(builder: NetworkBuilder) -> Templates:
    return synthesize(builder.build(), checks=False)


def test_adding_a_peering_adds_stacks_and_changes_nothing() -> None:
    before = _synth(peered())
    after = _synth(peered(_peering(), _peering("other", "shared", name="other-shared")))
    assert changed_resources(before, after) == []
    assert set(after) - set(before) == {
        "test-peering-other-shared-accepter",
        "test-peering-other-shared",
        "test-peering-other-shared-accepter-routes",
    }


def test_a_cross_account_peer_without_role_is_refused_by_the_construct() -> None:
    import aws_cdk as cdk

    from multivpc.constructs import VpcPeeringConnection

    stack = cdk.Stack(cdk.App(), "s")
    with pytest.raises(ValueError, match="needs peer_role_arn"):
        VpcPeeringConnection(stack, "p", vpc_id="vpc-1", peer_vpc_id="vpc-2", peer_owner_id="1")


# -- DNS resolution across a peering: who calls what, on which connection -----------------
DNS_SIDES = {
    # stack: (sides whose option it sets, the connection as the template names it)
    "peering-peering-app-shared": (["requester", "accepter"], "Ref"),
    "peering-peering-app-partner": (["requester"], "Ref"),
    "peering-peering-app-partner-accepter-routes": (["accepter"], "Fn::GetAtt"),
}
"""From examples/peering.yaml: app-shared (one account and region) and app-partner (two
accounts) have dns_resolution; app-eu has not."""


def _dns_calls(template: dict[str, Any]) -> list[dict[str, Any]]:
    """The Create calls of the template's ModifyVpcPeeringConnectionOptions resources,
    with the connection token put back where the JSON string was cut."""
    calls = []
    for resource in _resources(template, "Custom::AWS").values():
        parts = resource["Properties"]["Create"]["Fn::Join"][1]
        if "modifyVpcPeeringConnectionOptions" not in json.dumps(parts):
            continue
        text = "".join(p if isinstance(p, str) else "CONNECTION" for p in parts)
        token = next(p for p in parts if not isinstance(p, str))
        calls.append({"call": json.loads(text), "token": token, "delete": resource["Properties"]})
    return calls


@pytest.mark.parametrize("stack", sorted(DNS_SIDES))
def test_dns_resolution_is_set_by_each_sides_own_stack(example: Templates, stack: str) -> None:
    sides, token_kind = DNS_SIDES[stack]
    [found] = _dns_calls(example[stack])
    call = found["call"]
    assert call["service"] == "EC2" and call["action"] == "modifyVpcPeeringConnectionOptions"
    assert "region" not in call and "assumedRoleArn" not in call  # its own account and region
    assert call["parameters"] == {
        "VpcPeeringConnectionId": "CONNECTION",
        **{
            f"{side.capitalize()}PeeringConnectionOptions": {
                "AllowDnsResolutionFromRemoteVpc": True
            }
            for side in sides
        },
    }
    assert token_kind in found["token"]
    delete = json.loads(
        "".join(
            p if isinstance(p, str) else "CONNECTION"
            for p in found["delete"]["Delete"]["Fn::Join"][1]
        )
    )
    assert {
        key: value["AllowDnsResolutionFromRemoteVpc"]
        for key, value in delete["parameters"].items()
        if key != "VpcPeeringConnectionId"
    } == {f"{side.capitalize()}PeeringConnectionOptions": False for side in sides}
    assert delete["ignoreErrorCodesMatching"] == "InvalidVpcPeeringConnectionID.NotFound"


def test_dns_resolution_calls_may_modify_one_connection_only(example: Templates) -> None:
    for stack, (_, token_kind) in DNS_SIDES.items():
        [policy] = [
            r
            for r in _resources(example[stack], "AWS::IAM::Policy").values()
            if "ModifyVpcPeeringConnectionOptions" in json.dumps(r)
        ]
        [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
        assert statement["Action"] == "ec2:ModifyVpcPeeringConnectionOptions"
        resources = statement["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        accounts = {NETWORK} if "accepter" not in stack else {NETWORK, PARTNER}
        assert {json.dumps(r["Fn::Join"][1][2]) for r in resources} == {
            json.dumps(f":ec2:us-east-1:{account}:vpc-peering-connection/") for account in accounts
        }
        assert all(token_kind in json.dumps(r["Fn::Join"][1][3]) for r in resources)


def test_no_dns_resolution_no_call(example: Templates) -> None:
    called = {stack for stack, template in example.items() if _dns_calls(template)}
    assert called == set(DNS_SIDES)
