"""Wires a NetworkPlan into a CDK app: one stack per planned stack (by role), their
dependencies, and cdk-nag on every synth."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import aws_cdk as cdk
from cdk_nag import (
    AwsSolutionsChecks,
    HIPAASecurityChecks,
    NIST80053R5Checks,
    PCIDSS321Checks,
)

from multivpc.plan import NetworkPlan, StackPlan
from multivpc.stacks.transit_stacks import (
    HubStack,
    RoutingStack,
    TransitGatewayPeeringAccepterStack,
    TransitGatewayPeeringRoutingStack,
    TransitGatewayPeeringStack,
)
from multivpc.stacks.vpc_peering_stacks import (
    VpcPeeringAccepterStack,
    VpcPeeringRoutesStack,
    VpcPeeringStack,
)
from multivpc.stacks.vpc_stack import VpcStack
from multivpc.vocabulary import NagPack

NAG_PACKS: dict[NagPack, Callable[[cdk.App], cdk.IPolicyValidationPlugin]] = {
    "nist-800-53-r5": lambda app: NIST80053R5Checks(app),
    "hipaa-security": lambda app: HIPAASecurityChecks(app),
    "pci-dss-3.2.1": lambda app: PCIDSS321Checks(app),
}
"""The compliance packs a config (``nag_packs``) or ``-c nag_packs=...`` may turn on."""


def add_network(
    app: cdk.App,
    network: NetworkPlan,
    *,
    checks: bool = True,
    extra_nag_packs: Iterable[NagPack] = (),
) -> list[cdk.Stack]:
    """Add the plan's stacks to ``app``, in plan order, with their dependencies.

    With ``checks``, cdk-nag runs at synth and any unacknowledged error fails it:
    AwsSolutions always, plus the plan's ``nag_packs`` and ``extra_nag_packs``.
    """
    if checks:
        packs = dict.fromkeys((*network.nag_packs, *extra_nag_packs))
        cdk.Validations.of(app).add_plugins(
            AwsSolutionsChecks(app), *(NAG_PACKS[pack](app) for pack in packs)
        )
    stacks: dict[str, cdk.Stack] = {}
    spokes: dict[str, VpcStack] = {}
    for planned in network.stacks:
        stack: cdk.Stack
        if planned.role == "hub":
            assert planned.transit_gateway is not None
            tgw = network.transit_gateway(planned.transit_gateway)
            stack = HubStack(app, stack=planned, tgw=tgw)
        elif planned.role == "vpc":
            [vpc_name] = planned.vpcs
            stack = spokes[vpc_name] = VpcStack(app, stack=planned, vpc=network.vpc(vpc_name))
        elif planned.transit_gateway_peering is not None:
            stack = _transit_gateway_peering_stack(app, planned, network)
        elif planned.role in ("vpc-peering-accepter", "vpc-peering", "vpc-peering-routes"):
            stack = _vpc_peering_stack(app, planned, network, spokes)
        else:
            assert planned.transit_gateway is not None
            tgw = network.transit_gateway(planned.transit_gateway)
            stack = RoutingStack(app, stack=planned, tgw=tgw)
        for dependency in planned.depends_on:
            if dependency not in stacks:
                raise ValueError(
                    f"stack {planned.name} depends on {dependency}, which the plan does not "
                    "list before it"
                )
            stack.add_stack_dependency(stacks[dependency])
        for key, value in network.tags.items():
            cdk.Tags.of(stack).add(key, value, priority=50)
        stacks[planned.name] = stack
    return list(stacks.values())


def _transit_gateway_peering_stack(
    app: cdk.App, planned: StackPlan, network: NetworkPlan
) -> cdk.Stack:
    assert planned.transit_gateway_peering is not None
    peering = network.transit_gateway_peering(planned.transit_gateway_peering)
    if planned.role == "tgw-peering":
        return TransitGatewayPeeringStack(app, stack=planned, peering=peering)
    if planned.role == "tgw-peering-accepter":
        return TransitGatewayPeeringAccepterStack(
            app,
            stack=planned,
            peering=peering,
            accepter_tgw=network.transit_gateway(peering.accepter.transit_gateway),
        )
    return TransitGatewayPeeringRoutingStack(
        app,
        stack=planned,
        peering=peering,
        requester_tgw=network.transit_gateway(peering.requester.transit_gateway),
    )


def _vpc_peering_stack(
    app: cdk.App, planned: StackPlan, network: NetworkPlan, spokes: dict[str, VpcStack]
) -> cdk.Stack:
    assert planned.vpc_peering is not None
    peering = network.vpc_peering(planned.vpc_peering)
    requester, accepter = spokes[peering.requester.vpc], spokes[peering.accepter.vpc]
    if planned.role == "vpc-peering-accepter":
        return VpcPeeringAccepterStack(app, stack=planned, peering=peering, accepter_vpc=accepter)
    if planned.role == "vpc-peering":
        return VpcPeeringStack(
            app, stack=planned, peering=peering, requester_vpc=requester, accepter_vpc=accepter
        )
    return VpcPeeringRoutesStack(app, stack=planned, peering=peering, accepter_vpc=accepter)
