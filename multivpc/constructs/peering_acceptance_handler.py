# mypy: ignore-errors
# The handler of TransitGatewayPeeringAcceptance. CloudFormation cannot accept a Transit
# Gateway peering attachment, and the accepter's association and routes fail while the
# attachment is still pending, so this accepts it and waits until it is available.
# Its text is inlined into the template (CloudFormation's ZipFile, where the cfnresponse
# module is provided): standard library and boto3 only, and no other multivpc import.
import time

import boto3
import cfnresponse

POLL_SECONDS = 10
MARGIN_MS = 30_000  # answer CloudFormation before the function's own timeout


def handler(event, context):
    attachment_id = event["ResourceProperties"].get("AttachmentId", "")
    try:
        if event["RequestType"] in ("Create", "Update"):
            accept(boto3.client("ec2"), attachment_id, context)
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, attachment_id)
    except Exception as error:  # every failure goes back to CloudFormation, never lost
        cfnresponse.send(
            event, context, cfnresponse.FAILED, {}, attachment_id or "none", reason=str(error)
        )


def accept(ec2, attachment_id, context):
    """Accept a pending peering attachment (once) and wait until it is available."""
    while True:
        found = ec2.describe_transit_gateway_peering_attachments(
            TransitGatewayAttachmentIds=[attachment_id]
        )["TransitGatewayPeeringAttachments"]
        if not found:
            raise RuntimeError(f"peering attachment {attachment_id} not found")
        state = found[0]["State"]
        if state == "available":
            return
        if state == "pendingAcceptance":
            ec2.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=attachment_id)
        elif state in ("rejected", "rejecting", "failed", "failing", "deleted", "deleting"):
            raise RuntimeError(f"peering attachment {attachment_id} is {state}")
        if context.get_remaining_time_in_millis() < MARGIN_MS + POLL_SECONDS * 1000:
            raise RuntimeError(f"peering attachment {attachment_id} still {state}; retry")
        time.sleep(POLL_SECONDS)
