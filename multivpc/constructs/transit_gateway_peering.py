"""A Transit Gateway peering: the attachment (requester side) and its acceptance
(accepter side), which CloudFormation has no resource for."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from multivpc.constructs.acknowledgements import acknowledge
from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.sdk_call_provider import provider_setup

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

    A small function (its code inlined in the template) runs on the stack's SDK-call
    provider role and log group; it may accept and describe peering attachments only.

    Args:
        attachment_id: the peering attachment (from the requester's stack).
        timeout: how long the function waits for the attachment. Default 14 minutes
            (Lambda's limit is 15).
    """

    resource: cdk.CustomResource
    """The acceptance; depend on it to wait for an available attachment."""
    function: lambda_.Function
    """The function that accepts."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        attachment_id: str,
        timeout: cdk.Duration | None = None,
    ) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        log_group, role = provider_setup(stack)
        attachment_arn = stack.format_arn(
            service="ec2", resource="transit-gateway-attachment", resource_name=attachment_id
        )
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="Accept one Transit Gateway peering attachment and watch its state",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["ec2:AcceptTransitGatewayPeeringAttachment"],
                    resources=[attachment_arn],
                ),
                iam.PolicyStatement(
                    actions=["ec2:DescribeTransitGatewayPeeringAttachments"], resources=["*"]
                ),
            ],
        )
        cdk.Validations.of(policy).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                reason="ec2:DescribeTransitGatewayPeeringAttachments supports no resource-level "
                "permission; the only write action is scoped to the one attachment.",
            )
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=lambda_.Runtime.PYTHON_3_14,
            handler="index.handler",
            code=lambda_.Code.from_inline(HANDLER_SOURCE.read_text(encoding="utf-8")),
            role=role,
            log_group=log_group if isinstance(log_group, logs.LogGroup) else None,
            timeout=timeout or cdk.Duration.minutes(14),
            description="multivpc: accepts a Transit Gateway peering attachment and waits "
            "until it is available",
        )
        self.function.node.add_dependency(policy)
        for rule, reason in _REASONS.items():
            acknowledge(self.function, rule, reason)
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=self.function.function_arn,
            resource_type=ACCEPTANCE_TYPE,
            properties={"AttachmentId": attachment_id},
        )


_REASONS: dict[str, str] = {
    "LambdaConcurrency": "CloudFormation invokes this function once per change of the "
    "acceptance; reserving concurrency would take capacity from the account for nothing.",
    "LambdaDLQ": "CloudFormation invokes the function for a custom resource and reports a "
    "failure as a failed deployment; there is no asynchronous event to lose.",
    "LambdaInsideVPC": "The function only calls the EC2 API; placing it in a VPC would need "
    "NAT or endpoints there for no gain.",
}
