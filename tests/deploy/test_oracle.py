"""The deploy oracle agrees with facts written down by hand for the examples."""

from __future__ import annotations

from typing import Any

import yaml

from tests.deploy.oracle import expected_transit_gateways, expected_vpcs
from tests.support.cdk_cli import ROOT


def _example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "examples" / f"{name}.yaml").read_text())
    return data


def test_local_zones_example() -> None:
    [media] = expected_vpcs(_example("local-zones")).values()
    assert media["nat_gateway_zones"] == ["us-west-2a"]
    subnets = media["subnets"]
    assert subnets["us-west-2-lax-1a 10.20.15.0/24"]["routes"]["0.0.0.0/0"] == "internet-gateway"
    assert (
        subnets["us-west-2-lax-1a 10.20.124.0/22"]["routes"]["0.0.0.0/0"]
        == "nat-gateway in us-west-2a"
    )
    assert subnets["us-west-2b 10.20.129.0/24"]["routes"] == {"10.20.0.0/16": "local"}
    assert len(subnets) == 8
    assert media["flow_logs"] == ["ALL"]


def test_single_vpc_example() -> None:
    [app] = expected_vpcs(_example("single-vpc")).values()
    assert app["nat_gateway_zones"] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert app["subnets"]["us-east-1c 10.0.72.0/22"]["routes"]["0.0.0.0/0"] == (
        "nat-gateway in us-east-1c"
    )
    assert not any(s["public_ip_on_launch"] for s in app["subnets"].values())


def _to_tgw(vpc: dict[str, Any], tgw: str = "hub") -> dict[str, set[str]]:
    """{subnet: destinations routed to Transit Gateway ``tgw``}."""
    return {
        subnet: {
            dest for dest, target in shape["routes"].items() if target == f"transit-gateway {tgw}"
        }
        for subnet, shape in vpc["subnets"].items()
    }


def test_hub_and_spoke_example() -> None:
    data = _example("hub-and-spoke")
    assert expected_transit_gateways(data) == {
        "hub": {
            "account": "111111111111",
            "amazon_side_asn": 64512,
            "default_route_table_association": "disable",
            "default_route_table_propagation": "disable",
            "shared_with": ["222222222222", "333333333333"],
            "segments": {
                "shared": {
                    "associated": ["shared-services"],
                    "propagating": ["dev-app", "dev-tools", "prod-app", "shared-services"],
                    "static_routes": {},
                },
                "prod": {
                    "associated": ["prod-app"],
                    "propagating": ["prod-app", "shared-services"],
                    "static_routes": {"10.99.0.0/16": "blackhole"},
                },
                "dev": {
                    "associated": ["dev-app", "dev-tools"],
                    "propagating": ["shared-services"],
                    "static_routes": {},
                },
            },
        }
    }
    vpcs = expected_vpcs(data)
    others = {"10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"}
    assert _to_tgw(vpcs["shared-services"]) == {
        "us-east-1a 10.0.0.0/24": others,
        "us-east-1b 10.0.1.0/24": others,
        "us-east-1a 10.0.240.0/28": set(),
        "us-east-1b 10.0.240.16/28": set(),
    }
    shared = {"10.0.0.0/16"}
    assert _to_tgw(vpcs["prod-app"]) == {
        "us-east-1a 10.1.0.0/24": shared,
        "us-east-1b 10.1.1.0/24": shared,
        "us-east-1a 10.1.16.0/24": shared,
        "us-east-1b 10.1.17.0/24": shared,
        "us-east-1a 10.1.240.0/28": set(),
        "us-east-1b 10.1.240.16/28": set(),
    }
    for name, second in (("dev-app", "10.2"), ("dev-tools", "10.3")):
        assert _to_tgw(vpcs[name]) == {
            f"us-east-1a {second}.0.0/24": shared,
            f"us-east-1b {second}.1.0/24": shared,
            f"us-east-1a {second}.240.0/28": set(),
            f"us-east-1b {second}.240.16/28": set(),
        }
    assert vpcs["dev-tools"]["transit_gateway_attachment"] == {
        "transit_gateway": "hub",
        "subnets": ["us-east-1a 10.3.240.0/28", "us-east-1b 10.3.240.16/28"],
        "appliance_mode": "disable",
    }
    [single] = expected_vpcs(_example("single-vpc")).values()
    assert single["transit_gateway_attachment"] is None


def test_segment_rules_beyond_the_example() -> None:
    """A non-isolated segment's members reach each other; static routes to a VPC are
    routed from VPCs (blackholes are not); route_from and destinations as given."""

    def vpc(name: str, second: int, segment: str, **attach: Any) -> dict[str, Any]:
        def group(group: str, third: int, size: int, prefix: int) -> dict[str, Any]:
            cidr = f"10.{second}.{third}.0/{size}"
            return {"name": group, "tier": "isolated", "cidr": cidr, "prefix_length": prefix}

        return {
            "name": name,
            "cidr": f"10.{second}.0.0/16",
            "availability_zones": ["us-east-1a"],
            "subnets": [group("a", 0, 20, 24), group("b", 16, 20, 24), group("t", 240, 24, 28)],
            "transit_gateway": {"name": "core", "segment": segment, "subnet_group": "t", **attach},
        }

    data = {
        "accounts": {"net": "111111111111"},
        "defaults": {"account": "net", "region": "us-east-1"},
        "transit_gateways": [
            {
                "name": "core",
                "segments": [
                    {
                        "name": "x",
                        "routes": [
                            {"cidr": "192.168.0.0/16", "vpc": "x1"},
                            {"cidr": "172.16.0.0/12", "blackhole": True},
                        ],
                    },
                    {"name": "y", "isolated": True},
                ],
            }
        ],
        "vpcs": [
            vpc("x1", 10, "x"),
            vpc("x2", 20, "x", route_from=["a"]),
            vpc("y1", 30, "y", summaries=["10.0.0.0/8"]),
            vpc("y2", 40, "y"),
        ],
    }
    [core] = expected_transit_gateways(data).values()
    assert core["segments"]["x"]["propagating"] == ["x1", "x2"]
    assert core["segments"]["y"]["propagating"] == []
    assert core["segments"]["x"]["static_routes"] == {
        "192.168.0.0/16": "x1",
        "172.16.0.0/12": "blackhole",
    }
    vpcs = expected_vpcs(data)
    assert _to_tgw(vpcs["x2"], "core") == {
        "us-east-1a 10.20.0.0/24": {"10.10.0.0/16", "192.168.0.0/16"},
        "us-east-1a 10.20.16.0/24": set(),
        "us-east-1a 10.20.240.0/28": set(),
    }
    assert _to_tgw(vpcs["y1"], "core")["us-east-1a 10.30.16.0/24"] == {"10.0.0.0/8"}
    assert _to_tgw(vpcs["y2"], "core")["us-east-1a 10.40.0.0/24"] == set()
