"""The emulator's shims refuse what AWS would refuse, so a deploy that passes means more
than "moto accepted it". Small templates, straight to the emulator's CloudFormation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.deploy.emulator import ORPHANS, Emulator, _dependency_order

pytestmark = pytest.mark.deploy

OWNER, SPOKE, STRANGER = "111111111111", "222222222222", "333333333333"
REGION = "us-east-1"


def _deploy(
    emulator: Emulator, account: str, name: str, resources: dict[str, Any]
) -> dict[str, str]:
    """Create a stack in ``account``; returns its outputs (one per resource, its Ref)."""
    cloudformation = emulator.client("cloudformation", REGION, account)
    outputs = {key: {"Value": {"Ref": key}} for key in resources}
    cloudformation.create_stack(
        StackName=name, TemplateBody=json.dumps({"Resources": resources, "Outputs": outputs})
    )
    [stack] = cloudformation.describe_stacks(StackName=name)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def _hub(emulator: Emulator) -> dict[str, str]:
    arn = {"Fn::Join": ["", [f"arn:aws:ec2:{REGION}:{OWNER}:transit-gateway/", {"Ref": "Tgw"}]]}
    return _deploy(
        emulator,
        OWNER,
        "hub",
        {
            "Tgw": {
                "Type": "AWS::EC2::TransitGateway",
                "Properties": {
                    "Description": "hub",
                    "AutoAcceptSharedAttachments": "enable",
                    "DefaultRouteTableAssociation": "disable",
                    "DefaultRouteTablePropagation": "disable",
                },
            },
            "Prod": {
                "Type": "AWS::EC2::TransitGatewayRouteTable",
                "Properties": {"TransitGatewayId": {"Ref": "Tgw"}},
            },
            "Shared": {
                "Type": "AWS::EC2::TransitGatewayRouteTable",
                "Properties": {"TransitGatewayId": {"Ref": "Tgw"}},
            },
            "Share": {
                "Type": "AWS::RAM::ResourceShare",
                "Properties": {"Name": "hub", "Principals": [SPOKE], "ResourceArns": [arn]},
            },
        },
    )


def _spoke(emulator: Emulator, account: str, tgw: str) -> dict[str, str]:
    def subnet(cidr: str, zone: str) -> dict[str, Any]:
        properties = {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": zone}
        return {"Type": "AWS::EC2::Subnet", "Properties": properties}

    return _deploy(
        emulator,
        account,
        "spoke",
        {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}},
            "A": subnet("10.1.0.0/24", f"{REGION}a"),
            "B": subnet("10.1.1.0/24", f"{REGION}b"),
            "Attachment": {
                "Type": "AWS::EC2::TransitGatewayAttachment",
                "Properties": {
                    "TransitGatewayId": tgw,
                    "VpcId": {"Ref": "Vpc"},
                    "SubnetIds": [{"Ref": "A"}, {"Ref": "B"}],
                },
            },
        },
    )


def _account_trust(account: str, *roles: str) -> dict[str, Any]:
    """A trust policy for ``account``, narrowed to ``roles`` (aws:PrincipalArn) if given."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
    }
    if roles:
        statement["Condition"] = {"ArnEquals": {"aws:PrincipalArn": list(roles)}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def _refused(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Message"])


def test_a_gateway_is_attachable_where_shared_and_propagates_once(emulator: Emulator) -> None:
    hub = _hub(emulator)
    ec2 = emulator.client("ec2", REGION, OWNER)
    tables = ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]
    assert {t["TransitGatewayRouteTableId"] for t in tables} == {hub["Prod"], hub["Shared"]}

    attachment = _spoke(emulator, SPOKE, hub["Tgw"])["Attachment"]
    with pytest.raises(ClientError) as unshared:
        _spoke(emulator, STRANGER, hub["Tgw"])
    assert "neither owned by nor shared with" in _refused(unshared)

    def link(kind: str, table: str) -> dict[str, Any]:
        properties = {"TransitGatewayRouteTableId": table, "TransitGatewayAttachmentId": attachment}
        return {"Type": f"AWS::EC2::TransitGatewayRouteTable{kind}", "Properties": properties}

    # Associations are multivpc's custom resource (tests/constructs/test_association_handler.py
    # runs its handler against moto, a second association refused there); the L1 type has
    # no shim any more, since no template uses it.
    _deploy(
        emulator,
        OWNER,
        "routing",
        {"Into": link("Propagation", hub["Shared"]), "IntoProd": link("Propagation", hub["Prod"])},
    )
    for table in (hub["Shared"], hub["Prod"]):
        [propagating] = ec2.get_transit_gateway_route_table_propagations(
            TransitGatewayRouteTableId=table
        )["TransitGatewayRouteTablePropagations"]
        assert propagating["TransitGatewayAttachmentId"] == attachment

    with pytest.raises(ClientError) as twice:
        _deploy(emulator, OWNER, "again", {"Into": link("Propagation", hub["Shared"])})
    assert "already propagates into" in _refused(twice)


def _reader(role_account: str) -> dict[str, Any]:
    call = {
        "service": "SSM",
        "action": "getParameter",
        "assumedRoleArn": f"arn:aws:iam::{role_account}:role/reader",
        "parameters": {"Name": "/published/id"},
        "outputPaths": ["Parameter.Value"],
        "physicalResourceId": {"id": "read-once"},
        "region": REGION,
    }
    return {
        "Read": {
            "Type": "Custom::AWS",
            "Properties": {"ServiceToken": "in-process", "Create": json.dumps(call)},
        },
        "Copy": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {
                "Name": "/copied/id",
                "Type": "String",
                "Value": {"Fn::GetAtt": ["Read", "Parameter.Value"]},
            },
        },
    }


