"""SegmentRouting composed from objects: a hub, typed attachment and route records, from
the public API only (no plan, no config)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from multivpc.constructs import (
    ConstructArgumentError,
    SegmentAttachment,
    SegmentRoute,
    SegmentRouting,
    TransitGatewayHub,
    TransitGatewayVpcAttachment,
)


def _stack() -> cdk.Stack:
    return cdk.Stack(
        cdk.App(), "Hub", env=cdk.Environment(account="111111111111", region="us-east-1")
    )


def _hub_with_two_spokes() -> tuple[cdk.Stack, TransitGatewayHub, list[SegmentAttachment]]:
    stack = _stack()
    hub = TransitGatewayHub(stack, "Core", segments=["prod", "dev", "shared"])
    gateway = hub.transit_gateway.ref
    spokes = []
    for name, segment in (("prod-app", "prod"), ("dev-app", "dev")):
        attachment = TransitGatewayVpcAttachment(
            stack,
            f"{name}-Attachment",
            transit_gateway_id=gateway,
            vpc_id=f"vpc-{name}",
            subnet_ids=[f"subnet-{name}-a", f"subnet-{name}-b"],
        )
        spokes.append(
            SegmentAttachment(
                name=name,
                attachment_id=attachment.attachment_id,
                segment=segment,
                propagates_to=("shared",),
            )
        )
    return stack, hub, spokes


def _logical_id(template: Template, prefix: str) -> str:
    [logical_id] = [
        k
        for k in template.find_resources("AWS::EC2::TransitGatewayAttachment")
        if k.startswith(prefix)
    ]
    return logical_id


def _of_type(template: Template, kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template.find_resources(kind).values()]


def test_a_hub_and_two_attachments_compose_from_objects() -> None:
    stack, hub, spokes = _hub_with_two_spokes()
    routing = SegmentRouting(
        stack,
        "Routing",
        hub=hub,
        attachments=spokes,
        routes=[
            SegmentRoute(id="to-prod", segment="shared", cidr="10.1.0.0/16", attachment="prod-app"),
            SegmentRoute(id="no-lab", segment="dev", cidr="10.99.0.0/16"),
        ],
    )
    template = Template.from_stack(stack)
    resolve = stack.resolve
    tables = {name: resolve(table.ref) for name, table in hub.route_tables.items()}
    attachments = {spoke.name: resolve(spoke.attachment_id) for spoke in spokes}
    assert attachments["prod-app"] == {"Ref": _logical_id(template, "prodappAttachment")}
    # Each attachment associated with its own segment's table ...
    assert set(routing.associations) == {"prod-app", "dev-app"}
    associated = _of_type(template, "Custom::TransitGatewayAssociation")
    assert sorted(((p["AttachmentId"], p["RouteTableId"]) for p in associated), key=str) == sorted(
        [
            (attachments["prod-app"], tables["prod"]),
            (attachments["dev-app"], tables["dev"]),
        ],
        key=str,
    )
    # ... and propagated into shared only.
    propagations = _of_type(template, "AWS::EC2::TransitGatewayRouteTablePropagation")
    assert sorted(
        ((p["TransitGatewayAttachmentId"], p["TransitGatewayRouteTableId"]) for p in propagations),
        key=str,
    ) == sorted([(attachments[n], tables["shared"]) for n in ("prod-app", "dev-app")], key=str)
    routes = {
        p["DestinationCidrBlock"]: p for p in _of_type(template, "AWS::EC2::TransitGatewayRoute")
    }
    assert routes["10.1.0.0/16"]["TransitGatewayRouteTableId"] == tables["shared"]
    assert routes["10.1.0.0/16"]["TransitGatewayAttachmentId"] == attachments["prod-app"]
    assert routes["10.99.0.0/16"]["Blackhole"] is True
    assert routes["10.99.0.0/16"]["TransitGatewayRouteTableId"] == tables["dev"]


def _error(**kwargs: Any) -> str:
    stack, hub, spokes = _hub_with_two_spokes()
    arguments: dict[str, Any] = {"hub": hub, "attachments": spokes, **kwargs}
    with pytest.raises(ConstructArgumentError) as raised:
        SegmentRouting(stack, "Routing", **arguments)
    return str(raised.value)


def test_a_tuple_of_an_earlier_release_is_refused_by_name() -> None:
    message = _error(attachments=[("prod-app", "tgw-attach-1", "prod", ())])
    assert message == (
        "Hub/Routing: ('prod-app', 'tgw-attach-1', 'prod', ()) is not a SegmentAttachment; "
        "build one by keyword"
    )
    assert "is not a SegmentRoute" in _error(routes=[("r", "prod", "10.0.0.0/8", None)])


def test_unknown_segments_attachments_and_repeats_are_named() -> None:
    wrong = SegmentAttachment(name="x", attachment_id="tgw-attach-1", segment="prdo")
    assert _error(attachments=[wrong]) == (
        "Hub/Routing: x: no segment prdo; known: dev, prod, shared"
    )
    twice = SegmentAttachment(name="x", attachment_id="tgw-attach-1", segment="prod")
    assert _error(attachments=[twice, twice]) == "Hub/Routing: attachment x is given twice"
    route = SegmentRoute(id="r", segment="prod", cidr="10.0.0.0/8", attachment="nobody")
    assert _error(routes=[route]) == "Hub/Routing: route r: unknown segment or attachment"


def test_hub_or_route_tables_exactly_once() -> None:
    assert _error(route_tables={"prod": "tgw-rtb-1"}) == (
        "Hub/Routing: give either hub or route_tables"
    )
    stack, _, spokes = _hub_with_two_spokes()
    with pytest.raises(ConstructArgumentError, match="give either hub or route_tables"):
        SegmentRouting(stack, "Routing", attachments=spokes)


def test_route_tables_by_id_still_work_for_another_accounts_hub() -> None:
    stack = _stack()
    SegmentRouting(
        stack,
        "Routing",
        route_tables={"prod": "tgw-rtb-0prod"},
        attachments=[SegmentAttachment(name="a", attachment_id="tgw-attach-0a", segment="prod")],
    )
    [association] = _of_type(Template.from_stack(stack), "Custom::TransitGatewayAssociation")
    assert (association["AttachmentId"], association["RouteTableId"]) == (
        "tgw-attach-0a",
        "tgw-rtb-0prod",
    )
