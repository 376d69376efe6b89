"""The edit corpus: realistic edits of the examples, each checked with the diff engine.

Safe edits must remove and replace nothing (the diff's exit code is 0); edits that must
be flagged are (exit 1), and the report names what they replace. Examples are read at
test time, so the corpus follows them as they change; an edit whose example is gone is
skipped. Templates come from in-process synths (cdk-nag and CDK validation off), one per
config, the unedited examples shared through a module fixture.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from multivpc.analysis import GATEWAY_NOTE, Assembly, Report, diff
from multivpc.diff_sides import synthesize_side
from tests.conftest import CDK_CONTEXT, ROOT
from tests.support.builder import Data, network_from

EXAMPLES = ROOT / "examples"


def example_data(name: str) -> Data:
    path = EXAMPLES / f"{name}.yaml"
    if not path.is_file():
        pytest.skip(f"examples/{name}.yaml is gone")
    data: Data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def example_lock(name: str) -> str | None:
    """The example's address lock file (``NAME.lock.yaml``), when it has one."""
    path = EXAMPLES / f"{name}.lock.yaml"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def synthesize(data: Data, label: str, lock: str | None = None) -> Assembly:
    loaded = network_from(data).load(lock=lock)
    return synthesize_side(loaded, label, CDK_CONTEXT).assembly


@pytest.fixture(scope="module")
def baseline() -> Callable[[str], Assembly]:
    cache: dict[str, Assembly] = {}

    def synthesized(name: str) -> Assembly:
        if name not in cache:
            cache[name] = synthesize(
                example_data(name), f"examples/{name}.yaml", example_lock(name)
            )
        return cache[name]

    return synthesized


@dataclass(frozen=True)
class Edit:
    id: str
    example: str
    apply: Callable[[Data], None]


def edited_report(baseline: Callable[[str], Assembly], edit: Edit) -> Report:
    data = example_data(edit.example)
    edit.apply(data)
    return diff(baseline(edit.example), synthesize(data, edit.id, example_lock(edit.example)))


# -- small helpers over config data -----------------------------------------------------------
def dict_(value: Any) -> Data:
    assert isinstance(value, dict)
    return value


def vpc(data: Data, name: str) -> Data:
    [found] = [v for v in data["vpcs"] if v["name"] == name]
    return dict_(found)


def group(data: Data, vpc_name: str, name: str) -> Data:
    [found] = [g for g in vpc(data, vpc_name)["subnets"] if g["name"] == name]
    return dict_(found)


def segment(data: Data, name: str, tgw: str = "hub") -> Data:
    [gateway] = [t for t in data["transit_gateways"] if t["name"] == tgw]
    [found] = [s for s in gateway["segments"] if s["name"] == name]
    return dict_(found)


def add_zone(zone: str, *vpc_names: str) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        for name in vpc_names or [v["name"] for v in data["vpcs"]]:
            vpc(data, name)["availability_zones"].append(zone)

    return apply


def edits(*pairs: tuple[str, Callable[[Data], None]], example: str) -> list[Edit]:
    return [Edit(f"{example}: {id_}", example, apply) for id_, apply in pairs]


def _set(target: Callable[[Data], Data], **keys: Any) -> Callable[[Data], None]:
    return lambda data: target(data).update(keys)


def _insert(target: Callable[[Data], list[Any]], item: Any, at: int = 0) -> Callable[[Data], None]:
    return lambda data: target(data).insert(at, item)


def _reverse(target: Callable[[Data], list[Any]]) -> Callable[[Data], None]:
    return lambda data: target(data).reverse()


def _edge_vpc(cidr_prefix: str, account: str | None = None, zones: list[str] | None = None) -> Data:
    edge: Data = {
        "name": "edge",
        "cidr": f"{cidr_prefix}.0.0/16",
        "availability_zones": zones or ["us-east-1a", "us-east-1b"],
        "subnets": [
            {
                "name": "ingress",
                "tier": "isolated",
                "cidr": f"{cidr_prefix}.0.0/20",
                "prefix_length": 24,
            }
        ],
    }
    if account:
        edge["account"] = account
    return edge