def _publish(emulator: Emulator, trust: dict[str, Any]) -> None:
    """OWNER publishes /published/id and a role ``reader`` with ``trust``."""
    _deploy(
        emulator,
        OWNER,
        "publisher",
        {
            "Id": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Name": "/published/id", "Type": "String", "Value": "tgw-0123"},
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"RoleName": "reader", "AssumeRolePolicyDocument": trust},
            },
        },
    )


def test_a_custom_resource_reads_across_accounts_through_a_trusting_role(
    emulator: Emulator,
) -> None:
    _publish(emulator, _account_trust(SPOKE))
    outputs = _deploy(emulator, SPOKE, "reader", _reader(OWNER))
    assert outputs["Read"] == "read-once"
    ssm = emulator.client("ssm", REGION, SPOKE)
    assert ssm.get_parameter(Name="/copied/id")["Parameter"]["Value"] == "tgw-0123"

    with pytest.raises(ClientError) as untrusted:
        _deploy(emulator, STRANGER, "reader", _reader(OWNER))
    assert "does not trust" in _refused(untrusted)
    with pytest.raises(ClientError) as missing:
        _deploy(emulator, SPOKE, "reader-2", _reader(STRANGER))
    assert "cannot assume" in _refused(missing)


def test_a_trust_condition_admits_only_the_named_calling_role(emulator: Emulator) -> None:
    """Gap 4: a trust narrowed by aws:PrincipalArn admits a reading stack whose SDK-call role
    (the role named mvpc-sdk-* in its template) is the one named, and refuses another."""
    _publish(emulator, _account_trust(SPOKE, f"arn:aws:iam::{SPOKE}:role/mvpc-sdk-good"))

    def caller(name: str) -> dict[str, Any]:
        lambda_trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                }
            ],
        }
        return {
            "SdkRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {"RoleName": name, "AssumeRolePolicyDocument": lambda_trust},
            },
            **_reader(OWNER),
        }

    outputs = _deploy(emulator, SPOKE, "good", caller("mvpc-sdk-good"))
    assert outputs["Read"] == "read-once"
    with pytest.raises(ClientError) as other:
        _deploy(emulator, SPOKE, "other", caller("mvpc-sdk-other"))
    assert "mvpc-sdk-other" in _refused(other)
    with pytest.raises(ClientError) as none:
        _deploy(emulator, SPOKE, "none", _reader(OWNER))
    assert "trusts" in _refused(none)


