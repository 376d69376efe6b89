"""Routing shards: which routing stack of a Transit Gateway holds each attachment's routing
and each route without a VPC, decided once and kept in the lock file.

A Transit Gateway's associations, propagations and static routes live in routing stacks
in the owner's account, and a stack holds at most 500 resources. An estate that outgrows
one stack needs more; CloudFormation cannot move a resource from one stack to another in
one deploy, so a shard, once given, never changes:

- an attachment (and every static route to its VPC) keeps the shard the lock gives it;
- a route without a VPC (a blackhole) keeps its locked shard too;
- what is new fills the lowest-numbered shard with room under ``ROUTING_RESOURCE_BUDGET``
  (new VPCs by name, then new routes by segment and CIDR), and opens the next shard when
  none has room;
- a Transit Gateway that has no entry in the lock yet (a new one, or an estate deployed
  before shards were locked) is placed as multivpc placed it before: over a power of two
  of shards, by a crc32 of the VPC's name (or the route's id), so deployed stacks stay.

Shard 0 is the stack ``<network>-tgw-<name>-routing``; shard N > 0 is ``...-routing-N``.
"""

from __future__ import annotations

import ipaddress
import math
import zlib
from collections import Counter
from collections.abc import Iterable

from multivpc.config.lockfile import RoutingShards
from multivpc.topology.transit import TransitTopology
from multivpc.vocabulary import cidr_id

ROUTING_RESOURCE_BUDGET = 400
"""Resources per routing stack, under CloudFormation's 500, leaving room for CDK's own
resources and for static routes added later to a VPC already placed."""


def route_key(segment: str, cidr: ipaddress.IPv4Network) -> str:
    """How the lock names a route without a VPC: ``shared 10.99.0.0/16``."""
    return f"{segment} {cidr}"


def resources_per_attachment(tgw: TransitTopology) -> int:
    """An upper bound: association, propagations, and the custom resource (with its
    policy) that reads a cross-account attachment id."""
    return 1 + len(tgw.transit_gateway.segments) + 2


def _vpc_routes(tgw: TransitTopology) -> Counter[str]:
    """Static routes per target VPC: they live in that VPC's shard."""
    return Counter(
        route.vpc
        for segment in tgw.transit_gateway.segments
        for route in segment.routes
        if route.vpc is not None
    )


def _free_routes(tgw: TransitTopology) -> list[str]:
    """The keys of the routes without a VPC, in config order, each once."""
    return list(
        dict.fromkeys(
            route_key(segment.name, route.cidr)
            for segment in tgw.transit_gateway.segments
            for route in segment.routes
            if route.vpc is None
        )
    )


def routing_shards(tgw: TransitTopology, locked: RoutingShards | None) -> RoutingShards:
    """Every attachment's and free route's shard: kept from ``locked``, new ones filled in
    (see the module docstring)."""
    vpcs = sorted({attachment.vpc.name for attachment in tgw.attachments})
    routes = _free_routes(tgw)
    if locked is None or locked.empty:
        return _first_placement(tgw, vpcs, routes)
    per_attachment = resources_per_attachment(tgw)
    vpc_routes = _vpc_routes(tgw)
    attachments = {vpc: locked.attachments[vpc] for vpc in vpcs if vpc in locked.attachments}
    free = {key: locked.routes[key] for key in routes if key in locked.routes}
    load: Counter[int] = Counter()
    for vpc, shard in attachments.items():
        load[shard] += per_attachment + vpc_routes[vpc]
    for shard in free.values():
        load[shard] += 1
    for vpc in vpcs:
        if vpc not in attachments:
            attachments[vpc] = _fill(load, per_attachment + vpc_routes[vpc])
    for key in sorted(routes):
        if key not in free:
            free[key] = _fill(load, 1)
    return RoutingShards(attachments, {key: free[key] for key in routes})


def _fill(load: Counter[int], cost: int) -> int:
    """The lowest shard in use with room for ``cost`` more resources, else the next one."""
    for shard in sorted(load):
        if load[shard] + cost <= ROUTING_RESOURCE_BUDGET:
            load[shard] += cost
            return shard
    shard = max(load, default=-1) + 1
    load[shard] += cost
    return shard


def _first_placement(tgw: TransitTopology, vpcs: Iterable[str], routes: list[str]) -> RoutingShards:
    """Before shards were locked: a power of two of shards, enough for every resource,
    and each item in the shard of a crc32 of its VPC's name (a route without a VPC: of
    ``segment-cidr-id``, the route's construct id then)."""
    total = len(tgw.attachments) * resources_per_attachment(tgw) + sum(
        len(segment.routes) for segment in tgw.transit_gateway.segments
    )
    needed = math.ceil(total / ROUTING_RESOURCE_BUDGET)
    count = 1
    while count < needed:
        count *= 2

    def shard(name: str) -> int:
        return 0 if count == 1 else zlib.crc32(name.encode()) % count + 1

    def legacy_id(key: str) -> str:
        segment, cidr = key.split(" ")
        return f"{segment}-{cidr_id(cidr)}"

    return RoutingShards(
        {vpc: shard(vpc) for vpc in vpcs},
        {key: shard(legacy_id(key)) for key in routes},
    )