def _new_spoke(data: Data) -> None:
    data["vpcs"].append(
        {
            "name": "dev-batch",
            "account": "dev",
            "cidr": "10.4.0.0/16",
            "availability_zones": ["us-east-1a", "us-east-1b"],
            "subnets": [
                {"name": "batch", "tier": "isolated", "cidr": "10.4.0.0/20", "prefix_length": 24},
                {
                    "name": "transit",
                    "tier": "isolated",
                    "cidr": "10.4.240.0/24",
                    "prefix_length": 28,
                },
            ],
            "transit_gateway": {"name": "hub", "segment": "dev", "subnet_group": "transit"},
        }
    )


def _new_segment(data: Data) -> None:
    [gateway] = [t for t in data["transit_gateways"] if t["name"] == "hub"]
    gateway["segments"].append({"name": "staging", "reaches": ["shared"]})


def _add_local_zone(data: Data) -> None:
    media = vpc(data, "media")
    media["local_zones"].append({"name": "us-west-2-las-1a"})
    group(data, "media", "app")["zones"].append("us-west-2-las-1a")


SAFE_EDITS = [
    *edits(
        ("add a VPC at the front", _insert(lambda d: d["vpcs"], _edge_vpc("10.50"))),
        ("add a VPC at the end", lambda d: d["vpcs"].append(_edge_vpc("10.50"))),
        ("add an AZ", add_zone("us-east-1d")),
        (
            "add a subnet group first",
            _insert(
                lambda d: vpc(d, "app")["subnets"],
                {"name": "mgmt", "tier": "isolated", "cidr": "10.0.192.0/20", "prefix_length": 24},
            ),
        ),
        ("reorder subnet groups", _reverse(lambda d: vpc(d, "app")["subnets"])),
        (
            "change flow-log retention",
            _set(lambda d: vpc(d, "app")["flow_logs"], retention_days=90),
        ),
        ("add network tags", _set(lambda d: d, tags={"cost-center": "net-42"})),
        ("add VPC tags", _set(lambda d: vpc(d, "app"), tags={"team": "payments"})),
        ("add group tags", _set(lambda d: group(d, "app", "data"), tags={"data-class": "pii"})),
        ("add a nag pack", _set(lambda d: d, nag_packs=["nist-800-53-r5"])),
        (
            "map public IPs on a public group",
            _set(lambda d: group(d, "app", "public"), map_public_ip_on_launch=True),
        ),
        ("turn DNS hostnames off", _set(lambda d: vpc(d, "app"), dns={"hostnames": False})),
        (
            "state the internet gateway default",
            _set(lambda d: vpc(d, "app"), internet_gateway=True),
        ),
        example="single-vpc",
    ),
    *edits(
        ("grow nat from single to per-az", _set(lambda d: vpc(d, "media"), nat="per-az")),
        ("add a Local Zone", _add_local_zone),
        ("add an AZ", add_zone("us-west-2c")),
        (
            "add a subnet group first",
            _insert(
                lambda d: vpc(d, "media")["subnets"],
                {"name": "mgmt", "tier": "isolated", "cidr": "10.20.192.0/20", "prefix_length": 24},
            ),
        ),
        (
            "name the default NAT zone explicitly",
            _set(lambda d: vpc(d, "media"), nat_zone="us-west-2a"),
        ),
        (
            "change flow-log retention",
            _set(lambda d: vpc(d, "media")["flow_logs"], retention_days=30),
        ),
        (
            "add a VPC at the front",
            _insert(lambda d: d["vpcs"], _edge_vpc("10.50", zones=["us-west-2a", "us-west-2b"])),
        ),
        example="local-zones",
    ),
    *edits(
        ("add an AZ to every VPC", add_zone("us-east-1c")),
        ("add a VPC at the front", _insert(lambda d: d["vpcs"], _edge_vpc("10.50"))),
        ("reorder VPCs", _reverse(lambda d: d["vpcs"])),
        ("add a spoke", _new_spoke),
        ("add a segment", _new_segment),
        (
            "add a static route",
            lambda d: segment(d, "prod")["routes"].append(
                {"cidr": "10.98.0.0/16", "vpc": "shared-services"}
            ),
        ),
        (
            "add a blackhole",
            lambda d: (
                segment(d, "dev")
                .setdefault("routes", [])
                .append({"cidr": "10.97.0.0/16", "blackhole": True})
            ),
        ),
        ("add network tags", _set(lambda d: d, tags={"cost-center": "net-42"})),
        (
            "turn appliance mode on",
            _set(lambda d: vpc(d, "shared-services")["transit_gateway"], appliance_mode=True),
        ),
        (
            "add a subnet group first",
            _insert(
                lambda d: vpc(d, "prod-app")["subnets"],
                {"name": "mgmt", "tier": "isolated", "cidr": "10.1.32.0/20", "prefix_length": 24},
            ),
        ),
        (
            "set flow-log retention",
            _set(lambda d: vpc(d, "shared-services"), flow_logs={"retention_days": 90}),
        ),
        ("reorder segments", _reverse(lambda d: d["transit_gateways"][0]["segments"])),
        ("let dev reach prod too", lambda d: segment(d, "dev")["reaches"].append("prod")),
        ("add VPC tags", _set(lambda d: vpc(d, "dev-app"), tags={"team": "dev"})),
        example="hub-and-spoke",
    ),
    # With the committed lock: what is new is allocated around every locked range.
    *edits(
        (
            "add a size-only group first",
            _insert(
                lambda d: vpc(d, "apps")["subnets"],
                {"name": "cache", "tier": "isolated", "size": 22},
            ),
        ),
        ("add an AZ to a pooled VPC", add_zone("us-east-1d", "apps")),
        (
            "add a pooled VPC at the front",
            _insert(
                lambda d: d["vpcs"],
                {
                    "name": "aaa",
                    "pool": "corp",
                    "size": 16,
                    "availability_zones": ["us-east-1a"],
                    "subnets": [{"name": "app", "tier": "isolated", "size": 24}],
                },
            ),
        ),
        example="address-pools",
    ),
]


