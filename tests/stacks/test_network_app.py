"""add_network creates stacks from the plan: by role, in plan order, with dependencies."""

from __future__ import annotations

import dataclasses

import aws_cdk as cdk
import pytest

from multivpc.plan import NetworkPlan, plan
from multivpc.stacks import VpcStack, add_network
from tests.support.builder import base


def _two_vpc_plan() -> NetworkPlan:
    builder = base().vpc("other", cidr="10.1.0.0/16").top(name="estate")
    return plan(builder.load().topology)


def test_stacks_follow_the_plan_with_dependencies() -> None:
    network = _two_vpc_plan()
    first, second = network.stacks
    network = dataclasses.replace(
        network, stacks=(first, dataclasses.replace(second, depends_on=(first.name,)))
    )
    app = cdk.App()
    stacks = add_network(app, network, checks=False)
    assert [s.stack_name for s in stacks] == ["estate-app", "estate-other"]
    assert all(isinstance(s, VpcStack) for s in stacks)
    assert [d.stack_name for d in stacks[1].dependencies] == ["estate-app"]
    assert stacks[0].dependencies == []
    assert (stacks[1].account, stacks[1].region) == ("111111111111", "us-east-1")


def test_a_dependency_on_a_later_stack_is_refused() -> None:
    network = _two_vpc_plan()
    first, second = network.stacks
    network = dataclasses.replace(
        network, stacks=(dataclasses.replace(first, depends_on=(second.name,)), second)
    )
    with pytest.raises(ValueError, match="stack estate-app depends on estate-other, which the"):
        add_network(cdk.App(), network, checks=False)
