"""The README and the docs/ pages: their examples run as written, every page is linked,
and the README stays short."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()
DOCS_DIR = ROOT / "docs"
PAGES = {
    str(path.relative_to(DOCS_DIR)): path.read_text() for path in sorted(DOCS_DIR.rglob("*.md"))
}
DOCS = "\n".join([README, *PAGES.values()])

PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", DOCS, flags=re.DOTALL)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_readme_is_short_and_links_every_page() -> None:
    assert len(README.splitlines()) < 300
    linked = set(LINK.findall(README))
    assert {f"docs/{name}" for name in PAGES if "/" not in name} <= linked
    assert len(PAGES) >= 9


def test_every_construct_page_is_linked_from_the_constructs_page() -> None:
    linked = set(LINK.findall(PAGES["constructs.md"]))
    assert {name for name in PAGES if name.startswith("constructs/")} <= linked


def test_every_local_link_resolves() -> None:
    pages = {ROOT / "README.md": README} | {DOCS_DIR / n: t for n, t in PAGES.items()}
    broken = [
        f"{page.relative_to(ROOT)}: {target}"
        for page, text in pages.items()
        for target in LINK.findall(text)
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert broken == []


def _synthesize_block(name: str, folder: Path) -> Path:
    """The app of the Python block that starts ``# NAME``, run as the CDK CLI runs it
    (``CDK_OUTDIR``); returns the output folder. tests/test_docs_commands.py runs the same
    blocks under the CLI itself."""
    [code] = [block for block in PYTHON_BLOCKS if block.startswith(f"# {name}\n")]
    (folder / name).write_text(code)
    out = folder / "cdk.out"
    env = {**os.environ, "CDK_OUTDIR": str(out), "CDK_VALIDATION": "false"}
    done = subprocess.run(
        [sys.executable, name], cwd=folder, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return out


def test_python_example_synthesizes(tmp_path: Path) -> None:
    out = _synthesize_block("network_app.py", tmp_path)
    template = (out / "Workloads.template.json").read_text()
    assert '"AvailabilityZone": "us-east-1-bos-1a"' in template
    assert '"AWS::Lambda::Function"' in template


def test_rules_table_lists_every_rule() -> None:
    from multivpc.rules import PLAN_RULES, RULES, PlanRule, Rule

    rules: list[Rule | PlanRule] = [*RULES, *PLAN_RULES]
    for rule in rules:
        topic = rule.check.__module__.rsplit(".", 1)[-1]
        assert f"| {rule.id} | {rule.level} | {topic} |" in PAGES["cli.md"], rule.id


def test_config_example_is_valid() -> None:
    from multivpc.load import parse_config
    from tests.conftest import plan_of as plan

    config_block = next(
        block
        for block in re.findall(r"```yaml\n(.*?)```", README, flags=re.DOTALL)
        if block.lstrip().startswith("#") and "accounts:" in block
    )
    network = plan(parse_config(config_block, "README.md"))
    [vpc] = network.vpcs
    assert {s.zone for s in vpc.subnets if s.group == "data"} == {"us-east-1a", "us-east-1b"}


def test_consumer_example_places_a_workload_from_published_ids(tmp_path: Path) -> None:
    out = _synthesize_block("consumer.py", tmp_path)
    template = json.loads((out / "Consumer.template.json").read_text())
    parameters = {p.get("Default") for p in template["Parameters"].values()}
    prefix = "/multivpc/security-groups/shop"
    assert f"{prefix}/subnets/app/us-east-1b/subnet-id" in parameters
    [function] = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    config = function["Properties"]["VpcConfig"]
    assert len(config["SubnetIds"]) == 2
    # the function is in the network's app group, read by name, and adds no rule to it
    [group_parameter] = [
        k
        for k, p in template["Parameters"].items()
        if p.get("Default") == f"{prefix}/security-groups/app/group-id"
    ]
    assert config["SecurityGroupIds"] == [{"Ref": group_parameter}]
    assert not [
        r for r in template["Resources"].values() if r["Type"].startswith("AWS::EC2::SecurityGroup")
    ]
    # The names it reads are the names multivpc publishes for that example.
    from multivpc.load import load_network
    from tests.conftest import plan_of

    vpc = plan_of(load_network(ROOT / "examples" / "security-groups.yaml").config).vpc("shop")
    assert vpc.parameter_prefix == prefix
    assert [g.name for g in vpc.security_groups] == ["web", "app", "db", "aws-apis"]


def test_session_manager_instance_takes_the_published_role(tmp_path: Path) -> None:
    """ec2.Instance given the network's role by ARN makes its profile for that role and
    creates no role of its own."""
    out = _synthesize_block("session_instance.py", tmp_path)
    template = json.loads((out / "Bastionless.template.json").read_text())
    resources = template["Resources"].values()
    assert not [r for r in resources if r["Type"] == "AWS::IAM::Role"]
    [profile] = [r for r in resources if r["Type"] == "AWS::IAM::InstanceProfile"]
    [role_name] = profile["Properties"]["Roles"]
    # The role's name, cut from the published ARN at deploy time.
    arn = role_name["Fn::Select"][1]["Fn::Split"][1]
    [parameter] = [p for p in template["Parameters"].values() if p.get("Default") == (
        "/multivpc/local-endpoints/workloads/session-manager/instance-role-arn")]  # fmt: skip
    assert parameter["Type"] == "AWS::SSM::Parameter::Value<String>"
    assert "Ref" in json.dumps(arn)
    [instance] = [r for r in resources if r["Type"] == "AWS::EC2::Instance"]
    assert "IamInstanceProfile" in instance["Properties"]
    [group] = [r for r in resources if r["Type"] == "AWS::EC2::SecurityGroup"]
    assert "SecurityGroupIngress" not in group["Properties"]
    assert [e["CidrIp"] for e in group["Properties"]["SecurityGroupEgress"]] == ["10.40.0.0/16"]


def test_hub_example_routes_both_spokes_into_shared_only(tmp_path: Path) -> None:
    out = _synthesize_block("hub_app.py", tmp_path)
    resources = json.loads((out / "Hub.template.json").read_text())["Resources"].values()
    kinds = [r["Type"] for r in resources]
    assert kinds.count("Custom::TransitGatewayAssociation") == 2
    assert kinds.count("AWS::EC2::TransitGatewayRouteTable") == 3
    propagations = [r for r in resources if r["Type"].endswith("RouteTablePropagation")]
    tables = {json.dumps(p["Properties"]["TransitGatewayRouteTableId"]) for p in propagations}
    assert len(propagations) == 2 and len(tables) == 1  # both into the one shared table
    [route] = [r["Properties"] for r in resources if r["Type"] == "AWS::EC2::TransitGatewayRoute"]
    assert route["Blackhole"] is True and route["DestinationCidrBlock"] == "10.99.0.0/16"


def _resources(out: Path, stack: str) -> dict[str, Any]:
    return json.loads((out / f"{stack}.template.json").read_text())["Resources"]  # type: ignore[no-any-return]


def test_peering_example_routes_each_side_to_the_other(tmp_path: Path) -> None:
    resources = _resources(_synthesize_block("peering_app.py", tmp_path), "Peered")
    [connection] = [
        k for k, r in resources.items() if r["Type"] == "AWS::EC2::VPCPeeringConnection"
    ]
    routes = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::EC2::Route"]
    assert len(routes) == 4  # two subnets a side
    assert all(r["VpcPeeringConnectionId"] == {"Ref": connection} for r in routes)
    assert (
        sorted(r["DestinationCidrBlock"] for r in routes)
        == ["10.0.0.0/16"] * 2 + ["10.1.0.0/16"] * 2
    )


def test_attachment_example_waits_for_the_attachment_in_two_zones(tmp_path: Path) -> None:
    resources = _resources(_synthesize_block("attachment_app.py", tmp_path), "Spoke")
    [(attachment, props)] = [
        (k, r["Properties"])
        for k, r in resources.items()
        if r["Type"] == "AWS::EC2::TransitGatewayAttachment"
    ]
    assert len(props["SubnetIds"]) == 2
    routes = [
        r
        for r in resources.values()
        if r["Type"] == "AWS::EC2::Route" and "TransitGatewayId" in r["Properties"]
    ]
    assert len(routes) == 3  # every app subnet, in all three zones
    assert all(attachment in r["DependsOn"] for r in routes)


def test_layout_example_puts_the_routing_after_hub_and_spokes(tmp_path: Path) -> None:
    out = _synthesize_block("layout_app.py", tmp_path)
    manifest = json.loads((out / "manifest.json").read_text())["artifacts"]
    depends = {
        name: sorted(d for d in artifact.get("dependencies", []) if not d.endswith(".assets"))
        for name, artifact in manifest.items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert depends == {
        "Hub": [],
        "Spoke-prod": ["Hub"],
        "Spoke-dev": ["Hub"],
        "Routing": ["Hub", "Spoke-dev", "Spoke-prod"],
    }
