"""Where a hub, its spokes and their segment routing may live: the layouts a CDK developer
reaches for either synthesize, or fail with a message naming the layout that works."""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from multivpc.constructs import (
    ConstructArgumentError,
    NetworkVpc,
    SegmentAttachment,
    SegmentRouting,
    SubnetGroup,
    TransitGatewayHub,
    TransitGatewayVpcAttachment,
)

ENV = cdk.Environment(account="111111111111", region="us-east-1")
SPOKES = (("prod", "10.0.0.0/16"), ("dev", "10.1.0.0/16"))


def _spokes(app: cdk.App, hub: TransitGatewayHub, in_own_stacks: bool) -> list[SegmentAttachment]:
    """A VPC per spoke, attached to the hub, each in a stack of its own or in the hub's."""
    members = []
    for name, cidr in SPOKES:
        scope = cdk.Stack(app, f"Spoke-{name}", env=ENV) if in_own_stacks else cdk.Stack.of(hub)
        network = NetworkVpc.from_groups(
            scope,
            f"{name}-vpc",
            cidr=cidr,
            zones=["us-east-1a", "us-east-1b"],
            groups=[SubnetGroup(name="transit", tier="isolated", mask=28)],
            flow_logs=None,
        )
        attachment = TransitGatewayVpcAttachment(
            scope,
            f"{name}-attachment",
            transit_gateway_id=hub.transit_gateway.ref,
            network=network,
            subnet_group="transit",
        )
        members.append(
            SegmentAttachment(name=name, attachment_id=attachment.attachment_id, segment=name)
        )
    return members


def _stack_names(app: cdk.App) -> dict[str, list[str]]:
    """Each stack of the synthesized assembly, with the stacks it depends on."""
    assembly = app.synth()
    ignored = (".assets", "Tree")  # CDK's own asset manifests and construct tree
    return {
        stack.stack_name: sorted(d.id for d in stack.dependencies if not d.id.endswith(ignored))
        for stack in assembly.stacks
    }


def test_hub_spokes_and_routing_in_one_stack() -> None:
    app = cdk.App()
    hub_stack = cdk.Stack(app, "Hub", env=ENV)
    hub = TransitGatewayHub(hub_stack, "Core", segments=["prod", "dev"])
    SegmentRouting(hub_stack, "Routing", hub=hub, attachments=_spokes(app, hub, False))
    assert _stack_names(app) == {"Hub": []}


def test_spokes_in_their_own_stacks_and_routing_in_a_stack_after_them() -> None:
    """The layout multivpc's app uses: hub, spokes that read the gateway from it, and a
    routing stack that reads both."""
    app = cdk.App()
    hub_stack = cdk.Stack(app, "Hub", env=ENV)
    hub = TransitGatewayHub(hub_stack, "Core", segments=["prod", "dev"])
    members = _spokes(app, hub, True)
    routing_stack = cdk.Stack(app, "Routing", env=ENV)
    SegmentRouting(routing_stack, "Routing", hub=hub, attachments=members)
    assert _stack_names(app) == {
        "Hub": [],
        "Spoke-prod": ["Hub"],
        "Spoke-dev": ["Hub"],
        "Routing": ["Hub", "Spoke-dev", "Spoke-prod"],
    }


def test_routing_in_the_hub_stack_with_spokes_elsewhere_is_refused_with_the_layout_to_use() -> None:
    """Today's cycle (Hub needs the spokes' attachment ids, the spokes need Hub's gateway
    id) is named when the routing is built, instead of CDK's cyclic-reference error at
    synth."""
    app = cdk.App()
    hub_stack = cdk.Stack(app, "Hub", env=ENV)
    hub = TransitGatewayHub(hub_stack, "Core", segments=["prod", "dev"])
    members = _spokes(app, hub, True)
    with pytest.raises(ConstructArgumentError) as raised:
        SegmentRouting(hub_stack, "Routing", hub=hub, attachments=members)
    assert str(raised.value) == (
        "Hub/Routing: attachment prod is in stack Spoke-prod, which takes the Transit "
        "Gateway's id from stack Hub, where this SegmentRouting is: each stack would wait for "
        "the other. Build the SegmentRouting in a stack of its own, after the spokes' stacks "
        "(SegmentRouting(routing_stack, ..., hub=hub)), or the spokes in the hub's stack"
    )
