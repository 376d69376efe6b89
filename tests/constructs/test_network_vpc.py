"""NetworkVpc used from plain CDK code, with no config file."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Match, Template

from multivpc.constructs import (
    ConstructArgumentError,
    FlowLogSettings,
    NatGatewaySpec,
    NetworkVpc,
    Router,
    RouteSpec,
    SubnetSpec,
    VpcGateway,
)

ZONES = ["us-east-1a", "us-east-1b"]
LOCAL = "us-east-1-bos-1a"


def _specs() -> list[SubnetSpec]:
    specs = [
        SubnetSpec(group="web", tier="public", zone=z, cidr=f"10.0.{i}.0/24")
        for i, z in enumerate(ZONES)
    ]
    specs += [
        SubnetSpec(group="app", tier="private", zone=z, cidr=f"10.0.{16 + i}.0/24")
        for i, z in enumerate(ZONES)
    ]
    specs.append(
        SubnetSpec(group="app", tier="private", zone=LOCAL, cidr="10.0.31.0/24", local_zone=True)
    )
    specs.append(SubnetSpec(group="db", tier="isolated", zone="us-east-1a", cidr="10.0.32.0/24"))
    return specs


def _routes(specs: list[SubnetSpec], nat_zone: str | None) -> list[RouteSpec]:
    """Public subnets to the internet gateway; private ones to the NAT gateway of nat_zone."""
    routes = [
        RouteSpec(group=s.group, zone=s.zone, destination="0.0.0.0/0", target=VpcGateway.internet())
        for s in specs
        if s.tier == "public"
    ]
    if nat_zone is not None:
        routes += [
            RouteSpec(
                group=s.group, zone=s.zone, destination="0.0.0.0/0", target=VpcGateway.nat(nat_zone)
            )
            for s in specs
            if s.tier == "private"
        ]
    return routes


def _stack(**kwargs: object) -> cdk.Stack:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=cdk.Environment(account="111111111111", region="us-east-1"))
    NetworkVpc(stack, "core", **kwargs)  # type: ignore[arg-type]
    return stack


@pytest.fixture(scope="module")
def built() -> tuple[NetworkVpc, Template, cdk.Stack]:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=cdk.Environment(account="111111111111", region="us-east-1"))
    vpc = NetworkVpc(
        stack,
        "core",
        cidr="10.0.0.0/16",
        subnets=_specs(),
        nat_gateways=[NatGatewaySpec(zone="us-east-1a", group="web")],
        routes=_routes(_specs(), "us-east-1a"),
    )
    # A workload placed into a generated subnet group through the IVpc view.
    lambda_.Function(
        stack,
        "Worker",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        vpc=vpc.vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_group_name="app", availability_zones=ZONES),
    )
    return vpc, Template.from_stack(stack), stack


def test_one_subnet_and_route_table_per_spec(built: tuple[NetworkVpc, Template, cdk.Stack]) -> None:
    _, template, _ = built
    template.resource_count_is("AWS::EC2::VPC", 1)
    template.resource_count_is("AWS::EC2::Subnet", 6)
    template.resource_count_is("AWS::EC2::RouteTable", 6)
    template.resource_count_is("AWS::EC2::SubnetRouteTableAssociation", 6)


def test_local_zone_subnet_exists(built: tuple[NetworkVpc, Template, cdk.Stack]) -> None:
    _, template, _ = built
    template.has_resource_properties(
        "AWS::EC2::Subnet", {"AvailabilityZone": LOCAL, "CidrBlock": "10.0.31.0/24"}
    )


def test_no_public_ip_on_launch_by_default(built: tuple[NetworkVpc, Template, cdk.Stack]) -> None:
    _, template, _ = built
    subnets = template.find_resources("AWS::EC2::Subnet")
    assert len(subnets) == 6
    assert all(s["Properties"]["MapPublicIpOnLaunch"] is False for s in subnets.values())


def test_internet_gateway_and_public_routes(built: tuple[NetworkVpc, Template, cdk.Stack]) -> None:
    _, template, _ = built
    template.resource_count_is("AWS::EC2::InternetGateway", 1)
    template.resource_count_is("AWS::EC2::VPCGatewayAttachment", 1)
    routes = template.find_resources(
        "AWS::EC2::Route", {"Properties": {"GatewayId": Match.any_value()}}
    )
    assert len(routes) == 2


def test_single_nat_serves_every_private_subnet_including_local_zone(
    built: tuple[NetworkVpc, Template, cdk.Stack],
) -> None:
    vpc, template, stack = built
    template.resource_count_is("AWS::EC2::NatGateway", 1)
    template.resource_count_is("AWS::EC2::EIP", 1)
    nat_id = stack.resolve(vpc.nat_gateways["us-east-1a"].ref)
    nat_routes = template.find_resources(
        "AWS::EC2::Route",
        {"Properties": {"NatGatewayId": nat_id, "DestinationCidrBlock": "0.0.0.0/0"}},
    )
    assert len(nat_routes) == 3
    local_table = stack.resolve(vpc.route_tables[("app", LOCAL)])
    assert any(r["Properties"]["RouteTableId"] == local_table for r in nat_routes.values())


def test_isolated_subnet_has_no_default_route(
    built: tuple[NetworkVpc, Template, cdk.Stack],
) -> None:
    vpc, template, stack = built
    table = stack.resolve(vpc.route_tables[("db", "us-east-1a")])
    routes = template.find_resources("AWS::EC2::Route", {"Properties": {"RouteTableId": table}})
    assert routes == {}


def test_nat_in_local_zone_when_asked() -> None:
    specs = [
        *_specs(),
        SubnetSpec(group="web", tier="public", zone=LOCAL, cidr="10.0.15.0/24", local_zone=True),
    ]
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=cdk.Environment(account="111111111111", region="us-east-1"))
    routes = [
        RouteSpec(group="app", zone=z, destination="0.0.0.0/0", target=VpcGateway.nat(z))
        for z in ("us-east-1a", LOCAL)
    ]
    vpc = NetworkVpc(
        stack,
        "core",
        cidr="10.0.0.0/16",
        subnets=specs,
        nat_gateways=[NatGatewaySpec(zone=z, group="web") for z in ("us-east-1a", LOCAL)],
        routes=routes,
    )
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::EC2::NatGateway", 2)
    # Each route goes where it was told: the Local Zone subnet to the Local Zone's NAT.
    local_nat = stack.resolve(vpc.nat_gateways[LOCAL].ref)
    local_table = stack.resolve(vpc.route_tables[("app", LOCAL)])
    template.has_resource_properties(
        "AWS::EC2::Route", {"RouteTableId": local_table, "NatGatewayId": local_nat}
    )
    # Without a route, no subnet reaches a NAT gateway: NetworkVpc decides nothing.
    other_table = stack.resolve(vpc.route_tables[("app", "us-east-1b")])
    assert (
        template.find_resources("AWS::EC2::Route", {"Properties": {"RouteTableId": other_table}})
        == {}
    )


def test_routes_to_targets_built_elsewhere() -> None:
    stack = _stack(
        cidr="10.0.0.0/16",
        subnets=_specs(),
        routes=[
            RouteSpec(
                group="db",
                zone="us-east-1a",
                destination="10.8.0.0/16",
                target=Router(ec2.RouterType.TRANSIT_GATEWAY, "tgw-0123456789abcdef0"),
                id="ToHub",
            )
        ],
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::EC2::Route",
        {"DestinationCidrBlock": "10.8.0.0/16", "TransitGatewayId": "tgw-0123456789abcdef0"},
    )
    template.resource_count_is("AWS::EC2::Route", 1)


def test_flow_logs_to_encrypted_log_group(built: tuple[NetworkVpc, Template, cdk.Stack]) -> None:
    _, template, _ = built
    template.has_resource_properties(
        "AWS::EC2::FlowLog",
        {"ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"},
    )
    template.has_resource_properties(
        "AWS::Logs::LogGroup", {"RetentionInDays": 365, "KmsKeyId": Match.any_value()}
    )
    template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_flow_logs_to_s3_with_expiry() -> None:
    stack = _stack(
        cidr="10.0.0.0/16",
        subnets=_specs()[:2],
        flow_logs=FlowLogSettings(destination="s3", retention_days=30, traffic_type="REJECT"),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::EC2::FlowLog", {"LogDestinationType": "s3", "TrafficType": "REJECT"}
    )
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {"LifecycleConfiguration": {"Rules": [Match.object_like({"ExpirationInDays": 30})]}},
    )
    # Only the custom-resource provider's own log group; no flow-log group.
    [group] = template.find_resources("AWS::Logs::LogGroup").values()
    assert group["Properties"]["LogGroupName"].endswith("/sdk-calls")


def test_default_security_group_rules_are_revoked(
    built: tuple[NetworkVpc, Template, cdk.Stack],
) -> None:
    _, template, _ = built
    resources = template.find_resources("Custom::AWS")
    calls = " ".join(str(r["Properties"]["Create"]) for r in resources.values())
    assert "revokeSecurityGroupIngress" in calls and "revokeSecurityGroupEgress" in calls


def test_no_flow_logs_or_restriction_when_turned_off() -> None:
    stack = _stack(
        cidr="10.0.0.0/16",
        subnets=_specs()[:2],
        flow_logs=None,
        restrict_default_security_group=False,
    )
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::EC2::FlowLog", 0)
    template.resource_count_is("Custom::AWS", 0)


def test_ivpc_view_selects_by_group(built: tuple[NetworkVpc, Template, cdk.Stack]) -> None:
    vpc, template, stack = built
    selected = vpc.vpc.select_subnets(subnet_group_name="app")
    assert sorted(s.availability_zone for s in selected.subnets) == ZONES
    assert vpc.vpc.availability_zones == ZONES
    assert len(vpc.vpc.public_subnets) == 2
    assert len(vpc.vpc.private_subnets) == 2
    assert len(vpc.vpc.isolated_subnets) == 1
    one_per_az = vpc.vpc.select_subnets(
        subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, one_per_az=True
    )
    assert sorted(s.availability_zone for s in one_per_az.subnets) == ZONES
    # The Lambda function landed in the app subnets of the two AZs.
    [function] = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"VpcConfig": Match.any_value()}}
    ).values()
    subnet_ids = function["Properties"]["VpcConfig"]["SubnetIds"]
    expected = [stack.resolve(vpc.subnets[("app", z)].subnet_id) for z in ZONES]
    assert subnet_ids == expected


def test_local_zone_subnets_only_when_their_zone_is_named(
    built: tuple[NetworkVpc, Template, cdk.Stack],
) -> None:
    vpc, _, stack = built
    view = vpc.vpc
    asked = view.select_subnets(subnet_group_name="app", availability_zones=[LOCAL])
    assert [s.availability_zone for s in asked.subnets] == [LOCAL]
    both = view.select_subnets(subnet_group_name="app", availability_zones=[LOCAL, ZONES[0]])
    assert sorted(s.availability_zone for s in both.subnets) == sorted([LOCAL, ZONES[0]])
    by_type = view.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
    assert LOCAL not in [s.availability_zone for s in by_type.subnets]
    default = view.select_subnets()
    assert sorted(s.availability_zone for s in default.subnets) == ZONES
    [local] = view.local_zone_subnets  # type: ignore[attr-defined]
    assert stack.resolve(local.subnet_id) == stack.resolve(vpc.subnets[("app", LOCAL)].subnet_id)
    explicit = view.select_subnets(subnets=[local])
    assert [s.availability_zone for s in explicit.subnets] == [LOCAL]


def test_unknown_group_selection_is_a_clear_error(
    built: tuple[NetworkVpc, Template, cdk.Stack],
) -> None:
    vpc, _, _ = built
    with pytest.raises(Exception, match="no subnet group named 'nope'; known: app, db, web"):
        vpc.vpc.select_subnets(subnet_group_name="nope")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"cidr": "10.0.0.0/33", "subnets": _specs()},
            "Net/core: cidr '10.0.0.0/33' is not an IPv4 CIDR",
        ),
        ({"cidr": "10.0.0.0/16", "subnets": []}, "Net/core: a VPC needs at least one subnet"),
        (
            {"cidr": "10.1.0.0/16", "subnets": _specs()},
            "Net/core: subnet web/us-east-1a 10.0.0.0/24 is outside the VPC 10.1.0.0/16",
        ),
        (
            {
                "cidr": "10.0.0.0/16",
                "subnets": _specs(),
                "nat_gateways": [NatGatewaySpec(zone=LOCAL, group="web")],
            },
            "Net/core: a NAT gateway in us-east-1-bos-1a needs a public subnet of group web there",
        ),
        (
            {
                "cidr": "10.0.0.0/16",
                "subnets": _specs(),
                "nat_gateways": [NatGatewaySpec(zone="us-east-1a", group="app")],
            },
            "Net/core: a NAT gateway in us-east-1a needs a public subnet of group app there",
        ),
        (
            {
                "cidr": "10.0.0.0/16",
                "subnets": _specs(),
                "nat_gateways": [NatGatewaySpec(zone="us-east-1a", group="web")] * 2,
            },
            "Net/core: two NAT gateways in us-east-1a; give each zone at most one",
        ),
        (
            {"cidr": "10.0.0.0/16", "subnets": _specs(), "routes": _routes(_specs(), "us-east-1b")},
            "Net/core: route DefaultRoute of subnet app/us-east-1a: it targets a NAT gateway in "
            "us-east-1b, and there is none",
        ),
        (
            {
                "cidr": "10.0.0.0/16",
                "subnets": _specs()[2:],
                "routes": _routes(_specs()[:1], None),
            },
            "Net/core: route DefaultRoute of subnet web/us-east-1a: there is no such subnet",
        ),
        (
            {
                "cidr": "10.0.0.0/16",
                "subnets": _specs()[2:],
                "internet_gateway": False,
                "routes": [
                    RouteSpec(
                        group="db",
                        zone="us-east-1a",
                        destination="0.0.0.0/0",
                        target=VpcGateway.internet(),
                    )
                ],
            },
            "Net/core: route DefaultRoute of subnet db/us-east-1a: it targets the internet "
            "gateway, and there is none",
        ),
        (
            {
                "cidr": "10.0.0.0/16",
                "subnets": _specs(),
                "routes": _routes(_specs(), None) + _routes(_specs()[:1], None),
            },
            "Net/core: route DefaultRoute of subnet web/us-east-1a: the subnet has two routes "
            "with this id",
        ),
        (
            {
                "cidr": "10.0.0.0/16",
                "subnets": _specs(),
                "routes": [
                    *_routes(_specs()[:1], None),
                    RouteSpec(
                        group="web",
                        zone="us-east-1a",
                        destination="0.0.0.0/0",
                        target=Router(ec2.RouterType.TRANSIT_GATEWAY, "tgw-1"),
                        id="Other",
                    ),
                ],
            },
            "Net/core: route Other of subnet web/us-east-1a: the subnet already has a route to "
            "0.0.0.0/0",
        ),
        (
            {
                "cidr": "10.0.0.0/16",
                "subnets": _specs(),
                "routes": [
                    RouteSpec(
                        group="db",
                        zone="us-east-1a",
                        destination="10.0.0.0/33",
                        target=Router(ec2.RouterType.TRANSIT_GATEWAY, "tgw-1"),
                    )
                ],
            },
            "Net/core: route DefaultRoute of subnet db/us-east-1a: destination is not an IPv4 CIDR",
        ),
        (
            {"cidr": "10.0.0.0/16", "subnets": _specs(), "internet_gateway": False},
            "Net/core: public subnets need an internet gateway",
        ),
        (
            {"cidr": "10.0.0.0/16", "subnets": [*_specs(), _specs()[0]]},
            "Net/core: two subnets of group web in us-east-1a",
        ),
        (  # ec2.SubnetType spells it Private; a tier is lower case, never guessed
            {
                "cidr": "10.0.0.0/16",
                "subnets": [
                    SubnetSpec(
                        group="app",
                        tier="Private",  # type: ignore[arg-type]
                        zone="us-east-1a",
                        cidr="10.0.0.0/24",
                    )
                ],
            },
            "Net/core: subnet app/us-east-1a: tier 'Private' is none of public, private, "
            "isolated (lower case)",
        ),
        (  # a group's block holding another's subnet
            {
                "cidr": "10.0.0.0/16",
                "subnets": [
                    SubnetSpec(group="app", tier="isolated", zone="us-east-1a", cidr="10.0.0.0/20"),
                    SubnetSpec(group="db", tier="isolated", zone="us-east-1b", cidr="10.0.4.0/24"),
                ],
            },
            "Net/core: subnets app/us-east-1a 10.0.0.0/20 and db/us-east-1b 10.0.4.0/24 overlap",
        ),
        (  # the same block twice, in two zones
            {
                "cidr": "10.0.0.0/16",
                "subnets": [
                    SubnetSpec(group="db", tier="isolated", zone="us-east-1b", cidr="10.0.9.0/24"),
                    SubnetSpec(group="app", tier="isolated", zone="us-east-1a", cidr="10.0.9.0/24"),
                ],
            },
            "Net/core: subnets ",
        ),
    ],
)
def test_invalid_arguments_name_the_construct(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConstructArgumentError) as raised:
        _stack(**kwargs)
    assert str(raised.value).startswith(message)
    assert raised.value.path == "Net/core"


def test_ivpc_view_attributes(built: tuple[NetworkVpc, Template, cdk.Stack]) -> None:
    vpc, _, stack = built
    view = vpc.vpc
    assert stack.resolve(view.vpc_id) == stack.resolve(vpc.cfn_vpc.ref)
    assert stack.resolve(view.vpc_ref.vpc_id) == stack.resolve(vpc.cfn_vpc.ref)
    assert "vpc/" in json.dumps(stack.resolve(view.vpc_arn))
    assert view.vpn_gateway_id is None


def test_flow_log_retention_must_be_a_cloudwatch_value() -> None:
    with pytest.raises(ValueError, match="Net/core/FlowLogs: CloudWatch Logs cannot keep logs 42"):
        _stack(
            cidr="10.0.0.0/16", subnets=_specs()[:2], flow_logs=FlowLogSettings(retention_days=42)
        )


def test_s3_flow_log_waits_for_the_bucket_policy() -> None:
    stack = _stack(
        cidr="10.0.0.0/16", subnets=_specs()[:2], flow_logs=FlowLogSettings(destination="s3")
    )
    template = Template.from_stack(stack)
    [flow_log] = template.find_resources("AWS::EC2::FlowLog").values()
    [policy_id] = template.find_resources("AWS::S3::BucketPolicy")
    assert flow_log["DependsOn"] == [policy_id]


def test_adjacent_subnets_do_not_overlap() -> None:
    """The boundary: 10.0.0.0/24 ends where 10.0.1.0/24 begins."""
    _stack(
        cidr="10.0.0.0/16",
        subnets=[
            SubnetSpec(group="a", tier="isolated", zone="us-east-1a", cidr="10.0.0.0/24"),
            SubnetSpec(group="b", tier="isolated", zone="us-east-1a", cidr="10.0.1.0/24"),
        ],
    )


def test_an_empty_selection_by_type_names_the_groups_there() -> None:
    """As ec2.Vpc does, instead of a workload with SubnetIds: []."""
    stack = _stack(
        cidr="10.0.0.0/16", subnets=_specs(), nat_gateways=[], routes=_routes(_specs(), None)
    )
    [network] = [c for c in stack.node.children if isinstance(c, NetworkVpc)]
    with pytest.raises(ConstructArgumentError) as raised:
        network.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
    assert str(raised.value) == (
        "Net/core/View: no subnet of type PRIVATE_WITH_EGRESS; the groups here: "
        "app (PRIVATE_ISOLATED), db (PRIVATE_ISOLATED), web (PUBLIC) (a private group is "
        "PRIVATE_WITH_EGRESS only with a route to 0.0.0.0/0)"
    )
    with pytest.raises(ConstructArgumentError, match="no subnet of type PUBLIC in group 'app'"):
        network.vpc.select_subnets(subnet_group_name="app", subnet_type=ec2.SubnetType.PUBLIC)
    isolated = network.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
    # app in two Availability Zones and db in one; a Local Zone only when asked for
    assert isolated.availability_zones == ["us-east-1a", "us-east-1b", "us-east-1a"]
