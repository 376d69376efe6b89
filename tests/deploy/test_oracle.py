"""The deploy oracle agrees with facts written down by hand for the examples."""

from __future__ import annotations

import yaml

from tests.deploy.oracle import expected_vpcs
from tests.support.cdk_cli import ROOT


def _example(name: str) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((ROOT / "examples" / f"{name}.yaml").read_text())
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
