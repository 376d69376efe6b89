"""Every construct refuses an argument it cannot build from with ConstructArgumentError
(a ValueError) naming its path, before anything is created: from the public API only."""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr

from multivpc.constructs import (
    ConstructArgumentError,
    PeeringAcceptRole,
    PeeringDnsResolution,
    PublishedId,
    VpcPeeringConnection,
)
from multivpc.constructs.sdk_call_provider import sdk_call


def _stack() -> cdk.Stack:
    app = cdk.App()
    return cdk.Stack(app, "Net", env=cdk.Environment(account="111111111111", region="us-east-1"))


def _peering(stack: cdk.Stack) -> None:
    VpcPeeringConnection(
        stack, "Peering", vpc_id="vpc-1", peer_vpc_id="vpc-2", peer_owner_id="222222222222"
    )


def _accept_role(stack: cdk.Stack) -> None:
    PeeringAcceptRole(
        stack,
        "Accept",
        role_name="accept",
        requester_account="222222222222",
        accepting_roles=[],
        requester_vpc_id="vpc-1",
        requester_region="us-east-1",
        accepter_vpc_id="vpc-2",
        account_id="111111111111",
        region="us-east-1",
    )


def _dns_twice(stack: cdk.Stack) -> None:
    PeeringDnsResolution(
        stack,
        "Dns",
        connection_id="pcx-1",
        sides=["requester", "requester"],
        owner_account="111111111111",
    )


def _dns_none(stack: cdk.Stack) -> None:
    PeeringDnsResolution(
        stack, "Dns", connection_id="pcx-1", sides=[], owner_account="111111111111"
    )


def _reader_without_name(stack: cdk.Stack) -> None:
    PublishedId(stack, "Id", parameter_name="/x/id", value="v", reader_accounts=["222222222222"])


def _reader_roles_elsewhere(stack: cdk.Stack) -> None:
    PublishedId(
        stack,
        "Id",
        parameter_name="/x/id",
        value="v",
        reader_accounts=["222222222222"],
        reader_role_name="reader",
        reader_roles=[("333333333333", "mvpc-sdk-x")],
    )


def _statements_without_reason(stack: cdk.Stack) -> None:
    sdk_call(
        stack,
        "Call",
        on_create=cr.AwsSdkCall(
            service="EC2", action="describeVpcs", physical_resource_id=cr.PhysicalResourceId.of("x")
        ),
        statements=[iam.PolicyStatement(actions=["ec2:DescribeVpcs"], resources=["*"])],
        inline_policy_reason="",
    )


CASES: list[tuple[Callable[[cdk.Stack], None], str]] = [
    (
        _peering,
        "Net/Peering: a peer in another account (peer_owner_id) needs peer_role_arn, the "
        "role there that accepts the connection, and only then",
    ),
    (_accept_role, "Net/Accept: accepting_roles names at least one role"),
    (_dns_twice, "Net/Dns: sides is requester, accepter, or both once"),
    (_dns_none, "Net/Dns: sides is requester, accepter, or both once"),
    (_reader_without_name, "Net/Id: reader_accounts need a reader_role_name"),
    (_reader_roles_elsewhere, "Net/Id: reader_roles of other accounts ['333333333333']"),
    (
        _statements_without_reason,
        "Net/Call: statements need an inline_policy_reason (IAMNoInlinePolicy)",
    ),
]


@pytest.mark.parametrize(("build", "message"), CASES, ids=[c[0].__name__ for c in CASES])
def test_a_bad_argument_names_the_construct(
    build: Callable[[cdk.Stack], None], message: str
) -> None:
    stack = _stack()
    with pytest.raises(ConstructArgumentError) as raised:
        build(stack)
    assert str(raised.value) == message
    assert raised.value.path == message.split(": ", 1)[0]
    assert isinstance(raised.value, ValueError)  # callers catching ValueError still do
