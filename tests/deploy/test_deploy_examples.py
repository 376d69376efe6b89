"""Every example deploys to the emulator through the real CDK CLI, matches its config,
and takes an edit (a new subnet group, a new VPC, attached like the first VPC when that
one is) without touching anything else."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest
import yaml

from multivpc.config.lockfile import LOCK_SUFFIX
from multivpc.config.models import NetworkConfig
from multivpc.load import load_config, load_network, write_lock
from multivpc.plan import NetworkPlan, StackPlan
from tests.conftest import EXAMPLES
from tests.conftest import plan_of as plan
from tests.deploy.deploy import Deployer
from tests.deploy.emulator import Emulator, add_local_zones
from tests.deploy.oracle import (
    expected_transit_gateways,
    expected_vpcs,
    route_tables,
    with_lock,
)
from tests.deploy.verify import (
    observed_transit_gateway,
    observed_vpc,
    physical_ids,
    route_tables_are_one_per_subnet,
    stack_resources,
)
from tests.support.builder import NetworkBuilder, network_from

pytestmark = pytest.mark.deploy


def _local_zones(network: NetworkPlan) -> list[tuple[str, str]]:
    return [
        (vpc.region, zone.name)
        for vpc in network.vpcs
        for zone in vpc.zones
        if zone.kind == "local"
    ]


def _free_range(
    taken: list[ipaddress.IPv4Network], within: ipaddress.IPv4Network, prefix: int
) -> str:
    for candidate in within.subnets(new_prefix=prefix):
        if not any(candidate.overlaps(net) for net in taken):
            return str(candidate)
    raise AssertionError(f"no free /{prefix} left in {within}")


LOCAL_ZONES = {"us-east-1": "us-east-1-bos-1a", "us-west-2": "us-west-2-lax-1a"}
"""A Local Zone of each region the examples' first VPCs use."""


def edited(config: NetworkConfig) -> NetworkBuilder:
    """The config with one more subnet group in its first VPC and one more VPC, attached
    to the first VPC's Transit Gateway segment when that one is attached."""
    first = config.vpcs[0]
    network = plan(config)
    first_cidr = network.vpcs[0].cidr
    taken = [s.cidr for s in network.vpcs[0].subnets]
    group_prefix = first_cidr.prefixlen + 4
    all_vpcs = [vpc.cidr for vpc in network.vpcs]
    new_cidr = _free_range(all_vpcs, ipaddress.IPv4Network("10.0.0.0/8"), 16)
    groups = [{"name": "app", "tier": "isolated", "cidr": new_cidr, "prefix_length": 24}]
    attached: dict[str, Any] = {}
    if first.transit_gateway is not None:
        blocks = list(ipaddress.IPv4Network(new_cidr).subnets(new_prefix=20))
        groups = [
            {"name": "app", "tier": "isolated", "cidr": str(blocks[0]), "prefix_length": 24},
            {"name": "transit", "tier": "isolated", "cidr": str(blocks[-1]), "prefix_length": 28},
        ]
        local = LOCAL_ZONES.get(first.region)
        if local is not None:
            # app reaches a Local Zone too: its subnet there must route to the gateway as
            # well, though the attachment (AZs only) has no subnet in that zone.
            cells = [str(c) for c in blocks[0].subnets(new_prefix=24)]
            zones = [*first.availability_zones[:2], local]
            groups[0] = {
                "name": "app",
                "tier": "isolated",
                "cidrs": dict(zip(zones, cells, strict=False)),
            }
            attached["local_zones"] = [{"name": local}]
        attached["transit_gateway"] = {
            "name": first.transit_gateway.name,
            "segment": first.transit_gateway.segment,
            "subnet_group": "transit",
        }
    return (
        network_from(config.model_dump(mode="json", exclude_none=True, exclude_unset=True))
        .at(first.name)
        .group(
            "added",
            tier="isolated",
            cidr=_free_range(taken, first_cidr, group_prefix),
            prefix_length=group_prefix + 3,
        )
        .vpc(
            "added",
            account=first.account,
            region=first.region,
            cidr=new_cidr,
            availability_zones=first.availability_zones[:2],
            nat="none",
            groups=groups,
            **attached,
        )
    )


