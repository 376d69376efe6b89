"""The peering acceptance function's own code, run against moto's EC2 (in-process
``mock_aws``): it accepts a pending attachment and answers SUCCESS only once the
attachment is available; anything else is a FAILED answer with the reason, never a
silent hang. The template inlines exactly this file
(tests/stacks/test_transit_gateway_peering.py)."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from multivpc.constructs.transit_gateway_peering import HANDLER_SOURCE
from tests.support.inline_handler import Answers, Context, load_handler

ACCOUNT = "123456789012"


@pytest.fixture
def handler() -> tuple[dict[str, Any], Answers]:
    answers = Answers()
    return load_handler(HANDLER_SOURCE, answers), answers


@pytest.fixture
def pending() -> Iterator[tuple[Any, str]]:
    """A peering attachment from us-east-1 to eu-west-1, pending acceptance."""
    with mock_aws():
        requester = boto3.client("ec2", region_name="us-east-1")
        accepter = boto3.client("ec2", region_name="eu-west-1")
        first = requester.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        second = accepter.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        attachment = requester.create_transit_gateway_peering_attachment(
            TransitGatewayId=first,
            PeerTransitGatewayId=second,
            PeerAccountId=ACCOUNT,
            PeerRegion="eu-west-1",
        )["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
        yield accepter, attachment


def _state(ec2: Any, attachment: str) -> str:
    [found] = ec2.describe_transit_gateway_peering_attachments(
        TransitGatewayAttachmentIds=[attachment]
    )["TransitGatewayPeeringAttachments"]
    return str(found["State"])


def _event(request: str, attachment: str) -> dict[str, Any]:
    return {"RequestType": request, "ResourceProperties": {"AttachmentId": attachment}}


def _run(namespace: dict[str, Any], event: dict[str, Any], context: Context | None = None) -> None:
    namespace["handler"](event, context or Context())


def test_create_accepts_and_answers_once_available(
    handler: tuple[dict[str, Any], Answers], pending: tuple[Any, str]
) -> None:
    namespace, answers = handler
    ec2, attachment = pending
    namespace["boto3"] = types.SimpleNamespace(client=lambda service: ec2)
    assert _state(ec2, attachment) == "pendingAcceptance"
    _run(namespace, _event("Create", attachment))
    assert answers.sent == [("SUCCESS", attachment, "")]
    assert _state(ec2, attachment) == "available"


def test_an_accepted_attachment_is_not_accepted_twice(
    handler: tuple[dict[str, Any], Answers], pending: tuple[Any, str]
) -> None:
    namespace, answers = handler
    ec2, attachment = pending
    ec2.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attachment)
    calls: list[str] = []

    class Recording:
        def __getattr__(self, name: str) -> Any:
            calls.append(name)
            return getattr(ec2, name)

    namespace["boto3"] = types.SimpleNamespace(client=lambda service: Recording())
    _run(namespace, _event("Update", attachment))
    assert answers.sent == [("SUCCESS", attachment, "")]
    assert calls == ["describe_transit_gateway_peering_attachments"]


def test_a_rejected_attachment_fails_with_its_state(
    handler: tuple[dict[str, Any], Answers], pending: tuple[Any, str]
) -> None:
    namespace, answers = handler
    ec2, attachment = pending
    ec2.reject_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attachment)
    namespace["boto3"] = types.SimpleNamespace(client=lambda service: ec2)
    _run(namespace, _event("Create", attachment))
    [(status, physical, reason)] = answers.sent
    assert (status, physical) == ("FAILED", attachment)
    assert reason == f"peering attachment {attachment} is rejected"


def test_an_unknown_attachment_fails(
    handler: tuple[dict[str, Any], Answers], pending: tuple[Any, str]
) -> None:
    namespace, answers = handler
    ec2, _ = pending
    namespace["boto3"] = types.SimpleNamespace(client=lambda service: ec2)
    _run(namespace, _event("Create", "tgw-attach-0123456789abcdef0"))
    [(status, _, reason)] = answers.sent
    assert status == "FAILED"
    assert "tgw-attach-0123456789abcdef0 not found" in reason


def test_it_gives_up_before_its_own_timeout(handler: tuple[dict[str, Any], Answers]) -> None:
    namespace, answers = handler

    class StillPending:
        accepted = 0

        def describe_transit_gateway_peering_attachments(self, **_: Any) -> Any:
            return {"TransitGatewayPeeringAttachments": [{"State": "pending"}]}

    namespace["boto3"] = types.SimpleNamespace(client=lambda service: StillPending())
    _run(namespace, _event("Create", "tgw-attach-1"), Context(remaining_ms=35_000))
    assert answers.sent == [
        ("FAILED", "tgw-attach-1", "peering attachment tgw-attach-1 still pending; retry")
    ]


def test_delete_calls_nothing(handler: tuple[dict[str, Any], Answers]) -> None:
    namespace, answers = handler
    namespace["boto3"] = types.SimpleNamespace(client=lambda service: pytest.fail("no call"))
    _run(namespace, _event("Delete", "tgw-attach-1"))
    assert answers.sent == [("SUCCESS", "tgw-attach-1", "")]
