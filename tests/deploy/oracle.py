"""What a deployed network must look like, derived from the raw config data alone.

This is the deploy test's oracle: a small, independent restatement of the README's rules
(subnet CIDRs from zone letters and Local Zone order, NAT placement, default routes). It
imports nothing of multivpc, so a planning bug cannot move the expectation with the
result.
"""

from __future__ import annotations

import ipaddress
from typing import Any

Shape = dict[str, Any]


def expected_vpcs(data: dict[str, Any]) -> dict[str, Shape]:
    """{VPC name: expected shape} for a config given as plain data (YAML loaded)."""
    return {vpc["name"]: _vpc(vpc) for vpc in data["vpcs"]}


def _vpc(vpc: dict[str, Any]) -> Shape:
    azs = list(vpc["availability_zones"])
    local = [zone["name"] for zone in vpc.get("local_zones", [])]
    groups = vpc["subnets"]
    zones_of = {g["name"]: list(g.get("cidrs") or g.get("zones") or azs) for g in groups}
    public = {z for g in groups if g["tier"] == "public" for z in zones_of[g["name"]]}
    private = {z for g in groups if g["tier"] == "private" for z in zones_of[g["name"]]}
    igw = vpc.get("internet_gateway", bool(public))
    nat_zones = _nat_zones(vpc, azs, public, private)
    primary = nat_zones[0] if nat_zones else None
    subnets = {}
    for group in groups:
        for zone in zones_of[group["name"]]:
            routes = {vpc["cidr"]: "local"}
            if group["tier"] == "public" and igw:
                routes["0.0.0.0/0"] = "internet-gateway"
            if group["tier"] == "private" and primary:
                routes["0.0.0.0/0"] = f"nat-gateway in {zone if zone in nat_zones else primary}"
            subnets[f"{zone} {_cidr(group, zone, local)}"] = {
                "routes": routes,
                "public_ip_on_launch": bool(group.get("map_public_ip_on_launch", False)),
            }
    flow_logs = vpc.get("flow_logs", {})
    return {
        "cidr": vpc["cidr"],
        "internet_gateway": igw,
        "nat_gateway_zones": sorted(nat_zones),
        "flow_logs": [flow_logs.get("traffic_type", "ALL")]
        if flow_logs.get("enabled", True)
        else [],
        "default_security_group_rules": 0,
        "subnets": subnets,
    }


def _nat_zones(
    vpc: dict[str, Any], azs: list[str], public: set[str], private: set[str]
) -> list[str]:
    local = [z["name"] for z in vpc.get("local_zones", []) if z.get("nat_gateway")]
    mode = vpc.get("nat", "none")
    if mode == "single":
        first = vpc.get("nat_zone") or min(z for z in azs if z in public)
        return [first, *local]
    if mode == "per-az":
        return sorted(z for z in azs if z in (private or public)) + local
    return local


def _cidr(group: dict[str, Any], zone: str, local: list[str]) -> str:
    if "cidrs" in group:
        return str(group["cidrs"][zone])
    network = ipaddress.IPv4Network(group["cidr"])
    blocks = list(network.subnets(new_prefix=group["prefix_length"]))
    slot = len(blocks) - 1 - local.index(zone) if zone in local else ord(zone[-1]) - ord("a")
    return str(blocks[slot])