NO_OP_EDITS = {
    "single-vpc: add a nag pack",  # cdk-nag reads templates; it adds no resource
    "single-vpc: state the internet gateway default",
    "local-zones: name the default NAT zone explicitly",
    "single-vpc: reorder subnet groups",
    "hub-and-spoke: reorder VPCs",
    "hub-and-spoke: reorder segments",
}
"""Edits that restate a default, add checks only or reorder a list: the templates stay
exactly the same (no change at all, not even in place)."""


def test_the_corpus_is_large_enough() -> None:
    assert len(SAFE_EDITS) >= 25
    assert len({edit.id for edit in SAFE_EDITS}) == len(SAFE_EDITS)


@pytest.mark.parametrize("edit", SAFE_EDITS, ids=lambda edit: edit.id)
def test_a_safe_edit_removes_and_replaces_nothing(
    baseline: Callable[[str], Assembly], edit: Edit
) -> None:
    report = edited_report(baseline, edit)
    if edit.id in NO_OP_EDITS:
        assert report.changes == [], [(c.logical_id, c.action, c.reasons) for c in report.changes]
    else:
        assert report.changes, "the edit changed nothing: the test would prove nothing"
    assert report.blocking == [], [
        (c.stack, c.logical_id, c.action, c.reasons) for c in report.blocking
    ]
    assert report.exit_code == 0


# -- edits that must be flagged ---------------------------------------------------------------
def replaced(report: Report, stack: str | None = None) -> dict[str, str]:
    """{logical id: type} of what a report replaces (in one stack)."""
    return {
        c.logical_id: c.resource_type
        for c in report.changes
        if c.action == "replace" and (stack is None or c.stack == stack)
    }