def write_with_lock(example: Path, text: str, path: Path) -> None:
    """An edit of ``example`` at ``path``, with the example's lock beside it brought up to
    date as `multivpc plan --write-lock` would (under CI=true the app never writes one)."""
    path.write_text(text)
    lock = example.with_name(f"{example.stem}{LOCK_SUFFIX}")
    if lock.is_file():
        path.with_name(f"{path.stem}{LOCK_SUFFIX}").write_text(lock.read_text())
    write_lock(load_network(path, locked=False))


def _named_groups(raw: dict[str, Any], vpc: dict[str, Any]) -> set[str]:
    """The groups of ``vpc`` that other keys name (attachment and endpoint subnets, route
    sources of endpoints and peerings): removing one would break the config."""
    names = {(vpc.get("transit_gateway") or {}).get("subnet_group")}
    endpoints = vpc.get("endpoints") or {}
    names |= {endpoints.get("subnet_group"), *endpoints.get("route_from", [])}
    for peering in raw.get("peerings", []):
        for side in (peering["requester"], peering["accepter"]):
            if side["vpc"] == vpc["name"]:
                names |= set(side.get("route_from") or [])
    return {name for name in names if name}


def _swap_a_sized_group(example: Path, edit: NetworkBuilder, edited_path: Path) -> set[str]:
    """When the example has a size-only isolated group, the edit also removes the first
    one and adds one of the same size, in the same deploy. The edited config gets the lock
    that edit writes. Returns the removed group's ranges (none without such a group)."""
    raw = yaml.safe_load(example.read_text())
    # An isolated group no other key names: a public one would take the VPC's NAT gateway
    # along, whose deletion moto's CloudFormation does not emulate.
    sized = [
        (v, g)
        for v in raw["vpcs"]
        for g in v["subnets"]
        if "size" in g and g["tier"] == "isolated" and g["name"] not in _named_groups(raw, v)
    ]
    if not sized:
        write_with_lock(example, edit.yaml(), edited_path)
        return set()
    vpc, group = sized[0]
    lock = example.with_name(f"{example.stem}{LOCK_SUFFIX}")
    removed = yaml.safe_load(lock.read_text())["vpcs"][vpc["name"]]["subnets"][group["name"]]
    data = edit.data()
    for entry in data["vpcs"]:
        if entry["name"] == vpc["name"]:
            entry["subnets"] = [g for g in entry["subnets"] if g["name"] != group["name"]]
            entry["subnets"].append(
                {"name": "swapped", "tier": group["tier"], "size": group["size"]}
            )
    write_with_lock(example, yaml.safe_dump(data, sort_keys=False), edited_path)
    written = yaml.safe_load(edited_path.with_name(lock.name).read_text())
    given = written["vpcs"][vpc["name"]]["subnets"]["swapped"]
    assert {entry["cidr"] for entry in written["released"]} == set(removed.values())
    assert not any(
        ipaddress.ip_network(new).overlaps(ipaddress.ip_network(old))
        for new in given.values()
        for old in removed.values()
    ), f"the new group {given} reuses a range the removed group {removed} still holds"
    return set(removed.values())