def test_a_peering_is_accepted_with_the_role_the_requesters_stack_deploys_with(
    emulator: Emulator,
) -> None:
    """Gap 12: CloudFormation assumes PeerRoleArn with the stack's credentials, so a trust
    narrowed by aws:PrincipalArn admits a stack deployed with the named role (RoleARN) and
    refuses one deployed with another or with none."""
    accepter_vpc = emulator.client("ec2", REGION, OWNER).create_vpc(CidrBlock="10.21.0.0/16")
    deployer = f"arn:aws:iam::{SPOKE}:role/deployer"
    emulator.client("iam", REGION, OWNER).create_role(
        RoleName="accept", AssumeRolePolicyDocument=json.dumps(_account_trust(SPOKE, deployer))
    )
    template = {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.20.0.0/16"}},
            "Peering": {
                "Type": "AWS::EC2::VPCPeeringConnection",
                "Properties": {
                    "VpcId": {"Ref": "Vpc"},
                    "PeerVpcId": accepter_vpc["Vpc"]["VpcId"],
                    "PeerOwnerId": OWNER,
                    "PeerRoleArn": f"arn:aws:iam::{OWNER}:role/accept",
                },
            },
        }
    }
    cloudformation = emulator.client("cloudformation", REGION, SPOKE)
    cloudformation.create_stack(
        StackName="peer", TemplateBody=json.dumps(template), RoleARN=deployer
    )
    [connection] = emulator.client("ec2", REGION, OWNER).describe_vpc_peering_connections()[
        "VpcPeeringConnections"
    ]
    assert connection["Status"]["Code"] == "active"
    for name, role in (("other", f"arn:aws:iam::{SPOKE}:role/other"), ("none", None)):
        with pytest.raises(ClientError) as refused:
            cloudformation.create_stack(
                StackName=name,
                TemplateBody=json.dumps(template),
                **({"RoleARN": role} if role else {}),
            )
        assert "accept trusts" in _refused(refused)


def test_an_update_deletes_what_it_removes_last_as_cloudformation_does(
    emulator: Emulator,
) -> None:
    """Gap 14: a new subnet over the range of a subnet the same update removes fails (the
    old one still exists when the new one is created); apart from that, it succeeds."""

    def template(subnets: dict[str, str]) -> str:
        resources: dict[str, Any] = {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}}
        }
        for name, cidr in subnets.items():
            resources[name] = {
                "Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr},
            }
        return json.dumps({"Resources": resources})

    cloudformation = emulator.client("cloudformation", REGION, OWNER)
    ec2 = emulator.client("ec2", REGION, OWNER)
    cloudformation.create_stack(StackName="order", TemplateBody=template({"Old": "10.9.0.0/24"}))
    cloudformation.update_stack(StackName="order", TemplateBody=template({"New": "10.9.1.0/24"}))
    vpc_subnets = {
        s["CidrBlock"] for s in ec2.describe_subnets()["Subnets"] if s["CidrBlock"][:5] == "10.9."
    }
    assert vpc_subnets == {"10.9.1.0/24"}
    with pytest.raises(ClientError, match="conflicts with another subnet"):
        cloudformation.update_stack(
            StackName="order", TemplateBody=template({"Newer": "10.9.1.0/24"})
        )


def test_peering_options_change_only_on_an_active_connection_by_each_sides_owner(
    emulator: Emulator,
) -> None:
    """Gap 15: ModifyVpcPeeringConnectionOptions as AWS allows it: each side's options from
    that side's account and region, once the connection is active."""
    east = emulator.client("ec2", REGION, OWNER)
    west = emulator.client("ec2", "us-west-2", OWNER)
    requester = east.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    accepter = west.create_vpc(CidrBlock="10.11.0.0/16")["Vpc"]["VpcId"]
    pcx = east.create_vpc_peering_connection(
        VpcId=requester, PeerVpcId=accepter, PeerRegion="us-west-2"
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    on = {"AllowDnsResolutionFromRemoteVpc": True}
    with pytest.raises(ClientError, match="not active"):
        east.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=pcx, RequesterPeeringConnectionOptions=on
        )
    west.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    with pytest.raises(ClientError, match="may change the accepter options"):
        east.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=pcx, AccepterPeeringConnectionOptions=on
        )
    east.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx, RequesterPeeringConnectionOptions=on
    )
    west.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx, AccepterPeeringConnectionOptions=on
    )
    [connection] = east.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
        "VpcPeeringConnections"
    ]
    for side in ("RequesterVpcInfo", "AccepterVpcInfo"):
        assert connection[side]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True


