"""A published id's version changes exactly when its owner's resource is replaced (a
create-only property of it, or of what it references, changes), so readers re-read it then
and only then. What replaces what is written down here from CloudFormation's resource
schemas (FACTS.md): AmazonSideAsn for a Transit Gateway, TransitGatewayId and VpcId for an
attachment, CidrBlock for a VPC, both VPCs for a VPC peering connection, both gateways for
a Transit Gateway peering attachment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from multivpc.plan import NetworkPlan
from tests.conftest import ROOT
from tests.support.builder import network_from

Data = dict[str, Any]


def versions(example: str, edit: Callable[[Data], None] | None = None) -> dict[str, str]:
    data = yaml.safe_load((ROOT / "examples" / f"{example}.yaml").read_text())
    if edit is not None:
        edit(data)
    network: NetworkPlan = network_from(data).load().network_plan()
    found = {f"tgw {t.name}": t.id_parameter.version for t in network.transit_gateways}
    for vpc in network.vpcs:
        if vpc.attachment is not None:
            found[f"attachment {vpc.name}"] = vpc.attachment.attachment_id.version
            assert (
                vpc.attachment.transit_gateway_id
                == network.transit_gateway(vpc.attachment.transit_gateway).id_parameter
            )
    for p in network.vpc_peerings:
        found[f"accepter vpc {p.name}"] = p.accepter_vpc_id.version
        found[f"connection {p.name}"] = p.connection_id.version
    for tgw_peering in network.transit_gateway_peerings:
        name = tgw_peering.name
        found[f"peer tgw {name}"] = tgw_peering.peer_transit_gateway_id.version
        found[f"tgw attachment {name}"] = tgw_peering.attachment_id.version
    assert all(found.values())
    return found


def changed(example: str, edit: Callable[[Data], None]) -> set[str]:
    before, after = versions(example), versions(example, edit)
    assert before == versions(example), "versions are stable between runs"
    return {key for key in before if before[key] != after[key]}


def _vpc(data: Data, name: str) -> Data:
    return next(v for v in data["vpcs"] if v["name"] == name)


def test_an_asn_change_replaces_the_gateway_and_every_attachment() -> None:
    def edit(data: Data) -> None:
        data["transit_gateways"][0]["amazon_side_asn"] = 64600

    assert changed("hub-and-spoke", edit) == {
        "tgw hub",
        "attachment shared-services",
        "attachment prod-app",
        "attachment dev-app",
        "attachment dev-tools",
    }


def test_a_new_vpc_range_replaces_its_attachment_only() -> None:
    def edit(data: Data) -> None:
        prod = _vpc(data, "prod-app")
        prod["cidr"] = "10.9.0.0/16"
        for group in prod["subnets"]:
            group["cidr"] = group["cidr"].replace("10.1.", "10.9.", 1)

    assert changed("hub-and-spoke", edit) == {"attachment prod-app"}


def test_edits_that_replace_nothing_change_no_version() -> None:
    def edit(data: Data) -> None:
        data["tags"] = {"team": "network"}
        for vpc in data["vpcs"]:
            vpc["availability_zones"].append("us-east-1c")
        data["transit_gateways"][0]["segments"].append({"name": "extra"})

    assert changed("hub-and-spoke", edit) == set()


def test_vpc_peering_ids_follow_each_vpc_range() -> None:
    def accepter(data: Data) -> None:
        db = _vpc(data, "partner-db")
        db["cidr"] = "10.49.0.0/16"
        for group in db["subnets"]:
            group["cidr"] = group["cidr"].replace("10.40.", "10.49.", 1)

    assert changed("peering", accepter) == {
        "accepter vpc app-partner",
        "connection app-partner",
    }


def test_a_transit_gateway_peering_follows_both_gateways() -> None:
    def edit(data: Data) -> None:
        eu = next(t for t in data["transit_gateways"] if t["name"] == "hub-eu")
        eu["amazon_side_asn"] = eu["amazon_side_asn"] + 1

    assert changed("tgw-peering", edit) == {
        "tgw hub-eu",
        "attachment eu-app",
        "peer tgw us-eu",
        "tgw attachment us-eu",
    }
