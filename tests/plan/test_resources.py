"""Resources per stack counted from the plan, against the synthesized templates: every
stack of every example, and variants for what the examples do not show."""

from __future__ import annotations

from typing import Any

import pytest

from multivpc.plan.resources import stack_resources
from tests.conftest import ROOT, Templates, synthesize
from tests.rules.test_stacks import at_the_limit
from tests.support.builder import NetworkBuilder, network


def _counted(builder: NetworkBuilder) -> tuple[dict[str, int], dict[str, int]]:
    """(planned, synthesized) resources per stack name."""
    loaded = builder.load()
    plan = loaded.network_plan()
    planned = {stack.name: stack_resources(plan, stack) for stack in plan.stacks}
    return planned, _sizes(synthesize(loaded.config, checks=False))


def _sizes(templates: Templates) -> dict[str, int]:
    return {name: len(template.get("Resources", {})) for name, template in templates.items()}


def test_every_example_stack_holds_what_its_plan_counts(
    example_templates: dict[str, Templates],
) -> None:
    from multivpc.load import load_network
    from tests.conftest import EXAMPLES

    for path in EXAMPLES:
        plan = load_network(path).network_plan()
        planned = {stack.name: stack_resources(plan, stack) for stack in plan.stacks}
        assert planned == _sizes(example_templates[path.stem]), path.name


def _isolated(name: str, cidr: str, prefix_length: int = 24) -> dict[str, Any]:
    return {"name": name, "tier": "isolated", "cidr": cidr, "prefix_length": prefix_length}


VARIANTS = {
    "flow logs to a bucket with its own key": network()
    .vpc("app")
    .set(flow_logs={"destination": "s3", "s3_encryption": "kms"}),
    "flow logs to a bucket": network().vpc("app").set(flow_logs={"destination": "s3"}),
    "no flow logs": network().vpc("app", nat="single").set(flow_logs={"enabled": False}),
    "endpoints with sources and Session Manager": network()
    .vpc("app")
    .group("data", **_isolated("data", "10.0.32.0/20"))
    .set(
        endpoints={
            "gateway": ["s3", "dynamodb"],
            "interface": ["session-manager", "sts"],
            "sources": ["10.0.0.0/16", "10.9.0.0/16"],
            "session_manager_role": True,
        }
    ),
    "Transit Gateway peering in one account and region": network()
    .top(
        transit_gateways=[
            {"name": "a", "amazon_side_asn": 64512, "segments": [{"name": "s"}]},
            {"name": "b", "amazon_side_asn": 64513, "segments": [{"name": "s"}]},
        ],
        transit_gateway_peerings=[
            {
                "name": "ab",
                "requester": {"transit_gateway": "a", "segment": "s"},
                "accepter": {"transit_gateway": "b", "segment": "s"},
            },
        ],
    )
    .vpc("one", cidr="10.1.0.0/16", nat="none", groups=[_isolated("t", "10.1.0.0/20", 28)])
    .set(transit_gateway={"name": "a", "segment": "s", "subnet_group": "t"})
    .vpc("two", cidr="10.2.0.0/16", nat="none", groups=[_isolated("t", "10.2.0.0/20", 28)])
    .set(transit_gateway={"name": "b", "segment": "s", "subnet_group": "t"}),
    "a routing stack of blackholes only": network()
    .top(
        transit_gateways=[
            {
                "name": "hub",
                "segments": [
                    {"name": "s", "routes": [{"cidr": "10.99.0.0/16", "blackhole": True}]}
                ],
            }
        ]
    )
    .vpc("app", cidr="10.0.0.0/16", nat="none", groups=[_isolated("a", "10.0.0.0/20")]),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variants_hold_what_their_plan_counts(variant: str) -> None:
    planned, synthesized = _counted(VARIANTS[variant])
    assert planned == synthesized


def test_the_500_resource_boundary() -> None:
    planned, synthesized = _counted(at_the_limit(16))
    assert synthesized == {"test-app": 500} == planned
    assert [f for f in at_the_limit(16).findings() if f.startswith("stack-resources ")] == []
    [finding] = [f for f in at_the_limit(17).findings() if f.startswith("stack-resources ")]
    assert "vpcs[app]: stack test-app would hold 501 resources, more than CloudFormation's " in (
        finding
    )


def test_each_peering_stack_names_its_kind_of_peering() -> None:
    """A Transit Gateway peering and a VPC peering in one estate: every stack says which
    kind it builds, so code that handles one kind never looks the other up."""
    builder = VARIANTS["Transit Gateway peering in one account and region"]
    data = builder.data()
    data["peerings"] = [{"name": "ab", "requester": {"vpc": "one"}, "accepter": {"vpc": "two"}}]
    from tests.support.builder import network_from

    plan = network_from(data).load().network_plan()
    kinds = {
        stack.name: (stack.role, stack.transit_gateway_peering, stack.vpc_peering)
        for stack in plan.stacks
        if stack.transit_gateway_peering or stack.vpc_peering
    }
    assert kinds == {
        "test-tgw-peering-ab": ("tgw-peering", "ab", None),
        "test-tgw-peering-ab-accept": ("tgw-peering-accepter", "ab", None),
        "test-tgw-peering-ab-routing": ("tgw-peering-routing", "ab", None),
        "test-peering-ab": ("vpc-peering", None, "ab"),
    }
    planned, synthesized = _counted(network_from(data))
    assert planned == synthesized


@pytest.mark.parametrize("example", ["multi-account", "peering", "tgw-peering"])
def test_both_kinds_of_peering_share_one_plan_shape(example: str) -> None:
    """same_place and cross_account of every peering of the example, from the raw config
    on its own: a side's account and region are its VPC's or gateway's, else the
    defaults."""
    import yaml

    from multivpc.load import load_network
    from multivpc.plan import PeeringPlan

    raw = yaml.safe_load((ROOT / "examples" / f"{example}.yaml").read_text())
    default = raw["defaults"]

    def place(item: dict[str, Any]) -> tuple[str, str]:
        account = raw["accounts"][item.get("account", default["account"])]
        return account, item.get("region", default["region"])

    vpcs = {v["name"]: place(v) for v in raw["vpcs"]}
    gateways = {t["name"]: place(t) for t in raw.get("transit_gateways", [])}
    expected = {
        p["name"]: (vpcs[p["requester"]["vpc"]], vpcs[p["accepter"]["vpc"]])
        for p in raw.get("peerings", [])
    } | {
        p["name"]: (
            gateways[p["requester"]["transit_gateway"]],
            gateways[p["accepter"]["transit_gateway"]],
        )
        for p in raw.get("transit_gateway_peerings", [])
    }
    network = load_network(ROOT / "examples" / f"{example}.yaml").network_plan()
    peerings: list[PeeringPlan[Any]] = [*network.vpc_peerings, *network.transit_gateway_peerings]
    assert {p.name for p in peerings} == set(expected)
    for peering in peerings:
        requester, accepter = expected[peering.name]
        assert peering.same_place == (requester == accepter), peering.name
        assert peering.cross_account == (requester[0] != accepter[0]), peering.name
        assert [(s.account_id, s.region) for s in peering.sides] == [requester, accepter]
    if example == "peering":  # app-shared: one account and region
        assert any(p.same_place for p in peerings)