def _check_matches(
    emulator: Emulator, network: NetworkPlan, config_path: Path
) -> dict[str, dict[str, str]]:
    """Deployed state against the oracle, which reads the config file itself. Returns the
    physical ids per VPC, and per Transit Gateway those of its hub and routing stacks."""
    lock = config_path.with_name(f"{config_path.stem}.lock.yaml")
    data = with_lock(
        yaml.safe_load(config_path.read_text()),
        yaml.safe_load(lock.read_text()) if lock.is_file() else None,
    )
    expected = expected_vpcs(data)
    expected_tgws = expected_transit_gateways(data)
    assert set(expected) == {vpc.name for vpc in network.vpcs}
    assert set(expected_tgws) == {tgw.name for tgw in network.transit_gateways}
    hubs = {s.transit_gateway or "": s for s in network.stacks if s.role == "hub"}
    gateway_names = {
        tgw_id: name
        for name, hub in hubs.items()
        for tgw_id in physical_ids(emulator, hub, "AWS::EC2::TransitGateway")
    }
    ids = {}
    for vpc in network.vpcs:
        observed, vpc_ids = observed_vpc(emulator, vpc, gateway_names)
        assert observed == expected[vpc.name], f"{vpc.stack_name} differs from its config"
        assert route_tables_are_one_per_subnet(vpc_ids), f"{vpc.stack_name}: {vpc_ids}"
        ssm = emulator.client("ssm", vpc.region, vpc.account_id)
        published = ssm.get_parameter(Name=f"/multivpc/{network.name}/{vpc.name}/vpc-id")
        assert published["Parameter"]["Value"] == vpc_ids["vpc"], "published VPC id"
        ids[vpc.name] = vpc_ids
    vpc_names = {vpc_ids["vpc"]: name for name, vpc_ids in ids.items()}
    peering_names = {
        attachment_id: f"peering {stack.transit_gateway_peering}"
        for stack in network.stacks
        if stack.role == "tgw-peering"
        for attachment_id in physical_ids(
            emulator, stack, "AWS::EC2::TransitGatewayPeeringAttachment"
        )
    }
    assert len(peering_names) == len(network.transit_gateway_peerings)
    for name, hub in hubs.items():
        observed_tgw = observed_transit_gateway(emulator, hub, vpc_names, peering_names)
        assert observed_tgw == route_tables(expected_tgws[name]), f"{hub.name} differs"
        ids[f"transit gateway {name}"] = {
            f"{stack.name} {logical}": physical
            for stack in network.stacks
            if stack.transit_gateway == name
            or (
                stack.transit_gateway_peering is not None
                and _peering_side_of(network, stack) == name
            )
            for logical, physical in stack_resources(emulator, stack).items()
        }
    return ids


def _peering_side_of(network: NetworkPlan, stack: StackPlan) -> str:
    """The Transit Gateway whose side of a peering ``stack`` builds."""
    assert stack.transit_gateway_peering is not None
    peering = network.transit_gateway_peering(stack.transit_gateway_peering)
    if stack.role == "tgw-peering-accepter":
        return peering.accepter.transit_gateway
    return peering.requester.transit_gateway


def _check_order(deployed: list[str], network: NetworkPlan) -> None:
    """One pass over every stack, each after the stacks the plan says it depends on."""
    position = {name: i for i, name in enumerate(deployed)}
    assert sorted(deployed) == sorted(s.name for s in network.stacks), deployed
    for stack in network.stacks:
        assert all(position[d] < position[stack.name] for d in stack.depends_on), deployed


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_deploys_and_takes_an_edit(
    example: Path, emulator: Emulator, tmp_path: Path
) -> None:
    config = load_config(example)
    network = plan(config)
    add_local_zones(_local_zones(network))
    deployer = Deployer(emulator, tmp_path)

    _check_order(deployer.deploy(example, network), network)
    before = _check_matches(emulator, network, example)

    edited_path = tmp_path / f"{example.stem}.yaml"
    released = _swap_a_sized_group(example, edited(config), edited_path)
    edited_network = plan(load_config(edited_path))
    add_local_zones(_local_zones(edited_network))
    _check_order(deployer.deploy(edited_path, edited_network), edited_network)
    after = _check_matches(emulator, edited_network, edited_path)

    assert set(after) == {*before, "added"}
    for name, old_ids in before.items():
        # The removed group's subnets are gone (their ranges were released, not reused).
        kept = {
            key: after[name].get(key) for key in old_ids if key.rsplit(" ", 1)[-1] not in released
        }
        old_ids = {key: value for key, value in old_ids.items() if key in kept}
        assert kept == old_ids, f"{name}: existing resources changed or were replaced"
    added_subnets = {k for k in after[config.vpcs[0].name] if k.startswith("subnet ")} - {
        k for k in before[config.vpcs[0].name] if k.startswith("subnet ")
    }
    assert len(added_subnets) == len(config.vpcs[0].availability_zones)
