"""The Transit Gateway from config to templates: the hub, the spokes, the routing stack,
edits that must stay safe, and a 300-spoke estate within CloudFormation's limits."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import aws_cdk as cdk
import pytest
import yaml

from multivpc.load import parse_network
from multivpc.plan import NetworkPlan, plan
from multivpc.stacks.transit_stacks import HubStack, RoutingStack
from tests.conftest import (
    ROOT,
    Templates,
    changed_resources,
    sdk_role,
    ssm_parameter_read,
    synthesize,
)
from tests.rules.test_transit_gateway import hub
from tests.support.builder import NetworkBuilder, network_from

NETWORK = "111111111111"
BOS = "us-east-1-bos-1a"


def _resources(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == kind]


@pytest.fixture(scope="module")
def example(example_templates: dict[str, Templates]) -> Templates:
    return example_templates["hub-and-spoke"]


def test_hub_stack_holds_the_gateway_with_defaults_off_and_its_share(example: Templates) -> None:
    hub_template = example["hub-and-spoke-tgw-hub"]
    [tgw] = _resources(hub_template, "AWS::EC2::TransitGateway")
    props = tgw["Properties"]
    assert props["DefaultRouteTableAssociation"] == "disable"
    assert props["DefaultRouteTablePropagation"] == "disable"
    assert props["AmazonSideAsn"] == 64512
    assert props["AutoAcceptSharedAttachments"] == "enable"
    assert len(_resources(hub_template, "AWS::EC2::TransitGatewayRouteTable")) == 3
    [share] = _resources(hub_template, "AWS::RAM::ResourceShare")
    assert share["Properties"]["Principals"] == ["222222222222", "333333333333"]
    assert share["Properties"]["AllowExternalPrincipals"] is False
    [reader] = _resources(hub_template, "AWS::IAM::Role")
    assert reader["Properties"]["RoleName"] == "mvpc-hub-and-spoke-hub-ids"
    [statement] = reader["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    principals = json.dumps(statement["Principal"])
    assert "222222222222" in principals and "333333333333" in principals
    assert "111111111111" not in principals
    # Narrowed to exactly the SDK-call roles of the three spoke stacks that read the id,
    # each named after its stack and region (mvpc-sdk-<crc32 of "region/stack">).
    allowed = [
        arn["Fn::Join"][1][-1] for arn in statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]
    ]
    assert allowed == [
        f":iam::222222222222:role/{sdk_role('us-east-1', 'hub-and-spoke-prod-app')}",
        f":iam::333333333333:role/{sdk_role('us-east-1', 'hub-and-spoke-dev-app')}",
        f":iam::333333333333:role/{sdk_role('us-east-1', 'hub-and-spoke-dev-tools')}",
    ]
    for stack in ("hub-and-spoke-prod-app", "hub-and-spoke-dev-app", "hub-and-spoke-dev-tools"):
        names = [
            r["Properties"].get("RoleName", "")
            for r in _resources(example[stack], "AWS::IAM::Role")
        ]
        assert sdk_role("us-east-1", stack) in names, names


def test_each_attachment_id_reader_role_trusts_the_routing_stacks_sdk_role_only(
    example: Templates,
) -> None:
    routing_role = sdk_role("us-east-1", "hub-and-spoke-tgw-hub-routing")
    for spoke, account in (
        ("prod-app", "222222222222"),
        ("dev-app", "333333333333"),
        ("dev-tools", "333333333333"),
    ):
        [reader] = [
            r
            for r in _resources(example[f"hub-and-spoke-{spoke}"], "AWS::IAM::Role")
            if r["Properties"].get("RoleName") == f"mvpc-hub-and-spoke-{spoke}-ids"
        ]
        [statement] = reader["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        [arn] = statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]
        assert arn["Fn::Join"][1][-1] == f":iam::111111111111:role/{routing_role}", spoke
        assert account not in json.dumps(statement["Principal"])


def test_each_spoke_attaches_in_its_own_stack(example: Templates) -> None:
    for vpc in ("shared-services", "prod-app", "dev-app", "dev-tools"):
        [attachment] = _resources(
            example[f"hub-and-spoke-{vpc}"], "AWS::EC2::TransitGatewayAttachment"
        )
        assert len(attachment["Properties"]["SubnetIds"]) == 2
        assert attachment["Properties"]["Options"]["ApplianceModeSupport"] == "disable"


def test_cross_account_spokes_read_the_gateway_id_through_the_reader_role(
    example: Templates,
) -> None:
    prod = example["hub-and-spoke-prod-app"]
    reads = [r for r in _resources(prod, "Custom::AWS") if "getParameter" in json.dumps(r)]
    [read] = reads
    text = json.dumps(read["Properties"]["Create"])
    assert "/multivpc/hub-and-spoke/transit-gateways/hub/id" in text
    assert ":iam::111111111111:role/mvpc-hub-and-spoke-hub-ids" in text
    same_account = example["hub-and-spoke-shared-services"]
    assert not [
        r for r in _resources(same_account, "Custom::AWS") if "getParameter" in json.dumps(r)
    ]


def _tgw_routes(template: dict[str, Any]) -> dict[str, set[str]]:
    """{route table logical id: destination CIDRs routed to a Transit Gateway}."""
    routes: dict[str, set[str]] = {}
    for route in _resources(template, "AWS::EC2::Route"):
        props = route["Properties"]
        if "TransitGatewayId" in props:
            routes.setdefault(props["RouteTableId"]["Ref"], set()).add(
                props["DestinationCidrBlock"]
            )
    return routes


@pytest.mark.parametrize(
    ("vpc", "tables", "cidrs"),
    [
        ("shared-services", 2, {"10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"}),
        ("prod-app", 4, {"10.0.0.0/16"}),  # app and data, two AZs each
        ("dev-app", 2, {"10.0.0.0/16"}),
        ("dev-tools", 2, {"10.0.0.0/16"}),
    ],
)
def test_spoke_routes_follow_segment_intent(
    example: Templates, vpc: str, tables: int, cidrs: set[str]
) -> None:
    routes = _tgw_routes(example[f"hub-and-spoke-{vpc}"])
    assert len(routes) == tables
    assert all(destinations == cidrs for destinations in routes.values())


def test_the_association_function_may_use_the_gateways_route_tables_only(
    example: Templates,
) -> None:
    """(Dis)association is allowed on the three segment route tables of this gateway, named
    by the ids the hub publishes, and on no other route table."""
    routing = example["hub-and-spoke-tgw-hub-routing"]
    [statement, attachments] = [
        st
        for r in _resources(routing, "AWS::IAM::ManagedPolicy")
        for st in r["Properties"]["PolicyDocument"]["Statement"]
        if "ec2:AssociateTransitGatewayRouteTable" in st["Action"]
    ]
    # The attachments by id, each read from what its VPC's stack publishes, in the hub's
    # account and region (AWS lets only a shared gateway's owner run attachment APIs).
    prefix = "arn:aws:ec2:us-east-1:111111111111:transit-gateway-attachment/"
    read = []
    for arn in attachments["Resource"]:
        [written, value] = arn["Fn::Join"][1]
        assert written == prefix
        if "Ref" in value:
            read.append(ssm_parameter_read(routing, value))
        else:
            [custom] = [routing["Resources"][value["Fn::GetAtt"][0]]]
            text = "".join(
                p for p in custom["Properties"]["Create"]["Fn::Join"][1] if isinstance(p, str)
            )
            read += re.findall(r'"Name":"([^"]+)"', text)
    assert sorted(read) == [  # type: ignore[type-var]
        f"{HUB_IDS}/attachments/{vpc}"
        for vpc in ("dev-app", "dev-tools", "prod-app", "shared-services")
    ]
    tables = [
        ssm_parameter_read(routing, arn["Fn::Join"][1][-1])
        for arn in statement["Resource"]
        if "transit-gateway-route-table/" in json.dumps(arn)
    ]
    assert sorted(tables) == [  # type: ignore[type-var]
        f"{HUB_IDS}/route-tables/dev",
        f"{HUB_IDS}/route-tables/prod",
        f"{HUB_IDS}/route-tables/shared",
    ]
    assert all(
        "transit-gateway-route-table/*" not in json.dumps(arn) for arn in statement["Resource"]
    )


def test_routing_stack_associates_propagates_and_blackholes(example: Templates) -> None:
    routing = example["hub-and-spoke-tgw-hub-routing"]
    associations = _resources(routing, "Custom::TransitGatewayAssociation")
    assert len(associations) == 4
    assert not _resources(routing, "AWS::EC2::TransitGatewayRouteTableAssociation")
    # shared-services into 3 tables, prod-app into 2, dev-app and dev-tools into 1 each
    assert len(_resources(routing, "AWS::EC2::TransitGatewayRouteTablePropagation")) == 7
    [blackhole] = _resources(routing, "AWS::EC2::TransitGatewayRoute")
    assert blackhole["Properties"]["Blackhole"] is True
    assert blackhole["Properties"]["DestinationCidrBlock"] == "10.99.0.0/16"


def _synth(builder: NetworkBuilder) -> Templates:
    return synthesize(builder.build(), checks=False)


def _spoke(builder: NetworkBuilder, name: str, cidr: str, segment: str) -> NetworkBuilder:
    return (
        builder.vpc(name, cidr=cidr, account="apps", nat="none")
        .group("private", tier="isolated")
        .drop_group("public")
        .group(
            "transit", tier="isolated", cidr=cidr.replace(".0.0/16", ".240.0/24"), prefix_length=28
        )
        .set(transit_gateway={"name": "hub", "segment": segment, "subnet_group": "transit"})
    )


def test_adding_a_spoke_changes_nothing_that_exists() -> None:
    before = _synth(hub())
    after = _synth(_spoke(hub(), "prod-two", "10.2.0.0/16", "prod"))
    changed = changed_resources(before, after)
    # The shared VPC gains a route to the new spoke; existing routes and everything else
    # keep their logical ids and properties. Exports may change order, the hub's id
    # reader role trusts the new spoke's SDK-call role too (its trust policy, in place),
    # the routing stack's SDK-call role may assume the new spoke's id reader role, and
    # the association function may (dis)associate the new attachment, by its id.
    assert [c for c in changed if "Output" not in c] == [
        "test-tgw-hub/PublishedIdReader61F13F01",
        "test-tgw-hub-routing/IdReaderRoles6632B3F0",
        "test-tgw-hub-routing/AssociationAttachmentsC9194348",
    ]
    readers = after["test-tgw-hub-routing"]["Resources"]["IdReaderRoles6632B3F0"]
    assert "role/mvpc-test-prod-two-ids" in json.dumps(readers)
    [reader] = [
        r for r in after["test-tgw-hub"]["Resources"].values() if r["Type"] == "AWS::IAM::Role"
    ]
    [old_reader] = [
        r for r in before["test-tgw-hub"]["Resources"].values() if r["Type"] == "AWS::IAM::Role"
    ]
    assert {k: v for k, v in reader["Properties"].items() if k != "AssumeRolePolicyDocument"} == {
        k: v for k, v in old_reader["Properties"].items() if k != "AssumeRolePolicyDocument"
    }
    new_role = sdk_role("us-east-1", "test-prod-two")
    assert new_role in json.dumps(reader) and new_role not in json.dumps(old_reader)
    assert set(after) - set(before) == {"test-prod-two"}


def test_adding_a_segment_or_a_static_route_changes_nothing_that_exists() -> None:
    segments: list[dict[str, Any]] = [{"name": "shared"}, {"name": "prod", "reaches": ["shared"]}]
    before = _synth(hub(segments=segments))
    more: list[dict[str, Any]] = [
        {"name": "shared", "routes": [{"cidr": "10.99.0.0/16", "blackhole": True}]},
        {"name": "prod", "reaches": ["shared"]},
        {"name": "sandbox"},
    ]
    after = _synth(hub(segments=more))
    # The association function may use the new segment's route table too: its policy
    # document changes in place; nothing else does.
    changed = [c for c in changed_resources(before, after) if "Output" not in c]
    assert changed == ["test-tgw-hub-routing/AssociationFunctionPolicy15D07B40"]
    policy = after["test-tgw-hub-routing"]["Resources"]["AssociationFunctionPolicy15D07B40"]
    assert "/route-tables/sandbox" in json.dumps(after["test-tgw-hub-routing"]["Parameters"])
    assert "RouteTableIdsandbox" in json.dumps(policy)


def _estate(spokes: int, segments: int) -> NetworkPlan:
    names = [f"seg{i}" for i in range(segments)]
    vpcs = []
    for index in range(spokes):
        cidr = f"10.{index // 250 + 1}.{index % 250}.0/24"
        vpcs.append(
            {
                "name": f"spoke{index:03d}",
                "account": "apps",
                "cidr": cidr,
                "availability_zones": ["us-east-1a", "us-east-1b"],
                "subnets": [
                    {
                        "name": "app",
                        "tier": "isolated",
                        "cidr": cidr.replace(".0/24", ".0/25"),
                        "prefix_length": 26,
                    },
                    {
                        "name": "transit",
                        "tier": "isolated",
                        "cidr": cidr.replace(".0/24", ".128/27"),
                        "prefix_length": 28,
                    },
                ],
                "transit_gateway": {
                    "name": "hub",
                    "segment": names[index % segments],
                    "subnet_group": "transit",
                    # One summary route per table: a seg0 spoke reaching the 299 others
                    # would need 299 routes per table and 642 resources in its stack.
                    "summaries": ["10.0.0.0/8"],
                },
            }
        )
    config = {
        "name": "big",
        "accounts": {"network": NETWORK, "apps": "222222222222"},
        "defaults": {"account": "network", "region": "us-east-1"},
        "transit_gateways": [
            {
                "name": "hub",
                "share_with": ["apps"],
                "segments": [
                    {"name": n, "reaches": names[:1] if n != names[0] else []} for n in names
                ],
            }
        ],
        "vpcs": vpcs,
    }
    return plan(parse_network(yaml.safe_dump(config), "big.yaml").topology)


def _resolved_length(value: Any) -> int:
    """Characters of a policy document once deployed, without whitespace: the partition
    as "aws", every other reference as a 28-character id (an attachment id's length)."""

    def resolve(item: Any) -> Any:
        if isinstance(item, list):
            return [resolve(i) for i in item]
        if isinstance(item, dict) and item == {"Ref": "AWS::Partition"}:
            return "aws"
        if isinstance(item, dict) and "Fn::Join" in item:
            separator, parts = item["Fn::Join"]
            return str(separator).join(str(resolve(p)) for p in parts)
        if isinstance(item, dict) and ({"Ref"} == set(item) or {"Fn::GetAtt"} == set(item)):
            return "x" * 28
        if isinstance(item, dict):
            return {k: resolve(v) for k, v in item.items()}
        return item

    return len(json.dumps(resolve(value), separators=(",", ":")))


def _within_iams_role_quotas(template: dict[str, Any]) -> None:
    """The SDK-call role of a stack: its inline policies within 10,240 characters in all,
    at most 10 managed policies (IAM's default quotas), each within 6,144 characters."""
    resources = template["Resources"]
    [role] = [k for k, r in resources.items() if r["Type"] == "AWS::IAM::Role"]
    inline = [
        r["Properties"]["PolicyDocument"]
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and {"Ref": role} in r["Properties"].get("Roles", [])
    ]
    managed = [
        r["Properties"]["PolicyDocument"]
        for r in resources.values()
        if r["Type"] == "AWS::IAM::ManagedPolicy" and {"Ref": role} in r["Properties"]["Roles"]
    ]
    assert sum(_resolved_length(d) for d in inline) <= 10_240
    assert len(managed) <= 10
    assert all(_resolved_length(d) <= 6_144 for d in managed)


def test_a_full_routing_shard_of_cross_account_spokes_fits_iams_role_quotas() -> None:
    """One segment: a shard holds a hundred spokes of another account (four resources
    each, 400 in all), each id read through its own reader role. As inline policies of
    their own those reads would need about 15,000 characters, over the role's 10,240."""
    network = _estate(100, 1)
    tgw = network.transit_gateway("hub")
    [planned] = [s for s in network.stacks if s.role == "routing"]
    assert len(planned.vpcs) == 100
    app = cdk.App()
    stack = RoutingStack(app, stack=planned, tgw=tgw)
    template = app.synth().get_stack_by_name(stack.stack_name).template
    _within_iams_role_quotas(template)


def test_300_spokes_keep_every_hub_and_routing_stack_under_the_limit() -> None:
    network = _estate(300, 4)
    tgw = network.transit_gateway("hub")
    assert len(tgw.routing_stacks) >= 2
    app = cdk.App()
    hub_plan = next(s for s in network.stacks if s.role == "hub")
    hub_stack = HubStack(app, stack=hub_plan, tgw=tgw)
    routing = [
        RoutingStack(app, stack=planned, tgw=tgw)
        for planned in network.stacks
        if planned.role == "routing"
    ]
    assembly = app.synth()
    counts = {
        stack.stack_name: len(assembly.get_stack_by_name(stack.stack_name).template["Resources"])
        for stack in [hub_stack, *routing]
    }
    assert sum(len(s.vpcs) for s in network.stacks if s.role == "routing") == 300
    assert all(count < 500 for count in counts.values()), counts
    kinds = Counter(
        resource["Type"]
        for stack in routing
        for resource in assembly.get_stack_by_name(stack.stack_name).template["Resources"].values()
    )
    # 75 spokes per segment; seg0 is reached by the three others (written out by hand):
    # a seg0 spoke propagates into seg0..seg3 (4), any other spoke into its own and seg0 (2).
    assert kinds["Custom::TransitGatewayAssociation"] == 300
    assert kinds["AWS::EC2::TransitGatewayRouteTablePropagation"] == 75 * 4 + 225 * 2
    assert kinds["Custom::AWS"] == 300  # each cross-account attachment id, read once
    for stack in routing:
        _within_iams_role_quotas(assembly.get_stack_by_name(stack.stack_name).template)
    # Deterministic: the same estate plans the same shards.
    assert [s.vpcs for s in _estate(300, 4).stacks if s.role == "routing"] == [
        s.vpcs for s in network.stacks if s.role == "routing"
    ]
    assert Counter(s.role for s in network.stacks)["vpc"] == 300


def test_adding_an_az_updates_the_attachment_in_place() -> None:
    before = _synth(hub())
    grown = hub().at("prod").set(availability_zones=["us-east-1a", "us-east-1b", "us-east-1c"])
    after = _synth(grown)

    def attachment(templates: Templates) -> tuple[str, dict[str, Any]]:
        resources = templates["test-prod"]["Resources"]
        [(logical_id, resource)] = [
            (k, v)
            for k, v in resources.items()
            if v["Type"] == "AWS::EC2::TransitGatewayAttachment"
        ]
        return logical_id, resource

    old_id, old = attachment(before)
    new_id, new = attachment(after)
    # Same logical id, same type (AWS::EC2::TransitGatewayAttachment updates SubnetIds in
    # place, unlike TransitGatewayVpcAttachment, whose SubnetIds are create-only).
    assert new_id == old_id
    assert len(old["Properties"]["SubnetIds"]) == 2
    assert len(new["Properties"]["SubnetIds"]) == 3
    assert new["Properties"]["SubnetIds"][:2] == old["Properties"]["SubnetIds"]


def test_transit_options_from_config_to_template() -> None:
    segments: list[dict[str, Any]] = [{"name": "shared"}, {"name": "prod", "reaches": ["shared"]}]
    builder = hub(segments=segments)
    data = builder.data()
    data["transit_gateways"][0].update(amazon_side_asn=65000, allow_external_principals=True)
    builder.top(transit_gateways=data["transit_gateways"]).set(
        transit_gateway={
            "name": "hub",
            "segment": "prod",
            "subnet_group": "transit",
            "appliance_mode": True,
            "route_from": ["private"],
            "summaries": ["10.0.0.0/8"],
        }
    )
    templates = _synth(builder)
    [tgw] = _resources(templates["test-tgw-hub"], "AWS::EC2::TransitGateway")
    assert tgw["Properties"]["AmazonSideAsn"] == 65000
    [share] = _resources(templates["test-tgw-hub"], "AWS::RAM::ResourceShare")
    assert share["Properties"]["AllowExternalPrincipals"] is True
    prod = templates["test-prod"]
    [attachment] = _resources(prod, "AWS::EC2::TransitGatewayAttachment")
    assert attachment["Properties"]["Options"]["ApplianceModeSupport"] == "enable"
    # The summary replaces the per-VPC route, in the private group's two tables only.
    routes = _tgw_routes(prod)
    assert len(routes) == 2
    assert all(destinations == {"10.0.0.0/8"} for destinations in routes.values())


def test_every_route_from_group_routes_in_every_zone_local_zones_included() -> None:
    """An attachment has subnets in Availability Zones only; the route_from groups' subnets
    in a Local Zone still route the segment's destinations to the gateway. Expected routes
    are restated from the config data below, never read from the plan."""
    zones = {"app": ["us-east-1a", "us-east-1b", BOS], "edge": [BOS], "data": ["us-east-1a"]}
    data = {
        "name": "lz",
        "accounts": {"network": NETWORK},
        "defaults": {"account": "network", "region": "us-east-1"},
        "transit_gateways": [{"name": "hub", "segments": [{"name": "s"}]}],
        "vpcs": [
            {
                "name": "edge",
                "cidr": "10.0.0.0/16",
                "availability_zones": ["us-east-1a", "us-east-1b"],
                "local_zones": [{"name": BOS}],
                "subnets": [
                    {"name": "app", "tier": "isolated", "cidrs": {
                        "us-east-1a": "10.0.0.0/24", "us-east-1b": "10.0.1.0/24",
                        BOS: "10.0.2.0/24"}},
                    {"name": "edge", "tier": "isolated", "cidrs": {BOS: "10.0.3.0/24"}},
                    {"name": "data", "tier": "isolated", "cidrs": {"us-east-1a": "10.0.4.0/24"}},
                    {"name": "transit", "tier": "isolated", "cidr": "10.0.240.0/24",
                     "prefix_length": 28},
                ],
                "transit_gateway": {"name": "hub", "segment": "s", "subnet_group": "transit",
                                    "route_from": ["app", "edge"]},
            },
            {
                "name": "core",
                "cidr": "10.1.0.0/16",
                "availability_zones": ["us-east-1a", "us-east-1b"],
                "subnets": [{"name": "t", "tier": "isolated", "cidr": "10.1.0.0/20",
                             "prefix_length": 28}],
                "transit_gateway": {"name": "hub", "segment": "s", "subnet_group": "t"},
            },
        ],
    }  # fmt: skip
    template = synthesize(parse_network(yaml.safe_dump(data), "lz.yaml").config, checks=False)[
        "lz-edge"
    ]
    resources = template["Resources"]
    placed = {}  # subnet logical id -> (group, zone)
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::EC2::Subnet":
            tags = {t["Key"]: t["Value"] for t in resource["Properties"]["Tags"]}
            zone = resource["Properties"]["AvailabilityZone"]
            placed[logical_id] = (tags["aws-cdk:subnet-name"], zone)
    table_of = {
        r["Properties"]["RouteTableId"]["Ref"]: placed[r["Properties"]["SubnetId"]["Ref"]]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::SubnetRouteTableAssociation"
    }
    observed = {
        (*table_of[props["RouteTableId"]["Ref"]], props["DestinationCidrBlock"])
        for props in (r["Properties"] for r in _resources(template, "AWS::EC2::Route"))
        if "TransitGatewayId" in props
    }
    route_from = ["app", "edge"]  # as the config above says
    expected = {(group, zone, "10.1.0.0/16") for group in route_from for zone in zones[group]}
    assert observed == expected
    assert ("app", BOS, "10.1.0.0/16") in observed


HUB_IDS = "/multivpc/hub-and-spoke/transit-gateways/hub"


def test_same_account_stacks_read_gateway_ids_from_parameters_not_exports(
    example: Templates,
) -> None:
    """A stack in the gateway's account and region reads each id through a template
    parameter of an SSM type: an export another stack imports could never change, so the
    hub could not replace its gateway (and the spokes their attachments)."""
    hub_stack = example["hub-and-spoke-tgw-hub"]
    published = {
        r["Properties"]["Name"]: r["Properties"]["Value"]
        for r in _resources(hub_stack, "AWS::SSM::Parameter")
    }
    tables = {
        lid: r for lid, r in hub_stack["Resources"].items()
        if r["Type"] == "AWS::EC2::TransitGatewayRouteTable"
    }  # fmt: skip
    for segment in ("shared", "prod", "dev"):
        tag = {"Key": "Name", "Value": f"hub-and-spoke-tgw-hub-{segment}"}
        [table] = [lid for lid, r in tables.items() if tag in r["Properties"]["Tags"]]
        assert published[f"{HUB_IDS}/route-tables/{segment}"] == {"Ref": table}
    shared = example["hub-and-spoke-shared-services"]
    [attachment] = _resources(shared, "AWS::EC2::TransitGatewayAttachment")
    tgw_id = attachment["Properties"]["TransitGatewayId"]
    assert ssm_parameter_read(shared, tgw_id) == f"{HUB_IDS}/id"
    assert not _resources(shared, "Custom::AWS") or all(
        "transit-gateways" not in json.dumps(r["Properties"])
        for r in _resources(shared, "Custom::AWS")
    )
    routing = example["hub-and-spoke-tgw-hub-routing"]
    reads = {
        ssm_parameter_read(routing, r["Properties"][key])
        for r in routing["Resources"].values()
        for key in ("RouteTableId", "TransitGatewayRouteTableId", "AttachmentId")
        if key in r.get("Properties", {})
    }
    assert reads == {
        f"{HUB_IDS}/route-tables/shared",
        f"{HUB_IDS}/route-tables/prod",
        f"{HUB_IDS}/route-tables/dev",
        f"{HUB_IDS}/attachments/shared-services",
        None,  # the other accounts' attachment ids, read with an SDK call
    }
    for name, template in example.items():
        assert "Fn::ImportValue" not in json.dumps(template), name
        for parameter in template.get("Parameters", {}).values():
            if parameter["Type"].startswith("AWS::SSM::Parameter::"):
                # The CDK CLI deploys the stack when its template changes, not every time.
                assert "[cdk:skip]" in parameter["Description"], name


def test_the_exports_of_an_estate_deployed_before_are_kept(example: Templates) -> None:
    """Stacks deployed by an earlier multivpc import these (names from its templates);
    CloudFormation refuses to remove an export in use, so the owners keep them."""
    exported = {
        output["Export"]["Name"]
        for template in example.values()
        for output in template.get("Outputs", {}).values()
        if "Export" in output
    }
    assert exported == {
        "hub-and-spoke-shared-services:ExportsOutputRefTransitGatewayAttachment610A3027725D177E",
        "hub-and-spoke-tgw-hub:ExportsOutputRefhub9804E927C498BAF2",
        "hub-and-spoke-tgw-hub:ExportsOutputRefhubSegmentdevD9F6F457A2B25790",
        "hub-and-spoke-tgw-hub:ExportsOutputRefhubSegmentprod989CD19183E55DF6",
        "hub-and-spoke-tgw-hub:ExportsOutputRefhubSegmentsharedC0AD84AFC7C1823C",
    }


def test_a_replaced_gateway_changes_every_same_account_reader_and_nothing_else() -> None:
    """An ASN change replaces the gateway and its route tables: the description of every
    parameter that reads their ids (or an attachment id on the new gateway) changes, so the
    CDK CLI deploys those stacks and CloudFormation resolves the new ids."""
    data = yaml.safe_load((ROOT / "examples" / "hub-and-spoke.yaml").read_text())

    def readers(edit: bool) -> dict[tuple[str, str], str]:
        if edit:
            data["transit_gateways"][0]["amazon_side_asn"] = 64600
        templates = synthesize(network_from(data).build(), checks=False)
        return {
            (stack, parameter["Default"]): parameter["Description"]
            for stack, template in templates.items()
            for parameter in template.get("Parameters", {}).values()
            if str(parameter["Default"]).startswith(HUB_IDS)
        }

    before, after = readers(False), readers(True)
    assert (
        before.keys()
        == after.keys()
        == {
            ("hub-and-spoke-shared-services", f"{HUB_IDS}/id"),
            ("hub-and-spoke-tgw-hub-routing", f"{HUB_IDS}/route-tables/shared"),
            ("hub-and-spoke-tgw-hub-routing", f"{HUB_IDS}/route-tables/prod"),
            ("hub-and-spoke-tgw-hub-routing", f"{HUB_IDS}/route-tables/dev"),
            ("hub-and-spoke-tgw-hub-routing", f"{HUB_IDS}/attachments/shared-services"),
        }
    )
    assert all(before[key] != after[key] for key in before)
