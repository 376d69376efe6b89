"""Rules about the planned stacks: names CloudFormation accepts, one object per name."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from multivpc.config.findings import Finding, path_text
from multivpc.plan import NetworkPlan, StackPlan
from multivpc.plan.resources import STACK_RESOURCE_LIMIT, stack_resources
from multivpc.rules.registry import plan_rule
from multivpc.topology import Topology

STACK_NAME_LENGTH = 128
"""CloudFormation's longest stack name."""
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
"""CloudFormation's stack name pattern: a letter, then letters, digits and dashes."""


def origin(stack: StackPlan) -> tuple[str, ...]:
    """The config object a stack is built for, as a finding's path."""
    if stack.role == "vpc":
        return ("vpcs", f"[{stack.vpcs[0]}]")
    if stack.role in ("hub", "routing"):
        return ("transit_gateways", f"[{stack.transit_gateway}]")
    if stack.vpc_peering is not None:
        return ("peerings", f"[{stack.vpc_peering}]")
    return ("transit_gateway_peerings", f"[{stack.transit_gateway_peering}]")


@plan_rule(
    "stack-names",
    finding="two config objects would build stacks of one name, or a stack name is not "
    "valid for CloudFormation",
    why="stack names are identity: two objects sharing one would merge into one stack (or "
    "fail synth), and CloudFormation refuses a name over 128 characters or outside "
    "[A-Za-z][A-Za-z0-9-]*",
)
def stack_names(topology: Topology, network: NetworkPlan) -> Iterator[Finding]:
    del topology  # the plan holds every name
    by_name: dict[str, list[StackPlan]] = defaultdict(list)
    for stack in network.stacks:
        by_name[stack.name].append(stack)
    for name, stacks in by_name.items():
        places = list(dict.fromkeys(origin(s) for s in stacks))
        if len(places) > 1:
            yield Finding(
                places[1],
                f"its stack {name} has the name of a stack of {path_text(places[0])}",
                f"rename one of the two ({path_text(places[0])} or {path_text(places[1])})",
            )
        if len(name) > STACK_NAME_LENGTH:
            yield Finding(
                places[0],
                f"stack name {name[:40]}... has {len(name)} characters, more than "
                f"CloudFormation's {STACK_NAME_LENGTH}",
                "shorten the network's or this object's name",
            )
        elif not STACK_NAME.match(name):
            yield Finding(
                places[0],
                f"stack name {name} is not valid for CloudFormation (a letter, then letters, "
                "digits and dashes)",
                "rename the object with letters, digits and dashes",
            )


_SPLIT = {
    "vpc": "split the VPC's subnet groups or zones over two VPCs, or drop groups, "
    "endpoints or sources it does not need",
    "vpc-peering": "route fewer groups (route_from) or fewer peer_ranges through the peering",
    "vpc-peering-routes": "route fewer groups (route_from) or fewer peer_ranges through the "
    "peering",
    "hub": "use fewer segments",
    "tgw-peering-accepter": "give the peering side summaries instead of one route per VPC",
    "tgw-peering-routing": "give the peering side summaries instead of one route per VPC",
}


@plan_rule(
    "stack-resources",
    finding="a planned stack would hold more than CloudFormation's 500 resources",
    why="CloudFormation refuses a template over 500 resources (not adjustable) and CDK only "
    "says so at synth; counted from the plan, the finding names the config object instead",
)
def stack_resources_limit(topology: Topology, network: NetworkPlan) -> Iterator[Finding]:
    del topology
    for stack in network.stacks:
        count = stack_resources(network, stack)
        if count > STACK_RESOURCE_LIMIT:
            yield Finding(
                origin(stack),
                f"stack {stack.name} would hold {count} resources, more than CloudFormation's "
                f"{STACK_RESOURCE_LIMIT} per stack",
                _SPLIT.get(stack.role, "split the object in two"),
            )


RULES = (stack_names, stack_resources_limit)
