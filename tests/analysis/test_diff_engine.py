"""The diff engine on small hand-written templates; every expectation is written by hand."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from multivpc.analysis import ASSOCIATION_NOTE, Assembly, Change, StackTemplate, diff
from multivpc.analysis.diff import GATEWAY_NOTE, Report
from tests.conftest import ROOT

NETWORK = ("111111111111", "us-east-1")


def stack(name: str, resources: dict[str, Any], **template: Any) -> StackTemplate:
    return StackTemplate(name, {"Resources": resources, **template}, *NETWORK)


def vpc(cidr: str = "10.0.0.0/16") -> dict[str, Any]:
    return {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": cidr}}


def subnet(cidr: str = "10.0.0.0/24", vpc_ref: Any = None) -> dict[str, Any]:
    return {
        "Type": "AWS::EC2::Subnet",
        "Properties": {
            "VpcId": vpc_ref or {"Ref": "Vpc"},
            "CidrBlock": cidr,
            "AvailabilityZone": "us-east-1a",
        },
    }


def one(report: Report, logical_id: str) -> Change:
    [change] = [c for c in report.changes if c.logical_id == logical_id and not c.incoming]
    return change


def actions(report: Report) -> dict[str, str]:
    return {c.logical_id: c.action for c in report.changes if not c.incoming}


def test_identical_sides_have_no_change() -> None:
    side = Assembly.of(stack("net", {"Vpc": vpc(), "Subnet": subnet()}))
    report = diff(side, side)
    assert report.changes == []
    assert report.exit_code == 0
    assert [s.status for s in report.stacks] == ["unchanged"]


def test_metadata_only_changes_are_no_change() -> None:
    before = Assembly.of(
        stack(
            "net",
            {
                "Vpc": {**vpc(), "Metadata": {"aws:cdk:path": "net/Vpc/Resource"}},
                "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:a"}},
            },
            Parameters={"BootstrapVersion": {"Type": "String", "Default": "/cdk-bootstrap/a"}},
            Rules={"CheckBootstrapVersion": {"Assertions": []}},
        )
    )
    after = Assembly.of(
        stack(
            "net",
            {
                "Vpc": {
                    **vpc(),
                    "Metadata": {"aws:cdk:path": "net/Moved/Vpc", "checkov": {"skip": []}},
                    "DependsOn": ["Other"],
                },
                "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:b"}},
            },
            Parameters={"BootstrapVersion": {"Type": "String", "Default": "/cdk-bootstrap/b"}},
        )
    )
    assert diff(before, after).changes == []


def test_a_changed_create_only_property_replaces() -> None:
    before = Assembly.of(stack("net", {"Vpc": vpc("10.0.0.0/16")}))
    after = Assembly.of(stack("net", {"Vpc": vpc("10.9.0.0/16")}))
    report = diff(before, after)
    change = one(report, "Vpc")
    assert change.action == "replace"
    assert change.reasons == ("CidrBlock: 10.0.0.0/16 -> 10.9.0.0/16",)
    assert report.exit_code == 1


def test_a_changed_ordinary_property_updates_in_place() -> None:
    before = Assembly.of(stack("net", {"Vpc": vpc()}))
    changed = vpc()
    changed["Properties"]["EnableDnsHostnames"] = True
    report = diff(before, Assembly.of(stack("net", {"Vpc": changed})))
    assert one(report, "Vpc").action == "update"
    assert one(report, "Vpc").reasons == ("EnableDnsHostnames: (none) -> true",)
    assert report.exit_code == 0


def endpoint(preference: str, record_type: str = "ipv4") -> dict[str, Any]:
    return {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {
            "ServiceName": "com.amazonaws.us-east-1.s3",
            "VpcId": "vpc-123",
            "DnsOptions": {"PrivateDnsPreference": preference, "DnsRecordIpType": record_type},
        },
    }


def test_a_nested_create_only_path_replaces_and_its_sibling_does_not() -> None:
    before = Assembly.of(stack("net", {"Endpoint": endpoint("ALL_DOMAINS")}))
    nested = Assembly.of(stack("net", {"Endpoint": endpoint("VERIFIED_DOMAINS_ONLY")}))
    sibling = Assembly.of(stack("net", {"Endpoint": endpoint("ALL_DOMAINS", "dualstack")}))
    change = one(diff(before, nested), "Endpoint")
    assert change.action == "replace"
    assert change.reasons == (
        "DnsOptions/PrivateDnsPreference: ALL_DOMAINS -> VERIFIED_DOMAINS_ONLY",
    )
    assert one(diff(before, sibling), "Endpoint").action == "update"


def test_a_type_change_under_the_same_logical_id_replaces() -> None:
    attachment = {
        "Type": "AWS::EC2::TransitGatewayVpcAttachment",
        "Properties": {"TransitGatewayId": "tgw-1", "VpcId": "vpc-1", "SubnetIds": ["s-1"]},
    }
    newer = copy.deepcopy(attachment)
    newer["Type"] = "AWS::EC2::TransitGatewayAttachment"
    change = one(
        diff(Assembly.of(stack("net", {"A": attachment})), Assembly.of(stack("net", {"A": newer}))),
        "A",
    )
    assert change.action == "replace"
    assert change.reasons == (
        "Type: AWS::EC2::TransitGatewayVpcAttachment -> AWS::EC2::TransitGatewayAttachment",
    )


def test_vpc_attachment_subnets_replace_but_attachment_subnets_change_in_place() -> None:
    for kind, action in [
        ("AWS::EC2::TransitGatewayVpcAttachment", "replace"),
        ("AWS::EC2::TransitGatewayAttachment", "update"),
    ]:
        old: dict[str, Any] = {
            "Type": kind,
            "Properties": {"TransitGatewayId": "t", "VpcId": "v", "SubnetIds": ["a"]},
        }
        new = copy.deepcopy(old)
        new["Properties"]["SubnetIds"] = ["a", "b"]
        report = diff(Assembly.of(stack("n", {"A": old})), Assembly.of(stack("n", {"A": new})))
        assert one(report, "A").action == action, kind


def network(cidr: str, nat_subnet_cidr: str = "10.0.0.0/24") -> dict[str, Any]:
    return {
        "Vpc": vpc(cidr),
        "Subnet": subnet(nat_subnet_cidr),
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Association": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Table"}},
        },
        "Eip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
        "Nat": {
            "Type": "AWS::EC2::NatGateway",
            "Properties": {
                "SubnetId": {"Ref": "Subnet"},
                "AllocationId": {"Fn::GetAtt": ["Eip", "AllocationId"]},
            },
        },
        "Default": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": {"Ref": "Table"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": {"Ref": "Nat"},
            },
        },
        "Eip2": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
    }


def test_replacement_spreads_through_ref_and_getatt() -> None:
    report = diff(
        Assembly.of(stack("net", network("10.0.0.0/16"))),
        Assembly.of(stack("net", network("10.9.0.0/16"))),
    )
    assert actions(report) == {
        "Vpc": "replace",
        "Subnet": "replace",  # VpcId follows the VPC (its CIDR literal is unchanged)
        "Table": "replace",
        "Association": "replace",
        "Nat": "replace",  # SubnetId follows the subnet
        "Default": "replace",  # RouteTableId follows the table; NatGatewayId alone would not
    }
    assert one(report, "Subnet").reasons == ("VpcId follows replaced Vpc",)
    assert one(report, "Association").reasons == (
        "SubnetId follows replaced Subnet",
        "RouteTableId follows replaced Table",
    )
    assert report.blocking[0].logical_id == "Vpc"  # the cause is listed first


def test_a_replaced_target_of_an_ordinary_property_updates_in_place() -> None:
    before, after = network("10.0.0.0/16"), network("10.0.0.0/16")
    after["Nat"]["Properties"]["AllocationId"] = {"Fn::GetAtt": ["Eip2", "AllocationId"]}
    report = diff(Assembly.of(stack("net", before)), Assembly.of(stack("net", after)))
    assert actions(report) == {"Nat": "replace", "Default": "update"}
    assert one(report, "Nat").reasons == (
        "AllocationId: GetAtt Eip.AllocationId -> GetAtt Eip2.AllocationId",
    )
    assert one(report, "Default").reasons == ("NatGatewayId follows replaced Nat",)


def test_replacement_spreads_across_stacks_through_exports() -> None:
    def sides(cidr: str) -> Assembly:
        producer = stack(
            "producer",
            {"Vpc": vpc(cidr)},
            Outputs={"VpcOut": {"Value": {"Ref": "Vpc"}, "Export": {"Name": "producer:Vpc"}}},
        )
        consumer = stack(
            "consumer", {"Subnet": subnet(vpc_ref={"Fn::ImportValue": "producer:Vpc"})}
        )
        return Assembly.of(producer, consumer)

    report = diff(sides("10.0.0.0/16"), sides("10.1.0.0/16"))
    change = one(report, "Subnet")
    assert (change.stack, change.action) == ("consumer", "replace")
    assert change.reasons == (
        "VpcId follows replaced Vpc in producer (through export producer:Vpc)",
    )


def test_replacement_spreads_across_accounts_through_published_ssm_parameters() -> None:
    name = "/multivpc/n/transit-gateways/hub/id"

    def sides(asn: int) -> Assembly:
        hub = stack(
            "hub",
            {
                "Tgw": {"Type": "AWS::EC2::TransitGateway", "Properties": {"AmazonSideAsn": asn}},
                "Id": {
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {"Name": name, "Type": "String", "Value": {"Ref": "Tgw"}},
                },
            },
        )
        call = (
            '{"action":"getParameter","service":"SSM","assumedRoleArn":"arn:',
            {"Ref": "AWS::Partition"},
            ':iam::111111111111:role/reader","parameters":{"Name":"' + name + '"},'
            '"region":"us-east-1"}',
        )
        spoke = StackTemplate(
            "spoke",
            {
                "Resources": {
                    "Read": {
                        "Type": "Custom::AWS",
                        "Properties": {
                            "ServiceToken": "arn:aws:lambda:us-east-1:222222222222:function:f",
                            "Create": {"Fn::Join": ["", list(call)]},
                        },
                    },
                    "Attachment": {
                        "Type": "AWS::EC2::TransitGatewayAttachment",
                        "Properties": {
                            "TransitGatewayId": {"Fn::GetAtt": ["Read", "Parameter.Value"]},
                            "VpcId": "vpc-1",
                            "SubnetIds": ["subnet-1"],
                        },
                    },
                }
            },
            "222222222222",
            "us-east-1",
        )
        return Assembly.of(hub, spoke)

    report = diff(sides(64512), sides(64513))
    assert actions(report) == {"Tgw": "replace", "Id": "update", "Attachment": "replace"}
    assert one(report, "Attachment").reasons == (
        f"TransitGatewayId follows replaced Tgw in hub (through SSM parameter {name})",
    )


def test_an_unknowable_changed_create_only_value_may_replace() -> None:
    before = Assembly.of(stack("net", {"Vpc": vpc(), "Subnet": subnet()}))
    unknown = subnet()
    unknown["Properties"]["AvailabilityZone"] = {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    report = diff(before, Assembly.of(stack("net", {"Vpc": vpc(), "Subnet": unknown})))
    change = one(report, "Subnet")
    assert change.action == "may-replace"
    assert change.reasons[0].endswith("(known only at deploy)")
    assert report.exit_code == 1


def test_pseudo_parameters_evaluate_from_the_stack_environment() -> None:
    def role(arn: Any) -> Assembly:
        return Assembly.of(
            stack(
                "net",
                {
                    "Log": {
                        "Type": "AWS::EC2::FlowLog",
                        "Properties": {"DeliverLogsPermissionArn": arn},
                    }
                },
            )
        )

    literal = role("arn:aws:iam::111111111111:role/r")
    joined = role(
        {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::111111111111:role/r"]]}
    )
    sub = role({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r"})
    assert diff(literal, joined).changes == []
    assert diff(joined, sub).changes == []


def test_a_resource_that_leaves_one_stack_for_another_is_a_move() -> None:
    before = Assembly.of(stack("a", {"Vpc": vpc(), "Keep": vpc("10.1.0.0/16")}), stack("b", {}))
    after = Assembly.of(stack("a", {"Keep": vpc("10.1.0.0/16")}), stack("b", {"Vpc": vpc()}))
    report = diff(before, after)
    moves = [(c.stack, c.incoming, c.other_stack) for c in report.changes]
    assert moves == [("a", False, "b"), ("b", True, "a")]
    assert report.counts()["move"] == 1
    assert [(c.stack, c.logical_id) for c in report.blocking] == [("a", "Vpc")]


def test_a_removed_stack_removes_everything_in_it() -> None:
    before = Assembly.of(stack("a", {"Vpc": vpc()}), stack("b", {"Other": vpc("10.1.0.0/16")}))
    report = diff(before, Assembly.of(stack("a", {"Vpc": vpc()})))
    assert [(s.name, s.status) for s in report.stacks] == [("a", "unchanged"), ("b", "removed")]
    assert actions(report) == {"Other": "remove"}
    assert report.exit_code == 1


@pytest.mark.parametrize(
    ("allowed", "exit_code", "unused"),
    [
        (["Vpc"], 1, ()),  # the subnet it replaces must be named too
        (["Vpc", "Subnet"], 0, ()),
        (["net/Vpc", "net/Subnet"], 0, ()),
        (["Vpc", "Subnet", "Typo"], 0, ("Typo",)),
    ],
)
def test_allow_replace_names_intended_replacements(
    allowed: list[str], exit_code: int, unused: tuple[str, ...]
) -> None:
    report = diff(
        Assembly.of(stack("net", {"Vpc": vpc(), "Subnet": subnet()})),
        Assembly.of(stack("net", {"Vpc": vpc("10.9.0.0/16"), "Subnet": subnet()})),
        allow_replace=allowed,
    )
    assert report.exit_code == exit_code
    assert report.unused_allowances == unused
    assert one(report, "Vpc").allowed


def routing(route_table: str) -> dict[str, Any]:
    return {
        "Association": {
            "Type": "AWS::EC2::TransitGatewayRouteTableAssociation",
            "Properties": {
                "TransitGatewayAttachmentId": "tgw-attach-1",
                "TransitGatewayRouteTableId": {"Ref": route_table},
            },
        },
        "Prod": {
            "Type": "AWS::EC2::TransitGatewayRouteTable",
            "Properties": {"TransitGatewayId": "t"},
        },
        "Dev": {
            "Type": "AWS::EC2::TransitGatewayRouteTable",
            "Properties": {"TransitGatewayId": "t"},
        },
    }


def test_an_association_moved_to_another_route_table_is_replaced_with_the_safe_sequence() -> None:
    report = diff(
        Assembly.of(stack("routing", routing("Prod"))),
        Assembly.of(stack("routing", routing("Dev"))),
    )
    change = one(report, "Association")
    assert change.action == "replace"
    assert change.reasons == ("TransitGatewayRouteTableId: Ref Prod -> Ref Dev",)
    assert change.notes == (ASSOCIATION_NOTE,)
    assert_names_a_documented_topic(ASSOCIATION_NOTE)


def assert_names_a_documented_topic(note: str) -> None:
    """A note's ``(docs/PAGE.md: Topic)`` is a bold topic of that page."""
    page, topic = note.rsplit("(", 1)[1].rstrip(")").split(": ", 1)
    assert f"**{topic}" in (ROOT / page).read_text(encoding="utf-8"), note


def test_the_gateway_note_names_a_documented_topic() -> None:
    assert_names_a_documented_topic(GATEWAY_NOTE)


def test_an_association_swapped_for_a_new_logical_id_gets_the_same_note() -> None:
    before = routing("Prod")
    after = routing("Dev")
    after["DevAssociation"] = after.pop("Association")
    report = diff(Assembly.of(stack("r", before)), Assembly.of(stack("r", after)))
    assert actions(report) == {"Association": "remove", "DevAssociation": "add"}
    assert all(c.notes == (ASSOCIATION_NOTE,) for c in report.changes)
