"""A VPC peering connection, the role another account lets its requester accept it with,
and routes toward it in route tables of any stack."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from multivpc.constructs.routing import Router


class VpcPeeringConnection(Construct):
    """``AWS::EC2::VPCPeeringConnection`` from ``vpc_id`` to ``peer_vpc_id``.

    Args:
        vpc_id: the requester VPC.
        peer_vpc_id: the accepter VPC.
        peer_owner_id: the accepter's account, when it is another. Default: this account.
        peer_region: the accepter's region, when it is another. Default: this region.
        peer_role_arn: the accepter account's role that accepts (required with
            ``peer_owner_id``; in one account CloudFormation accepts by itself).
        name: the connection's Name tag. Default: none.
    """

    connection: ec2.CfnVPCPeeringConnection

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_id: str,
        peer_vpc_id: str,
        peer_owner_id: str | None = None,
        peer_region: str | None = None,
        peer_role_arn: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        if (peer_owner_id is None) != (peer_role_arn is None):
            raise ValueError(
                f"{self.node.path}: a peer in another account (peer_owner_id) needs "
                "peer_role_arn, the role there that accepts the connection, and only then"
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


class PeeringAcceptRole(Construct):
    """The role an accepter account lets ``requester_account`` assume to accept peering
    connections to ``accepter_vpc_id`` (CloudFormation's ``PeerRoleArn``): trusted by that
    account only, allowed ``ec2:AcceptVpcPeeringConnection`` only.

    Args:
        role_name: fixed, so that the requester can name the role before it exists.
        requester_account: the one account trusted.
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
        accepter_vpc_id: str,
        account_id: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        partition = cdk.Aws.PARTITION
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            assumed_by=iam.AccountPrincipal(requester_account),
            description=f"Lets account {requester_account} accept VPC peering connections to "
            "this account's peered VPC",
        )
        arn = f"arn:{partition}:ec2:{region}:{account_id}"
        connections = f"{arn}:vpc-peering-connection/*"
        policy = iam.ManagedPolicy(
            self,
            "AcceptPolicy",
            description="Accept VPC peering connections to one VPC, nothing else",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    actions=["ec2:AcceptVpcPeeringConnection"],
                    resources=[connections],
                    conditions={"ArnEquals": {"ec2:AccepterVpc": f"{arn}:vpc/{accepter_vpc_id}"}},
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
                    "condition ec2:AccepterVpc limits the role to connections to one VPC.",
                )
            )

    @property
    def role_arn(self) -> str:
        return self.role.role_arn
