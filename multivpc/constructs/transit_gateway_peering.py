"""A Transit Gateway peering: the attachment (requester side) and its acceptance
(accepter side), which CloudFormation has no resource for."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.inline_function import inline_function

HANDLER_SOURCE = Path(__file__).with_name("peering_acceptance_handler.py")
"""The acceptance function's code, inlined into the template (no asset to upload)."""
ACCEPTANCE_TYPE = "Custom::TransitGatewayPeeringAcceptance"


class TransitGatewayPeeringAttachment(Construct):
    """A peering attachment from ``transit_gateway_id`` to a gateway of another region or
    account. It stays pending until the peer accepts it (``TransitGatewayPeeringAcceptance``).

    Args:
        transit_gateway_id: the requester's gateway.
        peer_transit_gateway_id: the accepter's gateway.
        peer_account_id: the accepter's account.
        peer_region: the accepter's region.
    """

    attachment: ec2.CfnTransitGatewayPeeringAttachment
    """The attachment."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        transit_gateway_id: str,
        peer_transit_gateway_id: str,
        peer_account_id: str,
        peer_region: str,
    ) -> None:
        super().__init__(scope, id)
        if not cdk.Token.is_unresolved(peer_account_id) and not (
            len(peer_account_id) == 12 and peer_account_id.isdigit()
        ):
            raise ConstructArgumentError(
                self.node.path, f"peer_account_id {peer_account_id[:20]!r} is not a 12-digit id"
            )
        self.attachment = ec2.CfnTransitGatewayPeeringAttachment(
            self,
            "Resource",
            transit_gateway_id=transit_gateway_id,
            peer_transit_gateway_id=peer_transit_gateway_id,
            peer_account_id=peer_account_id,
            peer_region=peer_region,
        )

    @property
    def attachment_id(self) -> str:
        return self.attachment.attr_transit_gateway_attachment_id


class TransitGatewayPeeringAcceptance(Construct):
    """Accepts a Transit Gateway peering attachment in the accepter's account and region,
    and completes only once the attachment is available, so that associations and routes
    that depend on this construct can be created.

    A small function (its code inlined in the template, one per stack) runs on the stack's
    SDK-call role and log group; it may accept this attachment and describe attachments.

    The function waits up to 14 minutes (Lambda's limit is 15).

    Args:
        attachment_id: the peering attachment (from the requester's stack).
    """

    resource: cdk.CustomResource
    """The acceptance; depend on it to wait for an available attachment."""
    function: lambda_.Function
    """The function that accepts."""

    def __init__(self, scope: Construct, id: str, *, attachment_id: str) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        attachment_arn = stack.format_arn(
            service="ec2", resource="transit-gateway-attachment", resource_name=attachment_id
        )
        self.function = inline_function(
            stack,
            "PeeringAcceptanceFunction",
            source=HANDLER_SOURCE,
            description="accepts a Transit Gateway peering attachment and waits until it is "
            "available",
            statements=[
                iam.PolicyStatement(
                    actions=["ec2:AcceptTransitGatewayPeeringAttachment"],
                    resources=[attachment_arn],
                ),
                iam.PolicyStatement(
                    actions=["ec2:DescribeTransitGatewayPeeringAttachments"], resources=["*"]
                ),
            ],
            wildcard_reason="ec2:DescribeTransitGatewayPeeringAttachments supports no "
            "resource-level permission; the only write action is scoped to the one attachment.",
        )
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=self.function.function_arn,
            resource_type=ACCEPTANCE_TYPE,
            properties={"AttachmentId": attachment_id},
        )
