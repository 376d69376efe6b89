"""What a deployed network must look like, derived from the raw config data alone.

This is the deploy test's oracle: a small, independent restatement of the README's rules
(subnet CIDRs from zone letters and Local Zone order, NAT placement, default routes,
Transit Gateway segments). It imports nothing of multivpc, so a planning bug cannot move
the expectation with the result.

Segments, restated: a Transit Gateway has default route-table association and
propagation off, and a segment is one of its route tables. Two segments are linked when
either lists the other under ``reaches``. A member VPC is associated with its own
segment's table and propagates into its own (unless the segment is ``isolated``) and
into every linked segment's. So a VPC reaches the other members of its own segment
(unless isolated) and the members of linked segments, and its ``route_from`` groups
(default: every group but public ones and the attachment's) route exactly those VPCs'
CIDRs, plus its segment's static routes to VPCs (not blackholes), to the gateway; or its
``destinations`` instead of all that.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from tests.support.endpoint_policies import restricted_statements

Shape = dict[str, Any]


def with_lock(data: dict[str, Any], lock: dict[str, Any] | None) -> dict[str, Any]:
    """The config data with the ranges of its address lock file (its YAML, loaded) written
    in: a VPC with ``pool`` + ``size`` gets the locked ``cidr``, a group with only a
    ``size`` gets ``cidrs``, the locked CIDR of each zone it covers (every AZ by default).
    A range missing from the lock is a KeyError: a deployed example's lock is complete."""
    if lock is None:
        return data
    locked = lock["vpcs"]
    vpcs = []
    for vpc in data["vpcs"]:
        vpc = dict(vpc)
        if "cidr" not in vpc:
            vpc["cidr"] = locked[vpc["name"]]["cidr"]
        groups = []
        for group in vpc["subnets"]:
            if "size" in group:
                zones = group.get("zones") or vpc["availability_zones"]
                subnets = locked[vpc["name"]]["subnets"][group["name"]]
                group = {k: v for k, v in group.items() if k not in ("size", "zones")}
                group["cidrs"] = {zone: subnets[zone] for zone in zones}
            groups.append(group)
        vpc["subnets"] = groups
        vpcs.append(vpc)
    return {**data, "vpcs": vpcs}


def expected_vpcs(data: dict[str, Any]) -> dict[str, Shape]:
    """{VPC name: expected shape} for a config given as plain data (YAML loaded)."""
    return {
        vpc["name"]: {
            **_vpc(
                vpc,
                _tgw_routes(data, vpc),
                _gateway_routes(data, vpc),
                _vpc_peering_routes(data, vpc),
            ),
            "endpoints": _endpoints(data, vpc),
        }
        for vpc in data["vpcs"]
    }


# Local endpoints, restated from the README: a named set stands for its interface services
# and gateway services; gateway endpoints go on the route tables of route_from (default:
# every non-public group), as a route to the service's prefix list; interface endpoints
# have a network interface in the subnets group (default: the first non-public group) in
# each of zones (default: that group's Availability Zones), private DNS, one security
# group admitting TCP 443 from sources (default: the VPC CIDR). A restricted policy allows
# everything to principals of the config's accounts (or of organization_id); the ecr set
# adds s3:GetObject on ECR's layer bucket to the S3 policy; open is AWS's full access.
ENDPOINT_SETS = {
    "session-manager": (["ssm", "ssmmessages", "ec2messages"], []),
    "secrets": (["secretsmanager", "kms"], []),
    "ecr": (["ecr.api", "ecr.dkr"], ["s3"]),
    "logging": (["logs", "monitoring"], []),
    "sts": (["sts"], []),
}
FULL_ACCESS = [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]


