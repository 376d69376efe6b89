"""SecurityGroups and NetworkVpc(security_groups=...) from the public API only."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template

from multivpc.constructs import (
    ConstructArgumentError,
    NetworkVpc,
    Peer,
    SecurityGroupRule,
    SecurityGroups,
    SecurityGroupSpec,
    SubnetGroup,
)

ENV = cdk.Environment(account="111111111111", region="us-east-1")
WEB = SecurityGroupSpec(
    name="web",
    description="load balancer",
    ingress=[SecurityGroupRule("tcp", Peer.cidr("0.0.0.0/0"), "HTTPS in", 443)],
    egress=[SecurityGroupRule("tcp", Peer.group("app"), "to app", 8080)],
    internet_facing=True,
)
APP = SecurityGroupSpec(
    name="app",
    description="app servers",
    ingress=[
        SecurityGroupRule("tcp", Peer.group("web"), "from web", 8080),
        SecurityGroupRule("tcp", Peer.cidr("10.0.0.0/16"), "metrics", 9100, 9110),
        SecurityGroupRule("icmp", Peer.cidr("10.0.0.0/16"), "ping", 8),
        SecurityGroupRule("udp", Peer.prefix_list("pl-0123", name="office"), "syslog", 514),
    ],
    egress=[SecurityGroupRule("all", Peer.cidr("0.0.0.0/0"), "anything out")],
)


def _network(stack: cdk.Stack, groups: list[SecurityGroupSpec]) -> NetworkVpc:
    return NetworkVpc.from_groups(
        stack,
        "core",
        cidr="10.0.0.0/16",
        zones=["us-east-1a", "us-east-1b"],
        groups=[SubnetGroup("app", "isolated", 24)],
        security_groups=groups,
        flow_logs=None,
    )


def _template(groups: list[SecurityGroupSpec]) -> dict[str, Any]:
    stack = cdk.Stack(cdk.App(), "Net", env=ENV)
    _network(stack, groups)
    return Template.from_stack(stack).to_json()["Resources"]  # type: ignore[no-any-return]


def _group_names(resources: dict[str, Any]) -> dict[str, str]:
    """Logical id -> group name, by the Name tag (``core-<name>``)."""
    names = {}
    for logical_id, r in resources.items():
        if r["Type"] == "AWS::EC2::SecurityGroup":
            tags = {t["Key"]: t["Value"] for t in r["Properties"].get("Tags", [])}
            names[logical_id] = tags["Name"].removeprefix("core-")
    return names


def _rules(resources: dict[str, Any]) -> set[tuple[Any, ...]]:
    """(group, direction, protocol, from, to, peer, description) of every rule resource."""
    names = _group_names(resources)
    found = set()
    for r in resources.values():
        kind = r["Type"]
        if kind not in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
            continue
        p = r["Properties"]
        ingress = kind.endswith("Ingress")
        group = names[p["GroupId"]["Fn::GetAtt"][0]]
        peer_group = p.get("SourceSecurityGroupId" if ingress else "DestinationSecurityGroupId")
        prefix_list = p.get("SourcePrefixListId" if ingress else "DestinationPrefixListId")
        if peer_group is not None:
            peer = f"group:{names[peer_group['Fn::GetAtt'][0]]}"
        elif prefix_list is not None:
            peer = f"prefix-list:{prefix_list}"
        else:
            peer = p["CidrIp"]
        found.add(
            (
                group,
                "ingress" if ingress else "egress",
                p["IpProtocol"],
                p["FromPort"],
                p["ToPort"],
                peer,
                p["Description"],
            )
        )
    return found


def test_every_rule_is_a_resource_as_written() -> None:
    resources = _template([WEB, APP])
    assert _rules(resources) == {
        ("web", "ingress", "tcp", 443, 443, "0.0.0.0/0", "HTTPS in"),
        ("web", "egress", "tcp", 8080, 8080, "group:app", "to app"),
        ("app", "ingress", "tcp", 8080, 8080, "group:web", "from web"),
        ("app", "ingress", "tcp", 9100, 9110, "10.0.0.0/16", "metrics"),
        ("app", "ingress", "icmp", 8, -1, "10.0.0.0/16", "ping"),
        ("app", "ingress", "udp", 514, 514, "prefix-list:pl-0123", "syslog"),
        ("app", "egress", "-1", -1, -1, "0.0.0.0/0", "anything out"),
    }


def test_a_group_sends_nothing_unless_a_rule_says_so() -> None:
    resources = _template([APP, WEB, SecurityGroupSpec(name="db", description="database")])
    for r in resources.values():
        if r["Type"] == "AWS::EC2::SecurityGroup":
            # aws-cdk-lib's rule for allow_all_outbound=False: matches no traffic, and keeps
            # AWS from adding its allow-all rule
            assert r["Properties"]["SecurityGroupEgress"] == [
                {
                    "CidrIp": "255.255.255.255/32",
                    "Description": "No outbound traffic unless a rule of its own allows it",
                    "FromPort": 252,
                    "IpProtocol": "icmp",
                    "ToPort": 86,
                }
            ]
            assert "SecurityGroupIngress" not in r["Properties"]


def test_groups_that_admit_each_other_form_no_dependency_cycle() -> None:
    """web's egress names app, app's ingress names web: every rule is its own resource,
    and the groups depend on nothing of each other (the template deploys in one pass)."""
    resources = _template([WEB, APP])
    for logical_id in _group_names(resources):
        assert "DependsOn" not in resources[logical_id]
        assert "GetAtt" not in str(resources[logical_id]["Properties"])


def test_adding_a_group_or_a_rule_renames_nothing() -> None:
    before = set(_template([WEB, APP]))
    more = SecurityGroupSpec(
        name=APP.name,
        description=APP.description,
        ingress=[SecurityGroupRule("tcp", Peer.cidr("10.1.0.0/16"), "new", 22), *APP.ingress],
        egress=APP.egress,
    )
    after = set(_template([SecurityGroupSpec(name="aaa", description="first"), WEB, more]))
    assert before <= after
    assert len(after - before) == 2  # the new group and the new rule


def test_an_internet_facing_group_is_acknowledged_for_web_ports_only() -> None:
    stack = cdk.Stack(cdk.App(), "Net", env=ENV)
    network = _network(stack, [WEB, APP])
    rule = network.security_groups.rules[("web", "In-tcp-443-From-0-0-0-0-0")]  # type: ignore[union-attr]
    acknowledged = [e.data for e in rule.node.metadata if "AwsSolutions-EC23" in str(e.data)]
    assert acknowledged, rule.node.metadata
    # app's egress to 0.0.0.0/0 and its other rules are not acknowledged: app is not
    # internet-facing
    for (group, _), other in network.security_groups.rules.items():  # type: ignore[union-attr]
        if group == "app":
            assert "AwsSolutions-EC23" not in str([e.data for e in other.node.metadata])


def test_a_named_group_is_an_isecuritygroup_for_workloads() -> None:
    stack = cdk.Stack(cdk.App(), "Net", env=ENV)
    network = _network(stack, [WEB, APP])
    function = lambda_.Function(
        stack,
        "Worker",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        vpc=network.vpc,
        security_groups=[network.vpc.security_group("app")],  # type: ignore[attr-defined]
    )
    assert network.security_groups is not None
    app_id = network.security_groups.group_id("app")
    assert network.security_group("app").security_group_id == app_id
    resources = Template.from_stack(stack).to_json()["Resources"]
    config = resources[stack.get_logical_id(function.node.default_child)]["Properties"]["VpcConfig"]  # type: ignore[arg-type]
    names = _group_names(resources)
    assert [names[g["Fn::GetAtt"][0]] for g in config["SecurityGroupIds"]] == ["app"]
    # the imported group adds no rule of its own
    assert len(_rules(resources)) == 7
    with pytest.raises(
        ConstructArgumentError, match=r"no security group named 'ap'; groups: web, app"
    ):
        network.security_group("ap")


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([WEB, WEB], "security group web is given twice"),
        ([SecurityGroupSpec("x", " ")], "security group x needs a description"),
        (
            [
                SecurityGroupSpec(
                    "x", "x", [SecurityGroupRule("tcp", Peer.cidr("10.0.0.0/8"), "", 22)]
                )
            ],
            "security group x, rule In-tcp-22-From-10-0-0-0-8: a rule needs a description",
        ),
        (
            [SecurityGroupSpec("x", "x", [SecurityGroupRule("tcp", Peer.group("y"), "d", 22)])],
            "no security group named 'y' here; groups: x",
        ),
        (
            [
                SecurityGroupSpec(
                    "x", "x", [SecurityGroupRule("all", Peer.cidr("10.0.0.0/8"), "d", 22)]
                )
            ],
            "protocol all covers every port; give no port",
        ),
        (
            [
                SecurityGroupSpec(
                    "x", "x", [SecurityGroupRule("tcp", Peer.cidr("10.0.0.0/8"), "d", 70000)]
                )
            ],
            "port 70000 is outside 0 to 65535",
        ),
        (
            [
                SecurityGroupSpec(
                    "x", "x", [SecurityGroupRule("tcp", Peer.cidr("10.0.0.0/8"), "d", 90, 80)]
                )
            ],
            "the range 90-80 ends before it starts",
        ),
        (
            [
                SecurityGroupSpec(
                    "x", "x", [SecurityGroupRule("tcp", Peer.cidr("10.0.0.300/8"), "d", 22)]
                )
            ],
            "'10.0.0.300/8' is not an IPv4 CIDR",
        ),
        (
            [
                SecurityGroupSpec(
                    "x",
                    "x",
                    [
                        SecurityGroupRule("tcp", Peer.cidr("10.0.0.0/8"), "a", 22),
                        SecurityGroupRule("tcp", Peer.cidr("10.0.0.0/8"), "b", 22, 22),
                    ],
                )
            ],
            "rule In-tcp-22-From-10-0-0-0-8: the same rule is given twice",
        ),
    ],
)
def test_what_it_cannot_build_is_refused_before_the_vpc_is_created(
    groups: list[SecurityGroupSpec], message: str
) -> None:
    stack = cdk.Stack(cdk.App(), "Net", env=ENV)
    with pytest.raises(ConstructArgumentError) as raised:
        _network(stack, groups)
    assert str(raised.value).startswith("Net/core: ")
    assert message in str(raised.value)
    assert not stack.node.find_child("core").node.children


def test_the_construct_on_its_own_takes_a_vpc_id() -> None:
    stack = cdk.Stack(cdk.App(), "Net", env=ENV)
    groups = SecurityGroups(stack, "Groups", vpc_id="vpc-0123", groups=[APP, WEB], name="shop")
    resources = Template.from_stack(stack).to_json()["Resources"]
    vpcs = {
        r["Properties"]["VpcId"]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::SecurityGroup"
    }
    assert vpcs == {"vpc-0123"}
    assert sorted(groups.groups) == ["app", "web"]
    assert groups.security_group("web").security_group_id == groups.group_id("web")
