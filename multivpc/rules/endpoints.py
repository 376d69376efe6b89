"""Rules about a VPC's own endpoints: known services, each once, placed where the VPC has
subnets, within AWS quotas, with the DNS that private DNS needs."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator

from multivpc.config.findings import Finding
from multivpc.config.zones import is_availability_zone
from multivpc.endpoint_services import ENDPOINT_SETS, GATEWAY_SERVICES, INTERFACE_SERVICES
from multivpc.rules.paths import vpc_path
from multivpc.rules.registry import rule
from multivpc.topology import Topology


def _endpoints_path(vpc: str, *keys: str) -> tuple[str, ...]:
    return (*vpc_path(vpc), "endpoints", *keys)


@rule(
    "endpoint-services-known",
    finding="an endpoint names a service or endpoint set that multivpc does not know",
    why="an endpoint service name that does not exist fails the deploy, after every "
    "resource before it was created; the known services are kept in "
    "multivpc/endpoint_services.py with their source",
)
def endpoint_services_known(topology: Topology) -> Iterator[Finding]:
    interface_words = sorted({*INTERFACE_SERVICES, *ENDPOINT_SETS})
    for facts in topology:
        if facts.endpoints is None:
            continue
        for field, entry in facts.endpoints.unknown:
            path = _endpoints_path(facts.name, field)
            if field == "gateway" and (entry in INTERFACE_SERVICES or entry in ENDPOINT_SETS):
                yield Finding(
                    path,
                    f"{entry} has no gateway endpoint (only {' and '.join(GATEWAY_SERVICES)} do)",
                    f"move {entry} under interface",
                )
                continue
            if field == "interface" and entry in GATEWAY_SERVICES:
                yield Finding(
                    path,
                    f"{entry} is built as a gateway endpoint here (free, on route tables)",
                    f"move {entry} under gateway",
                )
                continue
            known = GATEWAY_SERVICES if field == "gateway" else interface_words
            close = difflib.get_close_matches(entry, known, n=3, cutoff=0.5)
            hint = f"did you mean {' or '.join(close)}? " if close else ""
            yield Finding(
                path,
                f"{entry} is not a known {field} endpoint service or endpoint set",
                f"{hint}known names are in multivpc/endpoint_services.py; add a "
                "missing service there after checking that AWS offers it in the region",
            )


@rule(
    "endpoint-services-unique",
    finding="one service is asked for twice in a VPC (written twice, or also through a set)",
    why="a VPC holds one endpoint per service; with private DNS on, a second interface "
    "endpoint of the same service fails the deploy over the conflicting DNS names",
)
def endpoint_services_unique(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        if facts.endpoints is None:
            continue
        requests = facts.endpoints.requests
        counts = Counter((r.kind, r.service) for r in requests)
        for (kind, service), count in sorted(counts.items()):
            if count < 2:
                continue
            entries = [r for r in requests if (r.kind, r.service) == (kind, service)]
            sets = sorted({r.entry for r in entries if r.entry != service})
            direct = [r for r in entries if r.entry == service]
            field = (direct or entries)[0].field
            if sets:
                fix = f"remove {service}; the set {' and '.join(sets)} already brings it"
                if len(sets) > 1 and len(sets) == len(entries):
                    fix = f"keep one of the sets {', '.join(sets)}"
            else:
                fix = f"list {service} once"
            yield Finding(
                _endpoints_path(facts.name, field),
                f"the {kind} endpoint {service} is asked for {count} times",
                fix,
            )


@rule(
    "endpoint-subnets",
    finding="an endpoint is placed where the VPC has no subnet of the chosen group",
    why="an interface endpoint puts a network interface into a subnet of its group in each "
    "of its zones, and a gateway endpoint is added to route tables of named groups; a "
    "zone or group without such a subnet fails the deploy, and Local Zones offer no "
    "interface endpoints",
)
def endpoint_subnets(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        found = facts.endpoints
        if found is None:
            continue
        groups = {entry.group.name: entry for entry in facts.groups}
        endpoints = found.endpoints
        for name in endpoints.route_from or ():
            if name not in groups:
                yield Finding(
                    _endpoints_path(facts.name, "route_from"),
                    f"there is no subnet group {name} in the VPC",
                    f"use one of: {', '.join(groups)}",
                )
        if not found.services("interface"):
            continue
        group = found.subnet_group
        if group is None:
            yield Finding(
                _endpoints_path(facts.name, "interface"),
                "interface endpoints need a non-public subnet group, and the VPC has none",
                "add a private or isolated group, or name a group under endpoints.subnet_group",
            )
            continue
        if group not in groups:
            yield Finding(
                _endpoints_path(facts.name, "subnet_group"),
                f"there is no subnet group {group} in the VPC",
                f"use one of: {', '.join(groups)}",
            )
            continue
        if groups[group].group.tier == "public":
            yield Finding(
                _endpoints_path(facts.name, "subnet_group"),
                f"{group} is a public group; endpoint network interfaces belong in private "
                "or isolated subnets",
                "name a private or isolated group",
            )
        covered = groups[group].zones
        for zone in found.zones:
            if not is_availability_zone(zone) or zone in facts.local_zones:
                yield Finding(
                    _endpoints_path(facts.name, "zones"),
                    f"{zone} is not an Availability Zone; interface endpoints go in "
                    "Availability Zones only",
                    f"drop {zone} from zones",
                )
            elif zone not in facts.vpc.availability_zones:
                yield Finding(
                    _endpoints_path(facts.name, "zones"),
                    f"{zone} is not an Availability Zone of the VPC",
                    f"add {zone} to the VPC's availability_zones first (then the group "
                    f"covers it unless its zones say otherwise), or drop it from "
                    "endpoints.zones",
                )
            elif zone not in covered:
                yield Finding(
                    _endpoints_path(facts.name, "zones"),
                    f"the group {group} has no subnet in {zone}",
                    f"add {zone} to the group's zones or drop it from endpoints.zones",
                )
        if not found.zones:
            yield Finding(
                _endpoints_path(facts.name, "subnet_group"),
                f"the group {group} has no subnet in an Availability Zone",
                "name a group with subnets in Availability Zones",
            )


@rule(
    "endpoint-quotas",
    finding="more interface endpoints, or more sources, than AWS's default per-VPC and "
    "per-security-group quotas",
    why="AWS refuses the interface endpoint over quotas.interface_endpoints_per_vpc (default "
    "50) and the inbound rule over quotas.inbound_rules_per_security_group (default 60), and "
    "the deploy fails half-way",
)
def endpoint_quotas(topology: Topology) -> Iterator[Finding]:
    quotas = topology.config.quotas
    for facts in topology:
        if facts.endpoints is None:
            continue
        count = len(facts.endpoints.services("interface"))
        if count > quotas.interface_endpoints_per_vpc:
            yield Finding(
                _endpoints_path(facts.name, "interface"),
                f"{count} interface endpoints exceed the quota of "
                f"{quotas.interface_endpoints_per_vpc} per VPC",
                "drop services, or centralize them in a shared-services VPC (or have AWS "
                "raise the quota, then declare it as quotas.interface_endpoints_per_vpc)",
            )
        sources = facts.endpoints.endpoints.sources or ()
        if len(sources) > quotas.inbound_rules_per_security_group:
            yield Finding(
                _endpoints_path(facts.name, "sources"),
                f"{len(sources)} sources exceed the quota of "
                f"{quotas.inbound_rules_per_security_group} inbound rules per security group",
                "summarize the sources into fewer CIDRs (or declare a raised "
                "quotas.inbound_rules_per_security_group)",
            )


@rule(
    "endpoint-private-dns",
    finding="interface endpoints with private DNS in a VPC without DNS support or hostnames",
    why="private DNS answers the service's public name with the endpoint's addresses only "
    "when the VPC has both DNS support and DNS hostnames on; AWS refuses the endpoint "
    "otherwise",
)
def endpoint_private_dns(topology: Topology) -> Iterator[Finding]:
    for facts in topology:
        if facts.endpoints is None or not facts.endpoints.services("interface"):
            continue
        dns = facts.vpc.dns
        states = (("support", dns.support), ("hostnames", dns.hostnames))
        off = [key for key, on in states if not on]
        if off:
            yield Finding(
                (*vpc_path(facts.name), "dns", off[0]),
                f"interface endpoints use private DNS, and dns.{' and dns.'.join(off)} is off",
                "turn it on, or remove the interface endpoints",
            )


RULES = (
    endpoint_services_known,
    endpoint_services_unique,
    endpoint_subnets,
    endpoint_quotas,
    endpoint_private_dns,
)
