# mypy: ignore-errors
# The handler of TransitGatewayAssociation. An attachment holds one route-table
# association at a time, and CloudFormation replaces AWS::EC2::TransitGatewayRouteTable-
# Association by creating the new one first, which fails. This moves an association in
# place instead: on Update it disassociates from the old table, waits, associates with the
# new one and waits; Create associates, Delete disassociates. Inlined into the template
# (CloudFormation's ZipFile provides cfnresponse): standard library and boto3 only.
import time

import boto3
import cfnresponse

POLL_SECONDS = 5
MARGIN_MS = 30_000  # answer CloudFormation before the function's own timeout


def handler(event, context):
    props = event["ResourceProperties"]
    attachment, table = props.get("AttachmentId", ""), props.get("RouteTableId", "")
    physical = event.get("PhysicalResourceId") or f"{attachment}|association"
    try:
        ec2 = boto3.client("ec2")
        request = event["RequestType"]
        if request == "Create":
            associate(ec2, attachment, table, context)
        elif request == "Update":
            old = event.get("OldResourceProperties", {})
            if old.get("AttachmentId") != attachment:
                disassociate(ec2, old.get("AttachmentId", ""), old.get("RouteTableId", ""), context)
            elif old.get("RouteTableId") != table:
                disassociate(ec2, attachment, old.get("RouteTableId", ""), context)
            associate(ec2, attachment, table, context)
        else:
            disassociate(ec2, attachment, table, context)
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, physical)
    except Exception as error:  # every failure goes back to CloudFormation, never lost
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, physical, reason=str(error))


def current(ec2, attachment):
    """(route table id or None, state) of the attachment's association."""
    found = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attachment])
    attachments = found["TransitGatewayAttachments"]
    if not attachments:
        raise RuntimeError(f"attachment {attachment} not found")
    association = attachments[0].get("Association") or {}
    return association.get("TransitGatewayRouteTableId"), association.get("State")


def associate(ec2, attachment, table, context):
    while True:
        associated, state = current(ec2, attachment)
        if associated == table and state == "associated":
            return
        if associated is None:
            ec2.associate_transit_gateway_route_table(
                TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment
            )
        elif associated != table and state == "associated":
            raise RuntimeError(
                f"attachment {attachment} is associated with {associated}, not {table}"
            )
        wait(context, f"attachment {attachment} to associate with {table}")


def disassociate(ec2, attachment, table, context):
    while True:
        try:
            associated, _ = current(ec2, attachment)
        except RuntimeError:
            return  # the attachment is gone, and its association with it
        if associated != table:
            return
        if _ == "associated":
            ec2.disassociate_transit_gateway_route_table(
                TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment
            )
        wait(context, f"attachment {attachment} to leave {table}")


def wait(context, what):
    if context.get_remaining_time_in_millis() < MARGIN_MS + POLL_SECONDS * 1000:
        raise RuntimeError(f"gave up waiting for {what}; retry")
    time.sleep(POLL_SECONDS)