def removed(report: Report) -> dict[str, str]:
    return {c.logical_id: c.resource_type for c in report.changes if c.action == "remove"}


def flagged(
    baseline: Callable[[str], Assembly], example: str, apply: Callable[[Data], None]
) -> Report:
    report = edited_report(baseline, Edit("flagged", example, apply))
    assert report.exit_code == 1
    return report


def _renumber_prod_app(data: Data) -> None:
    prod = vpc(data, "prod-app")
    prod["cidr"] = "10.9.0.0/16"
    for each in prod["subnets"]:
        each["cidr"] = each["cidr"].replace("10.1.", "10.9.", 1)


def test_a_changed_vpc_cidr_names_the_vpc_and_everything_it_replaces(baseline) -> None:
    report = flagged(baseline, "hub-and-spoke", _renumber_prod_app)
    stack = "hub-and-spoke-prod-app"
    after = baseline("hub-and-spoke").stacks[stack].resources
    network_types = {
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::RouteTable",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::Route",
        "AWS::EC2::FlowLog",
        "AWS::EC2::TransitGatewayAttachment",
    }
    expected = {lid: r["Type"] for lid, r in after.items() if r["Type"] in network_types}
    assert replaced(report, stack) == expected
    [the_vpc] = [c for c in report.changes if c.resource_type == "AWS::EC2::VPC"]
    assert the_vpc.reasons == ("CidrBlock: 10.1.0.0/16 -> 10.9.0.0/16",)
    assert next(c for c in report.blocking if c.stack == stack) == the_vpc  # the cause first
    # Across stacks: routes towards prod-app, and its propagations. Its association (a
    # custom resource that moves in place) follows the new attachment id by an update.
    assert set(replaced(report, "hub-and-spoke-shared-services").values()) == {"AWS::EC2::Route"}
    assert set(replaced(report, "hub-and-spoke-tgw-hub-routing").values()) == {
        "AWS::EC2::TransitGatewayRouteTablePropagation",
    }
    assert removed(report) == {}


def test_removing_a_zone_removes_what_lived_there(baseline) -> None:
    report = flagged(
        baseline, "single-vpc", lambda d: vpc(d, "app")["availability_zones"].remove("us-east-1c")
    )
    gone = removed(report)
    assert {"AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::NatGateway"} <= set(
        gone.values()
    )
    assert all("useast1c" in logical_id for logical_id in gone)
    assert replaced(report) == {}


def test_renaming_a_vpc_removes_its_stack(baseline) -> None:
    def rename(data: Data) -> None:
        vpc(data, "app")["name"] = "web"

    report = flagged(baseline, "single-vpc", rename)
    statuses = {s.name: s.status for s in report.stacks}
    assert statuses == {"single-vpc-web": "added", "single-vpc-app": "removed"}
    assert "AWS::EC2::VPC" in removed(report).values()


def test_renaming_a_subnet_group_removes_its_subnets(baseline) -> None:
    report = flagged(baseline, "single-vpc", lambda d: group(d, "app", "data").update(name="db"))
    gone = removed(report)
    assert [t for t in gone.values() if t == "AWS::EC2::Subnet"] == ["AWS::EC2::Subnet"] * 3
    assert all("data" in logical_id for logical_id in gone)


def test_moving_a_spoke_to_another_segment_moves_its_association_in_place(baseline) -> None:
    """The association is a Custom::TransitGatewayAssociation that disassociates and
    associates in one update (an AWS::EC2::TransitGatewayRouteTableAssociation would be
    replaced, and that deploy would fail): the move replaces and removes nothing."""

    def move(data: Data) -> None:
        vpc(data, "dev-tools")["transit_gateway"]["segment"] = "prod"

    report = edited_report(baseline, Edit("move", "hub-and-spoke", move))
    assert report.blocking == []
    assert report.exit_code == 0
    [association] = [
        c for c in report.changes if c.resource_type == "Custom::TransitGatewayAssociation"
    ]
    assert association.action == "update"
    assert association.logical_id.startswith("Routingdevtools")


