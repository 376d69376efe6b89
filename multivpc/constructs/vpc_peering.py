"""A VPC peering connection, the role another account lets its requester accept it with,
and routes toward it in route tables of any stack."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Literal

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import custom_resources as cr
from constructs import Construct

from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.network_vpc import NetworkVpc
from multivpc.constructs.routing import Router
from multivpc.constructs.sdk_call_provider import sdk_call

PeeringSide = Literal["requester", "accepter"]


class VpcPeeringConnection(Construct):
    """``AWS::EC2::VPCPeeringConnection`` from ``vpc_id`` to ``peer_vpc_id``.

    Args:
        network: the requester ``NetworkVpc`` (or ``vpc_id``, one of the two).
        peer_network: the accepter ``NetworkVpc`` (or ``peer_vpc_id``, one of the two).
        vpc_id: the requester VPC by id.
        peer_vpc_id: the accepter VPC by id.
        vpc_cidr, peer_vpc_cidr: with ids, the VPCs' CIDRs, so that an overlap is refused
            here instead of by AWS at deploy. Default: taken from the ``NetworkVpc``;
            unchecked when an id is given without its CIDR.
        peer_owner_id: the accepter's account, when it is another. Default: this account.
        peer_region: the accepter's region, when it is another. Default: this region.
        peer_role_arn: the accepter account's role that accepts (required with
            ``peer_owner_id``; in one account CloudFormation accepts by itself).
        name: the connection's Name tag. Default: none.

    Raises:
        ConstructArgumentError: neither or both of a network and an id on a side, a VPC
            peered with itself, overlapping CIDRs (AWS peers no VPCs whose CIDRs match or
            overlap), a peer in another account without ``peer_role_arn``.
    """

    connection: ec2.CfnVPCPeeringConnection

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        network: NetworkVpc | None = None,
        peer_network: NetworkVpc | None = None,
        vpc_id: str | None = None,
        peer_vpc_id: str | None = None,
        vpc_cidr: str | None = None,
        peer_vpc_cidr: str | None = None,
        peer_owner_id: str | None = None,
        peer_region: str | None = None,
        peer_role_arn: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        try:
            vpc_id, vpc_cidr = _side("requester", network, vpc_id, vpc_cidr)
            peer_vpc_id, peer_vpc_cidr = _side("accepter", peer_network, peer_vpc_id, peer_vpc_cidr)
            _check_peers(network, peer_network, vpc_cidr, peer_vpc_cidr)
        except ValueError as error:
            raise ConstructArgumentError(self.node.path, str(error)) from None
        if (peer_owner_id is None) != (peer_role_arn is None):
            raise ConstructArgumentError(
                self.node.path,
                "a peer in another account (peer_owner_id) needs peer_role_arn, the role "
                "there that accepts the connection, and only then",
            )
        self.connection = ec2.CfnVPCPeeringConnection(
            self,
            "Connection",
            vpc_id=vpc_id,
            peer_vpc_id=peer_vpc_id,
            peer_owner_id=peer_owner_id,
            peer_region=peer_region,
            peer_role_arn=peer_role_arn,
        )
        if name is not None:
            self.connection.tags.set_tag("Name", name)

    @property
    def connection_id(self) -> str:
        return self.connection.ref

    @property
    def target(self) -> Router:
        """The connection as a route target."""
        return Router(ec2.RouterType.VPC_PEERING_CONNECTION, self.connection.ref)


def _side(
    side: str, network: NetworkVpc | None, vpc_id: str | None, cidr: str | None
) -> tuple[str, str | None]:
    """The VPC id and CIDR of one side, from its ``NetworkVpc`` or as given."""
    if (network is None) == (vpc_id is None):
        which = "network and vpc_id" if side == "requester" else "peer_network and peer_vpc_id"
        raise ValueError(f"the {side}: give one of {which}")
    if network is not None:
        if cidr is not None:
            raise ValueError(f"the {side}: a NetworkVpc brings its CIDR; give no CIDR with it")
        return network.cfn_vpc.ref, network.cidr
    assert vpc_id is not None
    return vpc_id, cidr


def _check_peers(
    network: NetworkVpc | None,
    peer_network: NetworkVpc | None,
    cidr: str | None,
    peer_cidr: str | None,
) -> None:
    if network is not None and network is peer_network:
        raise ValueError(f"{network.node.path} cannot be peered with itself")
    if cidr is None or peer_cidr is None:
        return
    if cdk.Token.is_unresolved(cidr) or cdk.Token.is_unresolved(peer_cidr):
        return
    try:
        ours, theirs = ipaddress.IPv4Network(cidr), ipaddress.IPv4Network(peer_cidr)
    except ValueError as error:
        raise ValueError(f"a CIDR of the peering is not an IPv4 CIDR ({error})") from None
    if ours.overlaps(theirs):
        raise ValueError(
            f"the VPCs' CIDRs {cidr} and {peer_cidr} overlap; AWS peers no VPCs whose CIDRs "
            "match or overlap (connect them through PrivateLink, or renumber one)"
        )


class PeeringAcceptRole(Construct):
    """The role an accepter account lets ``requester_account`` assume to accept one VPC
    peering (CloudFormation's ``PeerRoleArn``), allowed ``ec2:AcceptVpcPeeringConnection``
    only, for connections from ``requester_vpc_id`` to ``accepter_vpc_id``.

    CloudFormation assumes ``PeerRoleArn`` with the credentials it creates the connection
    with: the requester stack's execution role (with CDK's default synthesizer,
    ``cdk-<qualifier>-cfn-exec-role-<account>-<region>``). The trust names the requester
    account, on the condition that the caller is one of ``accepting_roles``.

    Args:
        role_name: fixed, so that the requester can name the role before it exists.
        requester_account: the one account trusted.
        accepting_roles: ARNs of that account's roles that may assume it (``aws:PrincipalArn``).
        requester_vpc_id: the VPC whose connections the role may accept.
        requester_region: that VPC's region.
        accepter_vpc_id: the VPC whose incoming connections the role may accept.
        account_id: this (the accepter's) account. region: this region.
    """

    role: iam.Role

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role_name: str,
        requester_account: str,
        accepting_roles: Sequence[str],
        requester_vpc_id: str,
        requester_region: str,
        accepter_vpc_id: str,
        account_id: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        if not accepting_roles:
            raise ConstructArgumentError(self.node.path, "accepting_roles names at least one role")
        partition = cdk.Aws.PARTITION
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            assumed_by=iam.AccountPrincipal(requester_account).with_conditions(
                {"ArnEquals": {"aws:PrincipalArn": list(accepting_roles)}}
            ),
            description=f"Lets account {requester_account}'s deployment accept one VPC "
            "peering connection to this account's VPC",
        )
        arn = f"arn:{partition}:ec2:{region}:{account_id}"
        requester_vpc = f"arn:{partition}:ec2:{requester_region}:{requester_account}:vpc/"
        policy = iam.ManagedPolicy(
            self,
            "AcceptPolicy",
            # Create-only: a new description would replace the policy of a deployed estate.
            description="Accept VPC peering connections to one VPC, nothing else",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    actions=["ec2:AcceptVpcPeeringConnection"],
                    resources=[f"{arn}:vpc-peering-connection/*"],
                    conditions={
                        "ArnEquals": {
                            "ec2:AccepterVpc": f"{arn}:vpc/{accepter_vpc_id}",
                            "ec2:RequesterVpc": f"{requester_vpc}{requester_vpc_id}",
                        }
                    },
                ),
                iam.PolicyStatement(
                    actions=["ec2:AcceptVpcPeeringConnection"],
                    resources=[f"{arn}:vpc/{accepter_vpc_id}"],
                ),
            ],
        )
        for spelling in ("aws", "<AWS::Partition>"):
            cdk.Validations.of(policy).acknowledge(
                cdk.Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[Resource::arn:{spelling}:ec2:{region}:"
                    f"{account_id}:vpc-peering-connection/*]",
                    reason="The connection does not exist when the role is made; the "
                    "conditions ec2:AccepterVpc and ec2:RequesterVpc limit the role to "
                    "connections between two VPCs.",
                )
            )

    @property
    def role_arn(self) -> str:
        return self.role.role_arn


class PeeringDnsResolution(Construct):
    """DNS resolution across a VPC peering connection for the ``sides`` this stack's
    account and region own: ``AllowDnsResolutionFromRemoteVpc`` on, so the peer VPC
    resolves this side's public DNS host names to private IPs. CloudFormation has no
    property for it, so an SDK call (``Custom::AWS``) makes
    ``ModifyVpcPeeringConnectionOptions`` on create and update, and turns it off on delete
    (a connection already deleted is no error).

    AWS lets each side's owner set that side's option only, in that side's region; in one
    account and region one call sets both. The connection must be active: put this after
    the connection (the requester's side: a connection CloudFormation accepted; the
    accepter's: after its id was read).

    Args:
        connection_id: the peering connection.
        sides: ``("requester",)``, ``("accepter",)`` or both (one account and region).
        owner_account: the requester's account, which created the connection.
        encryption_key: encrypts the SDK-call provider's log group, if this is the stack's
            first SDK call. Default: none.
    """

    resource: cr.AwsCustomResource

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        connection_id: str,
        sides: Sequence[PeeringSide],
        owner_account: str,
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id)
        if not sides or len(set(sides)) != len(sides):
            raise ConstructArgumentError(
                self.node.path, "sides is requester, accepter, or both once"
            )

        def call(allow: bool) -> cr.AwsSdkCall:
            options = {"AllowDnsResolutionFromRemoteVpc": allow}
            parameters: dict[str, object] = {"VpcPeeringConnectionId": connection_id}
            for side in sides:
                parameters[f"{side.capitalize()}PeeringConnectionOptions"] = options
            return cr.AwsSdkCall(
                service="EC2",
                action="modifyVpcPeeringConnectionOptions",
                parameters=parameters,
                physical_resource_id=cr.PhysicalResourceId.of(
                    f"{connection_id}:dns:{'+'.join(sides)}"
                ),
                # Deleting the peering deletes the connection first: nothing left to turn off.
                ignore_error_codes_matching="InvalidVpcPeeringConnectionID.NotFound"
                if not allow
                else None,
            )

        stack = cdk.Stack.of(self)
        # The connection by its id, named in the account that created it and, for an
        # accepter, in its own (IAM documents the accepter's policies that way), in this
        # region: both ARNs exact, no wildcard.
        arns = [
            f"arn:{cdk.Aws.PARTITION}:ec2:{stack.region}:{account}:"
            f"vpc-peering-connection/{connection_id}"
            for account in dict.fromkeys((owner_account, stack.account))
        ]
        self.resource = sdk_call(
            self,
            "Modify",
            on_create=call(True),
            on_update=call(True),
            on_delete=call(False),
            statements=[
                iam.PolicyStatement(
                    actions=["ec2:ModifyVpcPeeringConnectionOptions"], resources=arns
                )
            ],
            inline_policy_reason="AwsCustomResource attaches its own policy; it allows "
            "modifying the options of one peering connection.",
            encryption_key=encryption_key,
        )
