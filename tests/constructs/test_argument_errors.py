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
    NetworkVpc,
    PeeringAcceptRole,
    PeeringDnsResolution,
    PublishedId,
    SubnetGroup,
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


def _two_networks(second_cidr: str) -> tuple[cdk.Stack, NetworkVpc, NetworkVpc]:
    stack = cdk.Stack(
        cdk.App(), "Net", env=cdk.Environment(account="111111111111", region="us-east-1")
    )
    groups = [SubnetGroup("app", "isolated", 24)]
    first = NetworkVpc.from_groups(
        stack, "a", cidr="10.0.0.0/16", zones=["us-east-1a"], groups=groups
    )
    second = NetworkVpc.from_groups(
        stack, "b", cidr=second_cidr, zones=["us-east-1a"], groups=groups
    )
    return stack, first, second


@pytest.mark.parametrize(
    ("second_cidr", "overlaps"),
    [
        ("10.0.128.0/17", True),
        ("10.0.0.0/16", True),
        ("10.1.0.0/16", False),
        ("9.255.0.0/16", False),
    ],
)
def test_peering_refuses_overlapping_cidrs_and_only_those(second_cidr: str, overlaps: bool) -> None:
    stack, first, second = _two_networks(second_cidr)
    if not overlaps:
        peering = VpcPeeringConnection(stack, "p", network=first, peer_network=second)
        assert peering.connection.peer_vpc_id == second.cfn_vpc.ref
        return
    with pytest.raises(ConstructArgumentError) as raised:
        VpcPeeringConnection(stack, "p", network=first, peer_network=second)
    assert str(raised.value) == (
        f"Net/p: the VPCs' CIDRs 10.0.0.0/16 and {second_cidr} overlap; AWS peers no VPCs whose "
        "CIDRs match or overlap (connect them through PrivateLink, or renumber one)"
    )


def test_peering_checks_cidrs_given_with_ids_and_refuses_a_vpc_with_itself() -> None:
    stack, first, _ = _two_networks("10.1.0.0/16")
    with pytest.raises(
        ConstructArgumentError, match=r"CIDRs 10\.0\.0\.0/16 and 10\.0\.4\.0/22 overlap"
    ):
        VpcPeeringConnection(
            stack, "ids", network=first, peer_vpc_id="vpc-2", peer_vpc_cidr="10.0.4.0/22"
        )
    with pytest.raises(
        ConstructArgumentError, match=r"^Net/self: Net/a cannot be peered with itself$"
    ):
        VpcPeeringConnection(stack, "self", network=first, peer_network=first)
    with pytest.raises(
        ConstructArgumentError, match=r"^Net/both: the requester: give one of network and vpc_id$"
    ):
        VpcPeeringConnection(stack, "both", network=first, vpc_id="vpc-1", peer_vpc_id="vpc-2")
    with pytest.raises(
        ConstructArgumentError, match="the accepter: give one of peer_network and peer_vpc_id"
    ):
        VpcPeeringConnection(stack, "none", vpc_id="vpc-1")
    with pytest.raises(ConstructArgumentError, match="a NetworkVpc brings its CIDR"):
        VpcPeeringConnection(
            stack, "cidr", network=first, vpc_cidr="10.0.0.0/16", peer_vpc_id="vpc-2"
        )
    # ids without CIDRs: nothing to check here (the config's rules check multivpc's peerings)
    VpcPeeringConnection(stack, "unchecked", vpc_id="vpc-1", peer_vpc_id="vpc-2")
