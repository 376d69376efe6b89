"""Rules about a VPC's security groups: each with one good and one bad config at the
boundary, plus the edges of each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from tests.rules.cases import Case, case_tests
from tests.support.builder import NetworkBuilder, base


def rule(
    port: Any = 443, peer: Any = "10.0.0.0/16", protocol: str = "tcp", **more: Any
) -> dict[str, Any]:
    return {"protocol": protocol, "port": port, "peer": peer, "description": "why", **more}


def with_groups(*groups: dict[str, Any]) -> NetworkBuilder:
    return base().set(security_groups=list(groups))


def group(
    name: str, ingress: Sequence[dict[str, Any]] = (), egress: Any = (), **more: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "description": f"the {name} group",
        "ingress": list(ingress),
        "egress": egress if egress == "all" else list(egress),
        **more,
    }


def numbered(count: int) -> list[dict[str, Any]]:
    """``count`` distinct rules (one port each)."""
    return [rule(port=1000 + n) for n in range(count)]


CASES = {
    "security-group-names-unique": Case(
        with_groups(group("web"), group("app")),
        with_groups(group("web"), group("web")),
        "vpcs[app].security_groups[web]: security group name web is used more than once",
    ),
    "security-group-peers-known": Case(
        with_groups(group("web"), group("app", [rule(peer={"group": "web"})])),
        with_groups(group("web"), group("app", [rule(peer={"group": "wbe"})])),
        "vpcs[app].security_groups[app].ingress[0].peer.group: there is no security group wbe "
        "in VPC app; did you mean web? name one of web, app",
    ),
    "security-group-rules-unique": Case(
        with_groups(group("app", [rule(port=443), rule(port=8443)])),
        with_groups(group("app", [rule(port=443), rule(port="443-443", description="again")])),
        "vpcs[app].security_groups[app].ingress[1]: ingress rule 1 repeats rule 0 (tcp port "
        "443-443 with 10.0.0.0/16)",
    ),
    "security-group-internet-ingress": Case(
        with_groups(group("lb", [rule(port=22, peer="0.0.0.0/1")])),
        with_groups(group("lb", [rule(port=22, peer="0.0.0.0/0")])),
        "vpcs[app].security_groups[lb].ingress[0]: security group lb admits tcp port 22 with "
        "0.0.0.0/0, the whole internet; narrow the peer",
    ),
    "security-group-internet-ports": Case(
        with_groups(
            group(
                "lb",
                [rule(port=443, peer="0.0.0.0/0"), rule(port=80, peer="0.0.0.0/0")],
                internet_facing=True,
            )
        ),
        with_groups(
            group(
                "lb",
                [rule(port=443, peer="0.0.0.0/0"), rule(port=8443, peer="0.0.0.0/0")],
                internet_facing=True,
            )
        ),
        "internet-facing group lb opens tcp port 8443 with 0.0.0.0/0 to the internet",
    ),
    "security-group-rule-quota": Case(
        with_groups(group("app", numbered(60), numbered(60))),
        with_groups(group("app", numbered(61), numbered(60))),
        "vpcs[app].security_groups[app].ingress: security group app has 61 inbound rules; AWS "
        "allows 60 (quotas.inbound_rules_per_security_group)",
    ),
    "endpoint-security-groups": Case(
        with_groups(group("aws"), group("app")).set(
            endpoints={"interface": ["sts"], "security_groups": ["aws", "app"]}
        ),
        with_groups(group("aws"), group("app")).set(
            endpoints={"interface": ["sts"], "security_groups": ["aws", "ap"]}
        ),
        "vpcs[app].endpoints.security_groups[1]: there is no security group ap in VPC app; did "
        "you mean app?",
    ),
}

test_good_config_passes, test_bad_config_is_reported = case_tests(CASES)


def _on_endpoints(count: int, **endpoints: Any) -> NetworkBuilder:
    names = [f"g{n}" for n in range(count)]
    return with_groups(*(group(n) for n in names)).set(
        endpoints={"interface": ["sts"], "security_groups": names, **endpoints}
    )


def test_five_groups_fit_on_an_endpoint_interface_and_six_do_not() -> None:
    assert _findings(_on_endpoints(5)) == []
    assert any(
        "6 security groups on each endpoint network interface; AWS allows 5 "
        "(quotas.security_groups_per_network_interface)" in f
        for f in _findings(_on_endpoints(6))
    )
    assert (
        _findings(_on_endpoints(6).top(quotas={"security_groups_per_network_interface": 6})) == []
    )


def test_named_endpoint_groups_refuse_sources() -> None:
    findings = _findings(_on_endpoints(1, sources=["10.0.0.0/16"]))
    assert any(
        "vpcs[app].endpoints.sources: sources shape the generated endpoint group, which "
        "security_groups replaces" in f
        for f in findings
    )


def _findings(builder: NetworkBuilder) -> list[str]:
    return builder.findings()


def test_outbound_rules_have_their_own_quota_and_a_raised_one_counts() -> None:
    over = with_groups(group("app", [], numbered(61)))
    assert any(
        "has 61 outbound rules; AWS allows 60 (quotas.outbound_rules_per_security_group)" in f
        for f in _findings(over)
    )
    raised = over.top(quotas={"outbound_rules_per_security_group": 61})
    assert _findings(raised) == []


def test_egress_all_is_one_rule_and_a_group_may_reference_itself_and_each_other() -> None:
    builder = with_groups(
        group("web", [rule(peer={"group": "app"})], [rule(port=8080, peer={"group": "app"})]),
        group(
            "app",
            [
                rule(port=8080, peer={"group": "web"}),
                rule(protocol="all", port="all", peer={"group": "app"}),
            ],
            "all",
        ),
    )
    assert _findings(builder) == []


def test_internet_ingress_counts_only_the_whole_internet_and_udp_web_ports_warn() -> None:
    narrow = with_groups(
        group("lb", [rule(port=443, peer="0.0.0.0/1"), rule(port=443, peer="128.0.0.0/1")])
    )
    assert _findings(narrow) == []
    udp = with_groups(
        group("lb", [rule(port=443, protocol="udp", peer="0.0.0.0/0")], internet_facing=True)
    )
    assert any("security-group-internet-ports" in f for f in _findings(udp))
    ranged = with_groups(group("lb", [rule(port="80-443", peer="0.0.0.0/0")], internet_facing=True))
    assert any("security-group-internet-ports" in f for f in _findings(ranged))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            rule(protocol="all", port=22),
            "port: protocol all covers every port; write port: all, not 22",
        ),
        (
            rule(port="9000-8000"),
            "port: the range 9000-8000 ends before it starts; write 8000-9000",
        ),
        (rule(port=65536), "port: 65536 is outside 0 to 65535"),
        (rule(protocol="icmp", port=256), "port: 256 is outside 0 to 255"),
        (rule(protocol="icmp", port="0-8"), "port: for icmp give one ICMP type"),
        (rule(port="80,443"), "port"),
        (rule(protocol="gre"), "protocol"),
        (rule(peer="10.0.0.1/16"), "10.0.0.1/16 has host bits set; write 10.0.0.0/16"),
        (rule(peer={"vpc": "other"}), "peer"),
        ({**rule(), "description": ""}, "description"),
        ({**rule(), "description": "quote's"}, "description"),
        ({k: v for k, v in rule().items() if k != "description"}, "description"),
    ],
)
def test_a_rule_of_the_wrong_shape_is_refused_with_its_key(
    bad: dict[str, Any], message: str
) -> None:
    findings = with_groups(group("app", [bad])).findings()
    assert any(
        "vpcs[app].security_groups[0].ingress[0]" in f or "security_groups" in f for f in findings
    ), findings
    assert any(message in f for f in findings), findings


def test_the_port_boundaries_that_fit_are_accepted() -> None:
    rules = [
        rule(port=0),
        rule(port=65535),
        rule(port="0-65535"),
        rule(protocol="icmp", port=255),
        rule(protocol="icmp", port=0),
    ]
    assert with_groups(group("app", rules)).findings() == []
