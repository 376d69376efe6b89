"""Security groups from the config to the template: the example's rules equal what its
YAML says (read by a small function of its own, not through the plan), each published."""

from __future__ import annotations

from typing import Any

import yaml

from multivpc.load import load_config
from tests.conftest import ROOT, synthesize
from tests.constructs.test_security_groups import _group_names, _rules
from tests.support.builder import base

EXAMPLE = ROOT / "examples" / "security-groups.yaml"
PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "all": "-1"}


def _expected(vpc: dict[str, Any]) -> set[tuple[Any, ...]]:
    """What the YAML asks for, in the shape ``_rules`` reads templates in."""
    rules = set()
    for group in vpc["security_groups"]:
        egress = group.get("egress", [])
        if egress == "all":
            egress = [{"protocol": "all", "peer": "0.0.0.0/0", "description": "ALL"}]
        for direction, written in (("ingress", group.get("ingress", [])), ("egress", egress)):
            for rule in written:
                port = rule.get("port", "all")
                protocol = rule["protocol"]
                if protocol == "all" or port == "all":
                    low, high = (-1, -1) if protocol in ("all", "icmp") else (0, 65535)
                elif protocol == "icmp":
                    low, high = port, -1
                elif isinstance(port, int):
                    low, high = port, port
                else:
                    low, high = (int(p) for p in port.split("-"))
                peer = rule["peer"]
                peer = f"group:{peer['group']}" if isinstance(peer, dict) else peer
                rules.add(
                    (
                        group["name"],
                        direction,
                        PROTOCOLS[protocol],
                        low,
                        high,
                        peer,
                        rule["description"],
                    )
                )
    return rules


def test_the_example_synthesizes_the_rules_its_yaml_gives() -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    [vpc] = data["vpcs"]
    templates = synthesize(load_config(EXAMPLE), checks=False)
    resources = templates["security-groups-shop"]["Resources"]
    # Name tags are <stack>-<group>; _group_names strips the VPC's stack name
    names = {k: v.removeprefix("security-groups-shop-") for k, v in _group_names(resources).items()}
    assert sorted(names.values()) == sorted(g["name"] for g in vpc["security_groups"])
    found = {
        (rule[0].removeprefix("security-groups-shop-"), *rule[1:5], _peer(rule[5]), rule[6])
        for rule in _rules(resources)
    }
    assert found == _expected(vpc)


def _peer(peer: str) -> str:
    return peer.replace("group:security-groups-shop-", "group:")


def test_each_group_id_is_published_as_a_parameter_and_an_output() -> None:
    templates = synthesize(load_config(EXAMPLE), checks=False)
    template = templates["security-groups-shop"]
    resources = template["Resources"]
    names = {k: v.removeprefix("security-groups-shop-") for k, v in _group_names(resources).items()}
    parameters = {
        r["Properties"]["Name"]: r["Properties"]["Value"]
        for r in resources.values()
        if r["Type"] == "AWS::SSM::Parameter" and r["Properties"]["Name"].endswith("/group-id")
    }
    prefix = "/multivpc/security-groups/shop/security-groups"
    assert {name: names[value["Fn::GetAtt"][0]] for name, value in parameters.items()} == {
        f"{prefix}/{group}/group-id": group for group in ("web", "app", "db", "aws-apis")
    }
    outputs = [
        o
        for o in template["Outputs"].values()
        if o.get("Description", "").startswith("Security group ")
    ]
    assert sorted(names[o["Value"]["Fn::GetAtt"][0]] for o in outputs) == [
        "app",
        "aws-apis",
        "db",
        "web",
    ]


def test_egress_all_and_every_port_form_reach_the_template() -> None:
    builder = base().set(
        security_groups=[
            {
                "name": "open",
                "description": "everything out",
                "egress": "all",
                "ingress": [
                    {"protocol": "udp", "port": "all", "peer": "10.0.0.0/16", "description": "udp"},
                    {
                        "protocol": "icmp",
                        "port": "all",
                        "peer": "10.0.0.0/16",
                        "description": "icmp",
                    },
                    {"protocol": "all", "peer": {"group": "open"}, "description": "itself"},
                ],
            }
        ]
    )
    config = builder.build()
    templates = synthesize(config, checks=False)
    [resources] = [t["Resources"] for t in templates.values()]
    stack = next(iter(templates))
    found = {
        (r[1], r[2], r[3], r[4], r[5].replace(f"group:{stack}-", "group:"), r[6])
        for r in _rules(resources)
    }
    assert found == {
        ("ingress", "udp", 0, 65535, "10.0.0.0/16", "udp"),
        ("ingress", "icmp", -1, -1, "10.0.0.0/16", "icmp"),
        ("ingress", "-1", -1, -1, "group:open", "itself"),
        ("egress", "-1", -1, -1, "0.0.0.0/0", "Every protocol to anywhere (egress: all)"),
    }
    data = builder.data()
    vpc = data["vpcs"][0]
    expected = {rule[1:] for rule in _expected(vpc)}
    assert {r[:5] for r in found} == {r[:5] for r in expected}


def test_the_endpoints_sit_in_the_named_group_and_no_group_is_generated() -> None:
    """endpoints.security_groups: [aws-apis] in the example's YAML."""
    [vpc] = yaml.safe_load(EXAMPLE.read_text())["vpcs"]
    named = vpc["endpoints"]["security_groups"]
    templates = synthesize(load_config(EXAMPLE), checks=False)
    resources = templates["security-groups-shop"]["Resources"]
    names = {k: v.removeprefix("security-groups-shop-") for k, v in _group_names(resources).items()}
    endpoints = [
        r["Properties"] for r in resources.values() if r["Type"] == "AWS::EC2::VPCEndpoint"
    ]
    assert [e["ServiceName"] for e in endpoints] == ["com.amazonaws.us-east-1.sts"]
    assert [names[g["Fn::GetAtt"][0]] for g in endpoints[0]["SecurityGroupIds"]] == named
    # only the config's groups exist: no generated endpoints group beside them
    assert sorted(names.values()) == sorted(g["name"] for g in vpc["security_groups"])
