"""Stacks of roles ``hub`` and ``routing``: a Transit Gateway and its segment intent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from multivpc.constructs import PublishedId, RemoteId, SegmentRouting, TransitGatewayHub
from multivpc.plan import StackPlan, TransitGatewayPlan


class HubStack(cdk.Stack):
    """A Transit Gateway, its segment route tables, its RAM share, and its id published
    for spokes in other accounts."""

    hub: TransitGatewayHub
    published_id: PublishedId

    def __init__(
        self, scope: Construct, *, stack: StackPlan, tgw: TransitGatewayPlan, **kwargs: Any
    ) -> None:
        super().__init__(
            scope,
            stack.name,
            env=cdk.Environment(account=stack.account_id, region=stack.region),
            description=f"multivpc: Transit Gateway {tgw.name} in {tgw.region}",
            **kwargs,
        )
        self.hub = TransitGatewayHub(
            self,
            tgw.name,
            segments=tgw.segments,
            amazon_side_asn=tgw.amazon_side_asn,
            description=f"multivpc {tgw.stack_name}",
            share_principals=tgw.share_principals,
            allow_external_principals=tgw.allow_external_principals,
        )
        self.hub.transit_gateway.tags.set_tag("Name", tgw.stack_name)
        for segment, table in self.hub.route_tables.items():
            table.tags.set_tag("Name", f"{tgw.stack_name}-{segment}")
        self.published_id = PublishedId(
            self,
            "PublishedId",
            parameter_name=tgw.id_parameter.parameter,
            value=self.hub.transit_gateway_id,
            reader_accounts=tgw.reader_accounts,
            reader_role_name=tgw.id_parameter.reader_role,
        )


class RoutingStack(cdk.Stack):
    """Associations, propagations and static routes of a Transit Gateway's attachments
    (those the plan puts in this stack), in the gateway owner's account. Attachment ids of
    same-account spokes are plain references; others are read with ``RemoteId``."""

    routing: SegmentRouting

    def __init__(
        self,
        scope: Construct,
        *,
        stack: StackPlan,
        tgw: TransitGatewayPlan,
        hub: HubStack,
        attachment_ids: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            stack.name,
            env=cdk.Environment(account=stack.account_id, region=stack.region),
            description=f"multivpc: routing of Transit Gateway {tgw.name}",
            **kwargs,
        )
        routed = [tgw.attachment(vpc) for vpc in stack.vpcs]
        ids: dict[str, str] = {}
        for attachment in routed:
            if attachment.cross_account:
                shared = attachment.attachment_id
                ids[attachment.vpc] = RemoteId(
                    self,
                    f"{attachment.vpc}-AttachmentId",
                    parameter_name=shared.parameter,
                    account_id=shared.account_id,
                    region=shared.region,
                    reader_role_name=shared.reader_role,
                ).value
            else:
                ids[attachment.vpc] = attachment_ids[attachment.vpc]
        routes = [
            (route.id, route.segment, str(route.cidr), route.vpc)
            for route in tgw.routes
            if route.routing_stack == stack.name
        ]
        self.routing = SegmentRouting(
            self,
            "Routing",
            route_tables={name: table.ref for name, table in hub.hub.route_tables.items()},
            attachments=[(a.vpc, ids[a.vpc], a.segment, a.propagates_into) for a in routed],
            routes=routes,
        )
