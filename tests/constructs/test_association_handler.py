"""The association function's own code against moto's EC2 API (in-process ``mock_aws``):
Create associates, Update moves the association to another route table in place, Delete
disassociates, and a table another association holds is a FAILED answer, not a hang.
moto reports an attachment's association only through the emulator's fix
(tests/deploy/emulator.py, gap 9), installed here as there."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from multivpc.constructs.transit_gateway import ASSOCIATION_HANDLER
from tests.deploy.emulator import install_moto_fixes
from tests.support.inline_handler import Answers, Context, load_handler


@pytest.fixture
def gateway() -> Iterator[tuple[Any, str, str, str]]:
    """A gateway with two route tables and one VPC attachment: (ec2, attachment, a, b)."""
    install_moto_fixes()
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        tgw = ec2.create_transit_gateway(Options={"DefaultRouteTableAssociation": "disable"})[
            "TransitGateway"
        ]["TransitGatewayId"]
        tables = [
            ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)[
                "TransitGatewayRouteTable"
            ]["TransitGatewayRouteTableId"]
            for _ in range(2)
        ]
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/28")["Subnet"]["SubnetId"]
        attachment = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
        )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        yield ec2, attachment, tables[0], tables[1]


def _associated(ec2: Any, table: str) -> list[str]:
    found = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)
    return [a["TransitGatewayAttachmentId"] for a in found["Associations"]]


def _run(ec2: Any, event: dict[str, Any]) -> list[tuple[str, str, str]]:
    answers = Answers()
    namespace = load_handler(ASSOCIATION_HANDLER, answers)
    namespace["boto3"] = types.SimpleNamespace(client=lambda service: ec2)
    namespace["handler"](event, Context())
    return answers.sent


def _props(attachment: str, table: str) -> dict[str, str]:
    return {"AttachmentId": attachment, "RouteTableId": table}


def test_create_update_delete(gateway: tuple[Any, str, str, str]) -> None:
    ec2, attachment, first, second = gateway
    physical = f"{attachment}|association"
    created = _run(ec2, {"RequestType": "Create", "ResourceProperties": _props(attachment, first)})
    assert created == [("SUCCESS", physical, "")]
    assert (_associated(ec2, first), _associated(ec2, second)) == ([attachment], [])

    moved = _run(
        ec2,
        {
            "RequestType": "Update",
            "PhysicalResourceId": physical,
            "ResourceProperties": _props(attachment, second),
            "OldResourceProperties": _props(attachment, first),
        },
    )
    assert moved == [("SUCCESS", physical, "")]  # same physical id: updated, not replaced
    assert (_associated(ec2, first), _associated(ec2, second)) == ([], [attachment])

    deleted = _run(
        ec2,
        {
            "RequestType": "Delete",
            "PhysicalResourceId": physical,
            "ResourceProperties": _props(attachment, second),
        },
    )
    assert deleted == [("SUCCESS", physical, "")]
    assert (_associated(ec2, first), _associated(ec2, second)) == ([], [])


def test_a_table_held_by_another_association_fails(gateway: tuple[Any, str, str, str]) -> None:
    ec2, attachment, first, second = gateway
    ec2.associate_transit_gateway_route_table(
        TransitGatewayRouteTableId=first, TransitGatewayAttachmentId=attachment
    )
    [(status, _, reason)] = _run(
        ec2, {"RequestType": "Create", "ResourceProperties": _props(attachment, second)}
    )
    assert status == "FAILED"
    assert reason == f"attachment {attachment} is associated with {first}, not {second}"


def test_an_update_after_the_old_attachment_is_gone_associates_the_new_one(
    gateway: tuple[Any, str, str, str],
) -> None:
    ec2, attachment, first, _ = gateway
    sent = _run(
        ec2,
        {
            "RequestType": "Update",
            "PhysicalResourceId": "old|association",
            "ResourceProperties": _props(attachment, first),
            "OldResourceProperties": _props("tgw-attach-0000000000000000a", first),
        },
    )
    assert sent == [("SUCCESS", "old|association", "")]
    assert _associated(ec2, first) == [attachment]


def test_deleting_an_association_that_is_gone_succeeds(gateway: tuple[Any, str, str, str]) -> None:
    ec2, attachment, first, _ = gateway
    sent = _run(
        ec2,
        {
            "RequestType": "Delete",
            "PhysicalResourceId": "x",
            "ResourceProperties": _props(attachment, first),
        },
    )
    assert sent == [("SUCCESS", "x", "")]
