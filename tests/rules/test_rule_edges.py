"""Rule edges found by mutation testing: what ``@rule`` builds (an error unless it says
otherwise), and the boundaries where a rule's verdict flips.

Every expectation is written down by hand from the config in the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from multivpc.config.findings import ConfigError, Finding
from multivpc.rules import Rule, rule, run_rules
from multivpc.topology import Topology
from tests.support.builder import NetworkBuilder, base, network, standard_groups


def _check(topology: Topology) -> Iterator[Finding]:
    yield Finding(("vpcs", f"[{topology.vpcs[0].name}]"), "a problem", "a fix")


def test_rule_wraps_a_check_as_an_error_by_default() -> None:
    made = rule("made-up", finding="what it finds", why="why that matters")(_check)
    assert made == Rule("made-up", "error", "what it finds", "why that matters", _check)


def test_rule_keeps_a_warning_level() -> None:
    made = rule("made-up", level="warning", finding="f", why="w")(_check)
    assert made == Rule("made-up", "warning", "f", "w", _check)


def test_findings_carry_the_rule_id_and_level() -> None:
    facts = base().load().topology
    error = rule("first", finding="f", why="w")(_check)
    warning = rule("second", level="warning", finding="f", why="w")(_check)
    assert run_rules([error, warning], facts) == [
        Finding(("vpcs", "[app]"), "a problem", "a fix", rule="first", level="error"),
        Finding(("vpcs", "[app]"), "a problem", "a fix", rule="second", level="warning"),
    ]


# -- verdicts: every finding of a config, exactly --------------------------------------
#
# Each case below lists every finding its config has, so a rule that stops early (a
# ``break`` for a ``continue``), reports twice, merges two findings or points at the
# wrong key shows up as a difference.

A, B, C = "us-east-1a", "us-east-1b", "us-east-1c"
BOS = "us-east-1-bos-1a"
GIVE = "give the groups ranges that do not overlap"


def findings(builder: NetworkBuilder) -> list[str]:
    """Every finding as ``RULE LEVEL LOCATION: PROBLEM; FIX``, sorted; [] when none."""
    try:
        builder.load(strict=True)
    except ConfigError as error:
        return sorted(
            f"{f.rule} {f.level} {f.location}: {f.problem}; {f.fix}" for f in error.findings
        )
    return []


def isolated(name: str, cidr: str, prefix_length: int = 24, **keys: Any) -> dict[str, Any]:
    return {"name": name, "tier": "isolated", "cidr": cidr, "prefix_length": prefix_length, **keys}


def test_a_group_after_an_explicit_one_is_still_checked_and_reported_once() -> None:
    builder = base().set(
        subnets=[
            {"name": "db", "tier": "isolated", "cidrs": {A: "10.0.32.0/24"}},
            {"name": "public", "tier": "public", "cidr": "10.0.0.0/20", "prefix_length": 24},
            {"name": "private", "tier": "private", "cidr": "10.1.16.0/20", "prefix_length": 24},
            isolated("wide", "10.0.64.0/24", 20),
        ]
    )
    assert findings(builder) == [
        "subnets-fit-vpc error vpcs[app].subnets[private].cidr: 10.1.16.0/20 is outside the "
        "VPC range 10.0.0.0/16; pick a range inside 10.0.0.0/16",
        "subnets-fit-vpc error vpcs[app].subnets[wide].prefix_length: /20 is larger than the "
        "group range 10.0.64.0/24; use a prefix_length of at least 24",
    ]


def test_each_later_group_that_overlaps_is_reported() -> None:
    builder = (
        base().group("b", **isolated("b", "10.0.0.0/20")).group("c", **isolated("c", "10.0.0.0/20"))
    )
    assert findings(builder) == [
        f"subnets-disjoint error vpcs[app].subnets[b].cidr: 10.0.0.0/20 overlaps subnets[public] "
        f"10.0.0.0/20 (subnets collide in us-east-1a, us-east-1b); {GIVE}",
        f"subnets-disjoint error vpcs[app].subnets[c].cidr: 10.0.0.0/20 overlaps subnets[public] "
        f"10.0.0.0/20 (subnets collide in us-east-1a, us-east-1b); {GIVE}",
    ]


def test_a_wide_later_group_is_reported_once_per_group_it_covers() -> None:
    # public a/b: 10.0.0.0/24, 10.0.1.0/24; private a/b: 10.0.8.0/24, 10.0.9.0/24;
    # wide a/b: 10.0.0.0/21 (over both public subnets), 10.0.8.0/21 (over both private)
    builder = (
        base()
        .group("public", cidr="10.0.0.0/21")
        .group("private", cidr="10.0.8.0/21")
        .group("wide", **isolated("wide", "10.0.0.0/20", 21))
    )
    assert findings(builder) == [
        f"subnets-disjoint error vpcs[app].subnets[wide].cidr: 10.0.0.0/20 overlaps "
        f"subnets[private] 10.0.8.0/21 (subnets collide in us-east-1b); {GIVE}",
        f"subnets-disjoint error vpcs[app].subnets[wide].cidr: 10.0.0.0/20 overlaps "
        f"subnets[public] 10.0.0.0/21 (subnets collide in us-east-1a); {GIVE}",
    ]


def test_the_later_vpc_is_reported_even_when_its_range_starts_first() -> None:
    builder = (
        network()
        .vpc(
            "small",
            cidr="10.0.1.0/24",
            nat="none",
            groups=[{"name": "db", "tier": "isolated", "cidrs": {A: "10.0.1.0/28"}}],
        )
        .vpc("big", cidr="10.0.0.0/16")
    )
    assert findings(builder) == [
        "vpc-cidrs-disjoint error vpcs[big].cidr: 10.0.0.0/16 overlaps vpcs[small] "
        "10.0.1.0/24; pick a free range"
    ]


def test_size_and_placement_findings_word_for_word() -> None:
    assert findings(base().set(cidr="10.0.0.0/15")) == [
        "vpc-cidr-size error vpcs[app].cidr: 10.0.0.0/15 is a /15; a VPC needs /16 to /28; "
        "choose a prefix length between 16 and 28"
    ]
    assert findings(base().group("private", cidr="10.0.16.0/24")) == [
        "subnets-fit-vpc error vpcs[app].subnets[private]: 10.0.16.0/24 holds 1 subnet of /24 "
        "but zone us-east-1b needs slot 1; widen the group's cidr or use a longer prefix_length"
    ]
    small = {A: "10.0.16.0/29", B: "10.0.17.0/24"}
    assert findings(base().group("private", cidr=None, prefix_length=None, cidrs=small)) == [
        "subnets-fit-vpc error vpcs[app].subnets[private].cidrs[us-east-1a]: 10.0.16.0/29 is "
        "smaller than /28; subnets need at least /28 (16 addresses, 5 of them reserved by AWS)"
    ]


def test_nat_findings_in_every_vpc_at_the_key_that_asks_for_the_nat() -> None:
    builder = (
        network()
        .vpc("first", cidr="10.0.0.0/16", nat="single")
        .drop_group("public")
        .vpc("second", cidr="10.1.0.0/16")
        .group("public", zones=[A])
        .vpc(
            "third",
            cidr="10.2.0.0/16",
            nat="none",
            local_zones=[{"name": BOS, "nat_gateway": True}],
        )
        .vpc("fourth", cidr="10.3.0.0/16", nat="single", nat_zone=B)
        .group("public", zones=[A])
    )
    assert findings(builder) == [
        "nat-in-local-zone warning vpcs[third].local_zones[us-east-1-bos-1a].nat_gateway: NAT "
        "gateway availability varies per Local Zone; us-east-1-bos-1a may not offer one; check "
        "the Local Zone's features page before deploying, or set nat_gateway: false to route "
        "through a NAT gateway of the region",
        "nat-needs-public-subnet error vpcs[first].nat: nat: single needs a public subnet "
        "group, and the VPC has none; add a public subnet group or set nat: none",
        "nat-needs-public-subnet error vpcs[fourth].nat_zone: a NAT gateway in us-east-1b "
        "needs a public subnet in us-east-1b; add us-east-1b to a public subnet group's zones",
        "nat-needs-public-subnet error vpcs[second].nat: a NAT gateway in us-east-1b needs a "
        "public subnet in us-east-1b; add us-east-1b to a public subnet group's zones",
        "nat-needs-public-subnet error vpcs[third].local_zones[us-east-1-bos-1a]: a NAT gateway "
        "in us-east-1-bos-1a needs a public subnet in us-east-1-bos-1a; add us-east-1-bos-1a to "
        "a public subnet group's zones",
        "private-without-nat warning vpcs[first].subnets[private].tier: the group is private "
        "but the VPC has no NAT gateway (nat: single), so its subnets have no route out; set "
        "the VPC's nat to single or per-az, or make the group isolated",
    ]


def test_gateway_findings_in_a_later_vpc_with_the_public_group_listed_last() -> None:
    private_first = list(reversed(standard_groups("10.1.0.0/16")))
    builder = base().vpc(
        "second", cidr="10.1.0.0/16", nat="none", internet_gateway=False, groups=private_first
    )
    assert findings(builder) == [
        "private-without-nat warning vpcs[second].subnets[private].tier: the group is private "
        "but the VPC has no NAT gateway (nat: none), so its subnets have no route out; set the "
        "VPC's nat to single or per-az, or make the group isolated",
        "public-needs-internet-gateway error vpcs[second].subnets[public].tier: public subnets "
        "need an internet gateway route, but internet_gateway is false; set internet_gateway: "
        "true or make the group private or isolated",
    ]


def test_name_and_account_findings_word_for_word() -> None:
    assert findings(network().vpc("app").vpc("app", cidr="10.1.0.0/16")) == [
        "unique-names error vpcs[app]: VPC name app is used more than once; give each VPC its "
        "own name"
    ]
    zones = base().set(availability_zones=[A, B, A]).group("public", zones=[A, B])
    assert findings(zones.group("private", zones=[A, B])) == [
        "unique-names error vpcs[app].availability_zones: zone us-east-1a is listed more than "
        "once; list each zone once (Local Zones only under local_zones)"
    ]
    defaults = (
        base().set(account="network").top(defaults={"account": "nope", "region": "us-east-1"})
    )
    assert findings(defaults) == [
        "known-accounts error defaults.account: account nope is not defined; use one of: apps, "
        "network, or add it under accounts"
    ]


def test_zone_findings_word_for_word() -> None:
    # a valid Local Zone first: the ones after it are still checked
    local = base().set(
        local_zones=[
            {"name": BOS},
            {"name": C},
            {"name": "us-east-1-wl1-bos-wlz-1"},
            {"name": "bos"},
        ]
    )
    assert findings(local) == [
        "zone-kinds error vpcs[app].local_zones[bos]: bos is not a Local Zone name; write Local "
        "Zone names like us-east-1-bos-1a",
        "zone-kinds error vpcs[app].local_zones[us-east-1-wl1-bos-wlz-1]: "
        "us-east-1-wl1-bos-wlz-1 is a Wavelength Zone, not a Local Zone; remove it; Wavelength "
        "Zones are not supported",
        "zone-kinds error vpcs[app].local_zones[us-east-1c]: us-east-1c is an Availability "
        "Zone, not a Local Zone; move it under availability_zones",
    ]
    kinds = base().set(nat="none", availability_zones=[A, B, "us-east-1-mia-1a", "useast1x"])
    assert findings(kinds.drop_group("private")) == [
        "zone-kinds error vpcs[app].availability_zones: us-east-1-mia-1a is a Local Zone; move "
        "it under local_zones",
        "zone-kinds error vpcs[app].availability_zones: useast1x is not an Availability Zone "
        "name; write zone names like us-east-1a",
    ]
    region = base().set(
        availability_zones=[A, "us-west-2b"], local_zones=[{"name": "us-west-2-lax-1a"}]
    )
    assert findings(region) == [
        "zones-in-region error vpcs[app].availability_zones: us-west-2b is in us-west-2, not in "
        "the VPC's region us-east-1; use zones of us-east-1 or set the VPC's region to us-west-2",
        "zones-in-region error vpcs[app].local_zones: us-west-2-lax-1a is in us-west-2, not in "
        "the VPC's region us-east-1; use zones of us-east-1 or set the VPC's region to us-west-2",
    ]
    assert findings(base().group("private", zones=[A, C])) == [
        "group-zones-declared error vpcs[app].subnets[private].zones: zone us-east-1c is not one "
        "of the VPC's zones; add us-east-1c to the VPC's availability_zones or drop it from the "
        "group"
    ]


# -- Transit Gateway rules --------------------------------------------------------------


def tgw(name: str, *segments: dict[str, Any], **keys: Any) -> dict[str, Any]:
    return {"name": name, "segments": list(segments) or [{"name": "shared"}], **keys}


def spoke(
    builder: NetworkBuilder, name: str, index: int, attachment: dict[str, Any], **keys: Any
) -> NetworkBuilder:
    """A VPC 10.<index>.0.0/16 with isolated groups app and transit (/28 per AZ)."""
    return builder.vpc(
        name,
        cidr=f"10.{index}.0.0/16",
        nat="none",
        groups=[
            isolated("app", f"10.{index}.0.0/20"),
            isolated("transit", f"10.{index}.240.0/24", 28),
        ],
        transit_gateway={"subnet_group": "transit", **attachment},
        **keys,
    )


def test_members_of_one_segment_that_overlap_each_other_are_no_static_route() -> None:
    builder = network().top(transit_gateways=[tgw("hub")])
    spoke(builder, "one", 0, {"name": "hub", "segment": "shared"})
    spoke(builder, "two", 0, {"name": "hub", "segment": "shared"})
    assert findings(builder) == [
        "vpc-cidrs-disjoint error vpcs[two].cidr: 10.0.0.0/16 overlaps vpcs[one] 10.0.0.0/16; "
        "pick a free range"
    ]


def test_segment_route_findings_word_for_word() -> None:
    routes = [
        {"cidr": "10.9.0.0/16", "blackhole": True},
        {"cidr": "10.9.0.0/16", "vpc": "one"},
        {"cidr": "10.0.0.0/8", "blackhole": True},
    ]
    builder = network().top(transit_gateways=[tgw("hub", {"name": "shared", "routes": routes})])
    spoke(builder, "one", 1, {"name": "hub", "segment": "shared"})
    where = "segment-routes error transit_gateways[hub].segments[shared].routes"
    assert findings(builder) == [
        f"{where}: 10.0.0.0/8 overlaps the CIDR 10.1.0.0/16 of member VPC one; route a range "
        "outside the VPCs the segment already reaches (a blackhole may drop a smaller part of "
        "one)",
        f"{where}: 10.9.0.0/16 has more than one route in segment shared; keep one route "
        "(static or blackhole) per CIDR",
    ]


def test_duplicate_transit_gateway_names() -> None:
    builder = base().top(transit_gateways=[tgw("hub"), tgw("hub")])
    assert findings(builder) == [
        "transit-gateway-references error transit_gateways[hub]: Transit Gateway name hub is "
        "used more than once; give each Transit Gateway its own name"
    ]


def test_reference_findings_in_every_gateway_and_every_vpc() -> None:
    prod = {"name": "prod", "reaches": ["nope"], "routes": [{"cidr": "10.8.0.0/16", "vpc": "dev"}]}
    builder = network().top(
        transit_gateways=[
            tgw("hub", {"name": "shared"}, {"name": "shared"}, account="ghost"),
            tgw("core", {"name": "shared"}, prod),
        ]
    )
    builder.vpc("plain", cidr="10.0.0.0/16")  # attached nowhere, listed first
    spoke(builder, "spoke", 1, {"name": "edge", "segment": "shared"})
    spoke(builder, "spoke2", 2, {"name": "core", "segment": "nope"})
    spoke(
        builder,
        "spoke3",
        3,
        {"name": "core", "segment": "shared"},
        region="us-west-2",
        availability_zones=["us-west-2a", "us-west-2b"],
    )
    rule = "transit-gateway-references error"
    assert findings(builder) == [
        f"{rule} transit_gateways[core].segments[prod].reaches: segment nope does not exist; "
        "use one of: shared, prod",
        f"{rule} transit_gateways[core].segments[prod].routes: the route to 10.8.0.0/16 targets "
        "VPC dev, which is not attached to core; attach dev to core or target an attached VPC",
        f"{rule} transit_gateways[hub].account: account ghost is not defined; use one of: apps, "
        "network",
        f"{rule} transit_gateways[hub].segments[shared]: segment shared is declared more than "
        "once; give each segment its own name",
        f"{rule} vpcs[spoke2].transit_gateway.segment: core has no segment nope; use one of: "
        "shared, prod",
        f"{rule} vpcs[spoke3].transit_gateway.name: core is in us-east-1, the VPC in us-west-2; "
        "attach to a Transit Gateway of the VPC's region (peer Transit Gateways to cross "
        "regions)",
        f"{rule} vpcs[spoke].transit_gateway.name: Transit Gateway edge is not declared; use "
        "one of: hub, core",
    ]


def test_attaching_without_any_transit_gateway() -> None:
    builder = base().set(
        transit_gateway={"name": "hub", "segment": "shared", "subnet_group": "private"}
    )
    assert findings(builder) == [
        "transit-gateway-references error vpcs[app].transit_gateway.name: Transit Gateway hub "
        "is not declared; use one of: none declared"
    ]


def test_attachment_subnet_findings_in_every_attachment() -> None:
    builder = network().top(transit_gateways=[tgw("core")])
    spoke(builder, "one", 1, {"name": "core", "segment": "shared", "subnet_group": "nope"})
    spoke(builder, "two", 2, {"name": "core", "segment": "shared"}, availability_zones=[A, B, C])
    builder.group("transit", zones=[A])
    spoke(
        builder,
        "three",
        3,
        {"name": "core", "segment": "shared", "route_from": ["ghost"]},
        local_zones=[{"name": BOS}],
    )
    builder.group("transit", zones=[A, B, BOS])
    where = "transit-subnets error vpcs[{}].transit_gateway.{}"
    assert findings(builder) == [
        where.format("one", "subnet_group")
        + ": subnet group nope does not exist; use one of: app, transit",
        where.format("three", "route_from")
        + ": subnet group ghost does not exist; use one of: app, transit",
        where.format("three", "subnet_group")
        + ": group transit covers us-east-1-bos-1a, and a Transit Gateway attachment cannot use "
        "Local Zone subnets; use a group that covers Availability Zones only",
        where.format("two", "subnet_group")
        + ": group transit has no subnet in us-east-1b, us-east-1c, so workloads there cannot "
        "reach the Transit Gateway; give group transit a subnet in every Availability Zone",
    ]


def test_sharing_findings_word_for_word() -> None:
    principal = "arn:aws:iam::222222222222:role/" + "attach-everything-" * 3
    builder = base().top(transit_gateways=[tgw("hub", share_with=["apps", principal])])
    assert findings(builder) == [
        "transit-gateway-sharing error transit_gateways[hub].share_with: "
        "arn:aws:iam::222222222222:role/attach-everything-attach-ever is neither an account "
        "name nor an organization or OU ARN; use account names (apps, network) or an ARN like "
        "arn:aws:organizations::111111111111:organization/o-abcdefghij"
    ]