def _endpoint_services(endpoints: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(gateway services, interface services) of a VPC's endpoints, sets expanded."""
    gateway, interface = set(endpoints.get("gateway", [])), set()
    for entry in endpoints.get("interface", []):
        members, gateways = ENDPOINT_SETS.get(entry, ([entry], []))
        interface.update(members)
        gateway.update(gateways)
    return gateway, interface


def _gateway_groups(vpc: dict[str, Any]) -> list[str]:
    endpoints = vpc.get("endpoints") or {}
    if "route_from" in endpoints:
        return list(endpoints["route_from"])
    return [g["name"] for g in vpc["subnets"] if g["tier"] != "public"]


def _endpoint_policy(
    data: dict[str, Any],
    chosen: Any,
    extra: list[dict[str, Any]],
    service: str,
    region: str,
) -> list[dict[str, Any]]:
    """The statements of a policy: restricted, open or a document."""
    if chosen == "open":
        return FULL_ACCESS
    if isinstance(chosen, dict):
        return list(chosen["Statement"])
    if "organization_id" in data:
        principal = {"aws:PrincipalOrgID": data["organization_id"]}
        resource = {"aws:ResourceOrgID": data["organization_id"]}
    else:
        accounts = sorted(set(data["accounts"].values()))
        principal, resource = {"aws:PrincipalAccount": accounts}, {"aws:ResourceAccount": accounts}
    return [*restricted_statements(service, region, principal, resource), *extra]


def _endpoints(data: dict[str, Any], vpc: dict[str, Any]) -> Shape | None:
    endpoints = vpc.get("endpoints")
    if endpoints is None:
        return None
    gateway, interface = _endpoint_services(endpoints)
    azs, local = list(vpc["availability_zones"]), [z["name"] for z in vpc.get("local_zones", [])]
    groups = {g["name"]: g for g in vpc["subnets"]}
    zones_of = {n: list(g.get("cidrs") or g.get("zones") or azs) for n, g in groups.items()}
    region = vpc.get("region", data.get("defaults", {}).get("region"))
    ecr_layers = {
        "Sid": "EcrImageLayers",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*",
    }
    shape: Shape = {"gateway": {}, "interface": {}, "https_from": [], "session_manager": None}
    for service in sorted(gateway):
        extra = [ecr_layers] if service == "s3" and "ecr.dkr" in interface else []
        shape["gateway"][service] = {
            "route_tables": sorted(
                f"{zone} {_cidr(groups[g], zone, local)}"
                for g in _gateway_groups(vpc)
                for zone in zones_of[g]
            ),
            "policy": _endpoint_policy(
                data, endpoints.get("gateway_policy", "restricted"), extra, service, region
            ),
        }
    if interface:
        holder = endpoints.get("subnet_group") or next(
            g["name"] for g in vpc["subnets"] if g["tier"] != "public"
        )
        zones = endpoints.get("zones") or [z for z in zones_of[holder] if z in azs]
        subnets = sorted(f"{zone} {_cidr(groups[holder], zone, local)}" for zone in zones)
        for service in sorted(interface):
            shape["interface"][service] = {
                "subnets": subnets,
                "private_dns": True,
                "policy": _endpoint_policy(
                    data, endpoints.get("interface_policy", "open"), [], service, region
                ),
            }
        named = endpoints.get("security_groups")
        if named:  # the named groups' own rules admit whom they admit (CIDR peers here)
            shape["https_from"] = sorted(
                f"{PROTOCOLS[r['protocol']]} {_ports(r)} from {r['peer']}, described"
                for g in vpc.get("security_groups", [])
                if g["name"] in named
                for r in g.get("ingress", [])
                if not isinstance(r["peer"], dict)
            )
        else:
            sources = endpoints.get("sources") or [vpc["cidr"]]
            shape["https_from"] = sorted(f"tcp 443-443 from {cidr}, described" for cidr in sources)
    if endpoints.get("session_manager_role"):
        # managed: AWS's policy, by name; minimal (the default): these actions only.
        shape["session_manager"] = (
            ["AmazonSSMManagedInstanceCore"]
            if endpoints.get("session_manager_policy") == "managed"
            else [
                "ssm:UpdateInstanceInformation",
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ]
        )
    return shape


def _gateway_routes(data: dict[str, Any], vpc: dict[str, Any]) -> dict[str, str]:
    """{prefix list name: target} of the gateway endpoints in route_from route tables."""
    gateway, _ = _endpoint_services(vpc.get("endpoints") or {})
    region = vpc.get("region", data.get("defaults", {}).get("region"))
    return {f"com.amazonaws.{region}.{s}": f"gateway-endpoint {s}" for s in sorted(gateway)}


def expected_transit_gateways(data: dict[str, Any]) -> dict[str, Shape]:
    """{Transit Gateway name: expected shape}: where it lives, its options, its RAM share,
    and per segment which VPCs are associated with it and propagate into it, and its static
    routes (CIDR: ``blackhole`` or the VPC whose attachment it points at). A peering
    attachment (``peering NAME``) is associated with its side's segment and gets a static
    route per peer destination in every table a member of that segment propagates into."""
    accounts, defaults = data["accounts"], data.get("defaults", {})
    shapes = {}
    for tgw in data.get("transit_gateways", []):
        segments: dict[str, Shape] = {
            s["name"]: {
                "associated": [],
                "propagating": [],
                "static_routes": {
                    r["cidr"]: "blackhole" if r.get("blackhole") else r["vpc"]
                    for r in s.get("routes", [])
                },
            }
            for s in tgw["segments"]
        }
        for vpc, segment in _members(tgw, data):
            segments[segment]["associated"].append(vpc["name"])
            for target in _propagates_into(tgw, segment):
                segments[target]["propagating"].append(vpc["name"])
        for peering, side, peer in _peering_sides(data, tgw["name"]):
            label = f"peering {peering}"
            segments[side["segment"]]["associated"].append(label)
            for table in _propagates_into(tgw, side["segment"]):
                segments[table]["static_routes"].update(
                    dict.fromkeys(_peer_destinations(data, side, peer), label)
                )
        for shape in segments.values():
            shape["associated"].sort()
            shape["propagating"].sort()
        shapes[tgw["name"]] = {
            "account": accounts[tgw.get("account", defaults.get("account"))],
            "amazon_side_asn": tgw.get("amazon_side_asn", 64512),
            "default_route_table_association": "disable",
            "default_route_table_propagation": "disable",
            "shared_with": sorted(accounts.get(p, p) for p in tgw.get("share_with", [])),
            "segments": segments,
        }
    return shapes


def _members(tgw: dict[str, Any], data: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """(VPC, segment) of every VPC attached to ``tgw``."""
    return [
        (vpc, vpc["transit_gateway"]["segment"])
        for vpc in data["vpcs"]
        if vpc.get("transit_gateway", {}).get("name") == tgw["name"]
    ]


def _peering_sides(
    data: dict[str, Any], tgw: str
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(peering name, this side, the other side) of every peering ``tgw`` is part of."""
    sides = []
    for peering in data.get("transit_gateway_peerings", []):
        requester, accepter = peering["requester"], peering["accepter"]
        for side, peer in ((requester, accepter), (accepter, requester)):
            if side["transit_gateway"] == tgw:
                sides.append((peering["name"], side, peer))
    return sides


def _peer_destinations(
    data: dict[str, Any], side: dict[str, Any], peer: dict[str, Any]
) -> list[str]:
    """What ``side`` routes to the peer: its summary destinations, else the CIDR of every
    VPC the peer's segment table routes to (the members whose propagation reaches it)."""
    if "summaries" in side:
        return list(side["summaries"])
    [peer_tgw] = [t for t in data["transit_gateways"] if t["name"] == peer["transit_gateway"]]
    return [
        vpc["cidr"]
        for vpc, segment in _members(peer_tgw, data)
        if peer["segment"] in _propagates_into(peer_tgw, segment)
    ]


def _propagates_into(tgw: dict[str, Any], segment: str) -> list[str]:
    """The segments whose tables a member of ``segment`` propagates into."""
    by_name = {s["name"]: s for s in tgw["segments"]}
    linked = [
        other
        for other in by_name
        if other != segment
        and (
            other in by_name[segment].get("reaches", [])
            or segment in by_name[other].get("reaches", [])
        )
    ]
    own = [] if by_name[segment].get("isolated") else [segment]
    return own + linked


def _tgw_routes(data: dict[str, Any], vpc: dict[str, Any]) -> dict[str, str]:
    """{destination: target} that the VPC's ``route_from`` groups send to its gateway."""
    attachment = vpc.get("transit_gateway")
    if attachment is None:
        return {}
    [tgw] = [t for t in data["transit_gateways"] if t["name"] == attachment["name"]]
    target = f"transit-gateway {tgw['name']}"
    if "summaries" in attachment:
        return dict.fromkeys(attachment["summaries"], target)
    segment = attachment["segment"]
    reached = {
        other["cidr"]
        for other, other_segment in _members(tgw, data)
        if other["name"] != vpc["name"] and segment in _propagates_into(tgw, other_segment)
    }
    [own] = [s for s in tgw["segments"] if s["name"] == segment]
    reached |= {r["cidr"] for r in own.get("routes", []) if not r.get("blackhole")}
    for _, side, peer in _peering_sides(data, tgw["name"]):
        if segment in _propagates_into(tgw, side["segment"]):
            reached |= set(_peer_destinations(data, side, peer))
    return dict.fromkeys(sorted(reached), target)


def _vpc_peering_routes(data: dict[str, Any], vpc: dict[str, Any]) -> dict[str, dict[str, str]]:
    """{group: {destination: target}} of the VPC's peerings, restated from the README: each
    side's route_from groups (default: every group but public ones) send its destinations
    (default: the peer VPC's CIDR) to the connection, which CloudFormation has accepted
    (target ``vpc-peering <network>-peering-<name> active``, then `` dns`` when the
    peering has dns_resolution: both sides' options are on)."""
    cidr_of = {v["name"]: v["cidr"] for v in data["vpcs"]}
    routes: dict[str, dict[str, str]] = {}
    for peering in data.get("peerings", []):
        for mine, other in (("requester", "accepter"), ("accepter", "requester")):
            side, peer = peering[mine], peering[other]
            if side["vpc"] != vpc["name"]:
                continue
            target = f"vpc-peering {data['name']}-peering-{peering['name']} active"
            if peering.get("dns_resolution"):
                target += " dns"  # this side's AllowDnsResolutionFromRemoteVpc is on
            groups = side.get("route_from") or [
                g["name"] for g in vpc["subnets"] if g["tier"] != "public"
            ]
            for group in groups:
                for cidr in side.get("peer_ranges") or [cidr_of[peer["vpc"]]]:
                    routes.setdefault(group, {})[cidr] = target
    return routes


def _vpc(
    vpc: dict[str, Any],
    tgw_routes: dict[str, str],
    gateway_routes: dict[str, str] | None = None,
    peering_routes: dict[str, dict[str, str]] | None = None,
) -> Shape:
    azs = list(vpc["availability_zones"])
    local = [zone["name"] for zone in vpc.get("local_zones", [])]
    groups = vpc["subnets"]
    zones_of = {g["name"]: list(g.get("cidrs") or g.get("zones") or azs) for g in groups}
    public = {z for g in groups if g["tier"] == "public" for z in zones_of[g["name"]]}
    private = {z for g in groups if g["tier"] == "private" for z in zones_of[g["name"]]}
    igw = vpc.get("internet_gateway", bool(public))
    nat_zones = _nat_zones(vpc, azs, public, private)
    primary = nat_zones[0] if nat_zones else None
    attachment = vpc.get("transit_gateway")
    route_from = set()
    if attachment and "route_from" in attachment:
        route_from = set(attachment["route_from"])
    elif attachment:
        route_from = {
            g["name"]
            for g in groups
            if g["tier"] != "public" and g["name"] != attachment["subnet_group"]
        }
    subnets = {}
    for group in groups:
        for zone in zones_of[group["name"]]:
            routes = {vpc["cidr"]: "local"}
            if group["tier"] == "public" and igw:
                routes["0.0.0.0/0"] = "internet-gateway"
            if group["tier"] == "private" and primary:
                routes["0.0.0.0/0"] = f"nat-gateway in {zone if zone in nat_zones else primary}"
            if group["name"] in route_from:
                routes.update(tgw_routes)
            if gateway_routes and group["name"] in _gateway_groups(vpc):
                routes.update(gateway_routes)
            routes.update((peering_routes or {}).get(group["name"], {}))
            subnets[f"{zone} {_cidr(group, zone, local)}"] = {
                "routes": routes,
                "public_ip_on_launch": bool(group.get("map_public_ip_on_launch", False)),
            }
    flow_logs = vpc.get("flow_logs", {})
    return {
        "security_groups": _security_groups(vpc),
        "cidr": vpc["cidr"],
        "internet_gateway": igw,
        "nat_gateway_zones": sorted(nat_zones),
        "flow_logs": [flow_logs.get("traffic_type", "ALL")]
        if flow_logs.get("enabled", True)
        else [],
        "default_security_group_rules": 0,
        "subnets": subnets,
        "transit_gateway_attachment": _attachment(vpc, azs, local) if attachment else None,
    }


NO_TRAFFIC = (
    "egress icmp 252..86 255.255.255.255/32 No outbound traffic unless a rule of its own allows it"
)
"""The outbound rule every named group holds in place of AWS's allow-all one."""
PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "all": "-1"}


def _rule_line(direction: str, rule: dict[str, Any]) -> str:
    protocol, port = rule["protocol"], rule.get("port", "all")
    if protocol == "all":
        ports = "all..all"
    elif protocol == "icmp":
        ports = "-1..-1" if port == "all" else f"{port}..-1"
    elif port == "all":
        ports = "0..65535"
    else:
        low, _, high = str(port).partition("-")
        ports = f"{low}..{high or low}"
    peer = rule["peer"]
    peer = f"group {peer['group']}" if isinstance(peer, dict) else peer
    return f"{direction} {PROTOCOLS[protocol]} {ports} {peer} {rule['description']}"


def _ports(rule: dict[str, Any]) -> str:
    """A TCP or UDP rule's ports as the endpoint shape shows them (``FromPort-ToPort``)."""
    port = rule.get("port", "all")
    if port == "all":
        return "0-65535"
    return f"{port}-{port}" if isinstance(port, int) else str(port)


def _security_groups(vpc: dict[str, Any]) -> dict[str, list[str]]:
    """Each named group with its rules as lines (what DescribeSecurityGroups reports)."""
    groups = {}
    for group in vpc.get("security_groups", []):
        egress = group.get("egress", [])
        if egress == "all":
            egress = [
                {
                    "protocol": "all",
                    "peer": "0.0.0.0/0",
                    "description": "Every protocol to anywhere (egress: all)",
                }
            ]
        lines = [_rule_line("ingress", r) for r in group.get("ingress", [])]
        lines += [_rule_line("egress", r) for r in egress] + [NO_TRAFFIC]
        groups[group["name"]] = sorted(lines)
    return groups


def _attachment(vpc: dict[str, Any], azs: list[str], local: list[str]) -> Shape:
    """The attachment: its gateway, one subnet of its group in every Availability Zone."""
    attachment = vpc["transit_gateway"]
    [group] = [g for g in vpc["subnets"] if g["name"] == attachment["subnet_group"]]
    return {
        "transit_gateway": attachment["name"],
        "subnets": sorted(f"{zone} {_cidr(group, zone, local)}" for zone in azs),
        "appliance_mode": "enable" if attachment.get("appliance_mode") else "disable",
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


def route_tables(tgw: Shape) -> Shape:
    """The expected shape with segments as a list of route tables, sorted by content as
    ``verify.observed_transit_gateway`` reads them (AWS knows no segment names)."""
    tables = sorted(
        tgw["segments"].values(),
        key=lambda t: (t["associated"], t["propagating"], sorted(t["static_routes"])),
    )
    return {**{k: v for k, v in tgw.items() if k != "segments"}, "route_tables": tables}