def test_a_route_changes_its_target_in_place_and_goes_when_removed(emulator: Emulator) -> None:
    """Gap 16: a route to a Transit Gateway moves to another gateway in place (one route,
    new target), a removed route is deleted, and a new destination fails loudly."""

    def template(target: str | None, cidr: str = "10.99.0.0/16") -> str:
        gateway = {
            "Type": "AWS::EC2::TransitGateway",
            "Properties": {
                "DefaultRouteTableAssociation": "disable",
                "DefaultRouteTablePropagation": "disable",
            },
        }
        resources: dict[str, Any] = {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.8.0.0/16"}},
            "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "One": gateway,
            "Two": gateway,
        }
        if target is not None:
            resources["Route"] = {
                "Type": "AWS::EC2::Route",
                "Properties": {
                    "RouteTableId": {"Ref": "Table"},
                    "DestinationCidrBlock": cidr,
                    "TransitGatewayId": {"Ref": target},
                },
            }
        outputs = {key: {"Value": {"Ref": key}} for key in ("Table", "One", "Two")}
        return json.dumps({"Resources": resources, "Outputs": outputs})

    cloudformation = emulator.client("cloudformation", REGION, OWNER)
    ec2 = emulator.client("ec2", REGION, OWNER)
    cloudformation.create_stack(StackName="route", TemplateBody=template("One"))
    [stack] = cloudformation.describe_stacks(StackName="route")["Stacks"]
    ids = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}

    def routes() -> dict[str, str]:
        [table] = ec2.describe_route_tables(RouteTableIds=[ids["Table"]])["RouteTables"]
        return {
            r["DestinationCidrBlock"]: r.get("TransitGatewayId", r.get("GatewayId", ""))
            for r in table["Routes"]
        }

    assert routes() == {"10.8.0.0/16": "local", "10.99.0.0/16": ids["One"]}
    cloudformation.update_stack(StackName="route", TemplateBody=template("Two"))
    assert routes() == {"10.8.0.0/16": "local", "10.99.0.0/16": ids["Two"]}
    cloudformation.update_stack(StackName="route", TemplateBody=template(None))
    assert routes() == {"10.8.0.0/16": "local"}
    cloudformation.update_stack(StackName="route", TemplateBody=template("One"))
    with pytest.raises(ClientError, match="does not replace AWS::EC2::Route"):
        cloudformation.update_stack(
            StackName="route", TemplateBody=template("One", cidr="10.98.0.0/16")
        )


