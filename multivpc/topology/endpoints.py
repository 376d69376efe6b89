"""A VPC's endpoints, resolved once: which services (named endpoint sets expanded), which
subnet group and zones hold the interface endpoints, which groups' route tables get the
gateway endpoints. Rules check these facts; the plan builds from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from multivpc.config.models import Endpoints, SubnetGroup, Vpc
from multivpc.config.zones import is_availability_zone
from multivpc.endpoint_services import ENDPOINT_SETS, GATEWAY_SERVICES, INTERFACE_SERVICES

EndpointKind = Literal["gateway", "interface"]


@dataclass(frozen=True)
class EndpointRequest:
    """One endpoint a config entry asks for: ``service`` of ``kind``, written as ``entry``
    (the service itself or the set that brings it) in list ``field``."""

    service: str
    kind: EndpointKind
    entry: str
    field: EndpointKind


@dataclass(frozen=True)
class EndpointTopology:
    """- ``requests``: every known endpoint asked for, in config order, repeats included
      (the rule endpoint-services-unique reports those);
    - ``unknown``: (field, entry) of entries that name no known service or set;
    - ``subnet_group``: the group holding the interface endpoints (``subnets``, else the
      first non-public group; None when there is none);
    - ``zones``: where interface endpoints get a network interface (``zones``, else every
      Availability Zone of that group);
    - ``route_from``: groups whose route tables get the gateway endpoints (``route_from``,
      else every non-public group, in config order).
    """

    endpoints: Endpoints
    requests: tuple[EndpointRequest, ...]
    unknown: tuple[tuple[EndpointKind, str], ...]
    subnet_group: str | None
    zones: tuple[str, ...]
    route_from: tuple[str, ...]

    def services(self, kind: EndpointKind) -> tuple[str, ...]:
        """The distinct services of one kind, sorted: reordering a list changes nothing."""
        return tuple(sorted({r.service for r in self.requests if r.kind == kind}))


def endpoint_topology(
    vpc: Vpc, groups: Sequence[tuple[SubnetGroup, Sequence[str]]]
) -> EndpointTopology | None:
    """The endpoint facts of ``vpc`` (None without ``endpoints``); ``groups`` are its
    subnet groups with the zones each covers."""
    endpoints = vpc.endpoints
    if endpoints is None:
        return None
    requests: list[EndpointRequest] = []
    unknown: list[tuple[EndpointKind, str]] = []
    for entry in endpoints.gateway:
        if entry in GATEWAY_SERVICES:
            requests.append(EndpointRequest(entry, "gateway", entry, "gateway"))
        else:
            unknown.append(("gateway", entry))
    for entry in endpoints.interface:
        if entry in ENDPOINT_SETS:
            interface, gateway, _ = ENDPOINT_SETS[entry]
            requests += [EndpointRequest(s, "interface", entry, "interface") for s in interface]
            requests += [EndpointRequest(s, "gateway", entry, "interface") for s in gateway]
        elif entry in INTERFACE_SERVICES:
            requests.append(EndpointRequest(entry, "interface", entry, "interface"))
        else:
            unknown.append(("interface", entry))
    non_public = [group.name for group, _ in groups if group.tier != "public"]
    subnet_group = endpoints.subnet_group or (non_public[0] if non_public else None)
    zones: tuple[str, ...] = ()
    if endpoints.zones is not None:
        zones = tuple(endpoints.zones)
    else:
        covered = next((z for g, z in groups if g.name == subnet_group), ())
        zones = tuple(z for z in covered if is_availability_zone(z))
    route_from = tuple(endpoints.route_from) if endpoints.route_from is not None else ()
    if endpoints.route_from is None:
        route_from = tuple(non_public)
    return EndpointTopology(
        endpoints=endpoints,
        requests=tuple(requests),
        unknown=tuple(unknown),
        subnet_group=subnet_group,
        zones=zones,
        route_from=route_from,
    )