def test_changing_the_attachment_subnet_group_updates_the_attachment_in_place(baseline) -> None:
    """AWS::EC2::TransitGatewayAttachment changes SubnetIds in place (an
    AWS::EC2::TransitGatewayVpcAttachment would be replaced); what is flagged are the
    routes of the group that becomes the attachment's, which route_from now leaves out."""

    def move_attachment(data: Data) -> None:
        vpc(data, "prod-app")["transit_gateway"]["subnet_group"] = "data"

    report = flagged(baseline, "hub-and-spoke", move_attachment)
    [attachment] = [
        c for c in report.changes if c.resource_type.startswith("AWS::EC2::TransitGatewayA")
    ]
    assert attachment.action == "update"
    assert attachment.reasons[0].startswith("SubnetIds:")
    assert {(c.action, c.resource_type) for c in report.blocking} == {("remove", "AWS::EC2::Route")}


def test_shrinking_nat_from_per_az_to_single_removes_nat_gateways(baseline) -> None:
    report = flagged(baseline, "single-vpc", lambda d: vpc(d, "app").update(nat="single"))
    assert sorted(removed(report).values()) == ["AWS::EC2::EIP"] * 2 + ["AWS::EC2::NatGateway"] * 2
    routes = [c for c in report.changes if c.resource_type == "AWS::EC2::Route"]
    assert {c.action for c in routes} == {"update"}  # NatGatewayId changes in place


def test_a_flow_log_traffic_type_replaces_the_flow_log(baseline) -> None:
    report = flagged(
        baseline, "single-vpc", lambda d: vpc(d, "app")["flow_logs"].update(traffic_type="REJECT")
    )
    [flow_log] = report.blocking
    assert flow_log.resource_type == "AWS::EC2::FlowLog"
    assert flow_log.reasons == ("TrafficType: ALL -> REJECT",)


def test_a_subnet_group_range_change_replaces_its_subnets(baseline) -> None:
    report = flagged(
        baseline, "single-vpc", lambda d: group(d, "app", "data").update(cidr="10.0.144.0/20")
    )
    subnets = {lid for lid, t in replaced(report).items() if t == "AWS::EC2::Subnet"}
    assert len(subnets) == 3 and all("data" in lid for lid in subnets)


def test_a_transit_gateway_asn_replaces_it_and_every_attachment_in_every_account(baseline) -> None:
    def asn(data: Data) -> None:
        data["transit_gateways"][0]["amazon_side_asn"] += 1

    report = flagged(baseline, "hub-and-spoke", asn)
    attachments = {
        c.stack for c in report.blocking if c.resource_type == "AWS::EC2::TransitGatewayAttachment"
    }
    spokes = {
        name
        for name, s in baseline("hub-and-spoke").stacks.items()
        if any(r["Type"] == "AWS::EC2::TransitGatewayAttachment" for r in s.resources.values())
    }
    assert attachments == spokes
    reasons = " ".join(r for c in report.blocking for r in c.reasons)
    assert "through SSM parameter /multivpc/hub-and-spoke/transit-gateways/hub/id" in reasons
    # Same-account stacks read the new ids through template parameters of an SSM type, not
    # through exports, which CloudFormation would refuse to change (the hub could not
    # replace its gateway while another stack imports its id).
    assert "through export" not in reasons
    # The old gateway and its route tables outlive the deploy: the reviewer is told so on
    # each of them, and on nothing else.
    noted = {(c.resource_type, c.logical_id) for c in report.changes if GATEWAY_NOTE in c.notes}
    assert {kind for kind, _ in noted} == {
        "AWS::EC2::TransitGateway",
        "AWS::EC2::TransitGatewayRouteTable",
    }
    assert len(noted) == 1 + len(example_data("hub-and-spoke")["transit_gateways"][0]["segments"])
    routing = [c for c in report.blocking if c.stack == "hub-and-spoke-tgw-hub-routing"]
    assert routing and all(
        "/multivpc/hub-and-spoke/transit-gateways/hub/route-tables/" in " ".join(c.reasons)
        or "/multivpc/hub-and-spoke/transit-gateways/hub/attachments/" in " ".join(c.reasons)
        for c in routing
    )