def test_an_export_in_use_can_neither_change_nor_go(emulator: Emulator) -> None:
    """Gap 17: as CloudFormation, an update may add exports, but not change or remove one
    that another stack imports."""

    def exporter(value: str, extra: bool = False) -> str:
        outputs = {"Id": {"Value": value, "Export": {"Name": "shared-id"}}}
        if extra:
            outputs["More"] = {"Value": "more", "Export": {"Name": "more-id"}}
        vpc = {"CidrBlock": "10.7.0.0/16", "Tags": [{"Key": "id", "Value": value}]}
        resources = {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": vpc}}
        return json.dumps({"Resources": resources, "Outputs": outputs})

    imported = {"Key": "id", "Value": {"Fn::ImportValue": "shared-id"}}
    importer = {
        "Resources": {
            "Copy": {
                "Type": "AWS::EC2::VPC",
                "Properties": {"CidrBlock": "10.6.0.0/16", "Tags": [imported]},
            }
        }
    }
    cloudformation = emulator.client("cloudformation", REGION, OWNER)
    cloudformation.create_stack(StackName="exporter", TemplateBody=exporter("one"))
    cloudformation.create_stack(StackName="importer", TemplateBody=json.dumps(importer))
    cloudformation.update_stack(StackName="exporter", TemplateBody=exporter("one", extra=True))
    with pytest.raises(
        ClientError, match="Cannot update export shared-id as it is in use by importer"
    ):
        cloudformation.update_stack(StackName="exporter", TemplateBody=exporter("two", extra=True))


def test_a_new_create_only_value_replaces_and_the_cleanup_may_orphan(emulator: Emulator) -> None:
    """Gap 18: a new ASN replaces the gateway, and its route table follows the new id; the
    old gateway, still attached, cannot be deleted in the cleanup (as in AWS), so the update
    completes and leaves it. A same-account stack whose SSM-typed template parameter now
    reads the new id replaces its attachment when its template changes (the description),
    and its cleanup deletes the old attachment."""

    def hub(asn: int) -> str:
        return json.dumps(
            {
                "Resources": {
                    "Tgw": {
                        "Type": "AWS::EC2::TransitGateway",
                        "Properties": {
                            "Description": "hub",
                            "AmazonSideAsn": asn,
                            "DefaultRouteTableAssociation": "disable",
                            "DefaultRouteTablePropagation": "disable",
                        },
                    },
                    "Table": {
                        "Type": "AWS::EC2::TransitGatewayRouteTable",
                        "Properties": {"TransitGatewayId": {"Ref": "Tgw"}},
                    },
                    "Id": {
                        "Type": "AWS::SSM::Parameter",
                        "Properties": {"Name": "/t/id", "Type": "String", "Value": {"Ref": "Tgw"}},
                    },
                }
            }
        )

    def spoke(version: str) -> str:
        return json.dumps(
            {
                "Parameters": {
                    "TgwId": {
                        "Type": "AWS::SSM::Parameter::Value<String>",
                        "Default": "/t/id",
                        "Description": f"[cdk:skip] /t/id (version {version})",
                    }
                },
                "Resources": {
                    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.8.0.0/16"}},
                    "Subnet": {
                        "Type": "AWS::EC2::Subnet",
                        "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.8.0.0/24"},
                    },
                    "Attachment": {
                        "Type": "AWS::EC2::TransitGatewayAttachment",
                        "Properties": {
                            "TransitGatewayId": {"Ref": "TgwId"},
                            "VpcId": {"Ref": "Vpc"},
                            "SubnetIds": [{"Ref": "Subnet"}],
                        },
                    },
                },
            }
        )

    cloudformation = emulator.client("cloudformation", REGION, OWNER)
    ec2 = emulator.client("ec2", REGION, OWNER)

    def physical(stack: str, logical_id: str) -> str:
        found = cloudformation.describe_stack_resource(
            StackName=stack, LogicalResourceId=logical_id
        )
        return str(found["StackResourceDetail"]["PhysicalResourceId"])

    cloudformation.create_stack(StackName="hub", TemplateBody=hub(64512))
    cloudformation.create_stack(StackName="spoke", TemplateBody=spoke("1"))
    old_tgw, old_table = physical("hub", "Tgw"), physical("hub", "Table")
    old_attachment = physical("spoke", "Attachment")

    cloudformation.update_stack(StackName="hub", TemplateBody=hub(64513))
    new_tgw, new_table = physical("hub", "Tgw"), physical("hub", "Table")
    assert new_tgw != old_tgw and new_table != old_table
    [tgw] = ec2.describe_transit_gateways(TransitGatewayIds=[new_tgw])["TransitGateways"]
    assert tgw["Options"]["AmazonSideAsn"] == 64513
    [table] = ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[new_table])[
        "TransitGatewayRouteTables"
    ]
    assert table["TransitGatewayId"] == new_tgw
    [orphan] = ORPHANS
    assert (orphan.stack, orphan.logical_id, orphan.physical_id) == ("hub", "Tgw", old_tgw)
    assert "IncorrectState" in orphan.reason and old_attachment in orphan.reason

    cloudformation.update_stack(StackName="spoke", TemplateBody=spoke("2"))
    new_attachment = physical("spoke", "Attachment")
    assert new_attachment != old_attachment
    attachments = ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    assert [(a["TransitGatewayAttachmentId"], a["TransitGatewayId"]) for a in attachments] == [
        (new_attachment, new_tgw)
    ]
    assert len(ORPHANS) == 1  # the old attachment went in the spoke's cleanup


def test_references_order_an_update() -> None:
    """Gap 18's order: each resource after what it references (Ref, GetAtt in both
    spellings, Sub with and without variables) or depends on; parameters are not resources."""
    resources = {
        "D": {"Properties": {"X": {"Fn::Sub": "${C.Arn}-${AWS::Region}-${!Literal}"}}},
        "C": {"Properties": {"X": {"Fn::Sub": ["${V}", {"V": {"Fn::GetAtt": "B.Id"}}]}}},
        "B": {"Properties": {"X": {"Fn::GetAtt": ["A", "Id"]}, "Y": {"Ref": "Param"}}},
        "A": {"DependsOn": "E"},
        "E": {},
    }
    assert _dependency_order(resources) == ["E", "A", "B", "C", "D"]