EVERY_EXAMPLE = sorted(
    path.stem for path in EXAMPLES.glob("*.yaml") if not path.name.endswith(".lock.yaml")
)
"""Examples present when the tests are collected, new ones (peering, ...) included."""


@pytest.mark.parametrize("example", EVERY_EXAMPLE)
@pytest.mark.parametrize(
    "apply",
    [
        pytest.param(lambda d: d.update(tags={"owner": "network-team"}), id="network tags"),
        pytest.param(lambda d: d["vpcs"].reverse(), id="reorder VPCs"),
    ],
)
def test_every_example_takes_generic_safe_edits(
    baseline: Callable[[str], Assembly], example: str, apply: Callable[[Data], None]
) -> None:
    report = edited_report(baseline, Edit(f"{example}: generic", example, apply))
    assert report.blocking == [], [(c.stack, c.logical_id, c.reasons) for c in report.blocking]


def _id_readers(assembly: Assembly, parameter_part: str) -> set[tuple[str, str]]:
    """(stack, logical id) of every Custom::AWS that reads an SSM parameter whose name
    holds ``parameter_part``."""
    return {
        (name, logical_id)
        for name, stack in assembly.stacks.items()
        for logical_id, resource in stack.resources.items()
        if resource["Type"] == "Custom::AWS"
        and parameter_part in json.dumps(resource["Properties"].get("Create", ""))
    }


def _cross_account_spokes(data: Data) -> set[str]:
    """The VPCs attached to a Transit Gateway of another account, from the raw config."""
    owner = {tgw["name"]: tgw.get("account", data["defaults"]["account"])
             for tgw in data["transit_gateways"]}  # fmt: skip
    return {
        v["name"]
        for v in data["vpcs"]
        if "transit_gateway" in v
        and v.get("account", data["defaults"]["account"]) != owner[v["transit_gateway"]["name"]]
    }


def test_a_replaced_transit_gateway_is_read_again_by_every_reader(baseline) -> None:
    """An ASN change replaces the gateway, then every attachment: each reader of the
    gateway's id (one per spoke of another account) and of an attachment id (the routing
    stack's, one per such spoke) is updated, so it reads the new id in that deploy."""
    data = example_data("hub-and-spoke")
    spokes = _cross_account_spokes(data)
    assert spokes == {"prod-app", "dev-app", "dev-tools"}

    def new_asn(edited: Data) -> None:
        edited["transit_gateways"][0]["amazon_side_asn"] = 64600

    report = flagged(baseline, "hub-and-spoke", new_asn)
    updated = {(c.stack, c.logical_id) for c in report.changes if c.action == "update"}
    before = baseline("hub-and-spoke")
    gateway_readers = _id_readers(before, "/transit-gateways/hub/id")
    assert {stack for stack, _ in gateway_readers} == {f"hub-and-spoke-{s}" for s in spokes}
    attachment_readers = _id_readers(before, "/transit-gateways/hub/attachments/")
    assert len(attachment_readers) == len(spokes)
    assert gateway_readers | attachment_readers <= updated


def test_an_edit_that_replaces_nothing_reads_no_id_again(baseline) -> None:
    """Adding an AZ updates the attachments in place: no published id changes, so no
    reader changes either."""
    report = edited_report(baseline, Edit("az", "hub-and-spoke", add_zone("us-east-1c")))
    readers = _id_readers(baseline("hub-and-spoke"), "/transit-gateways/")
    assert readers
    touched = {(c.stack, c.logical_id) for c in report.changes}
    assert readers & touched == set()
