"""VpcEndpoints from a NetworkVpc and short names, from the public API only.

Expected service names, subnets and route tables are written down or read from the
template by the subnets' own tags, never from the specs the construct derived.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from multivpc.constructs import (
    ConstructArgumentError,
    GatewayEndpointSpec,
    InterfaceEndpointSpec,
    NetworkVpc,
    SubnetGroup,
    SubnetSpec,
    VpcEndpoints,
    subnet_layout,
)

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
LOCAL = "us-east-1-bos-1a"
ENV = cdk.Environment(account="111111111111", region="us-east-1")


def _network(stack: cdk.Stack, groups: list[SubnetGroup] | None = None) -> NetworkVpc:
    """web (public), app (private, with a Local Zone subnet too), db (isolated)."""
    layout = subnet_layout(
        cidr="10.0.0.0/16",
        zones=ZONES,
        groups=groups
        or [
            SubnetGroup("web", "public", 24),
            SubnetGroup("app", "private", 20),
            SubnetGroup("db", "isolated", 24),
        ],
        nat_gateways=0,
    )
    local = SubnetSpec(
        group="app", tier="private", zone=LOCAL, cidr="10.0.200.0/24", local_zone=True
    )
    has_app = any(s.group == "app" for s in layout.subnets)
    return NetworkVpc(
        stack,
        "core",
        cidr="10.0.0.0/16",
        subnets=[*layout.subnets, *([local] if has_app else [])],
        routes=layout.routes,
    )


def _build(env: cdk.Environment | None = ENV, **kwargs: Any) -> dict[str, Any]:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=env)
    network = _network(stack)
    VpcEndpoints(stack, "Endpoints", network=network, **kwargs)
    return Template.from_stack(stack).to_json()["Resources"]  # type: ignore[no-any-return]


def _subnet_tags(resource: dict[str, Any]) -> tuple[str, str]:
    tags = {t["Key"]: t["Value"] for t in resource["Properties"]["Tags"]}
    return tags["aws-cdk:subnet-name"], resource["Properties"]["AvailabilityZone"]


def _subnets(resources: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(group, zone) -> the subnet's logical id, by its tags."""
    return {_subnet_tags(r): k for k, r in resources.items() if r["Type"] == "AWS::EC2::Subnet"}


def _route_tables(resources: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(group, zone) -> the logical id of the subnet's route table, through its association."""
    by_subnet = {
        r["Properties"]["SubnetId"]["Ref"]: r["Properties"]["RouteTableId"]["Ref"]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::SubnetRouteTableAssociation"
    }
    return {key: by_subnet[logical] for key, logical in _subnets(resources).items()}


def _endpoints(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["ServiceName"]: r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::VPCEndpoint"
    }


def test_short_names_and_sets_become_endpoints_of_the_stack_region() -> None:
    resources = _build(services=["s3", "session-manager", "kms"])
    endpoints = _endpoints(resources)
    assert sorted(endpoints) == [
        "com.amazonaws.us-east-1.ec2messages",
        "com.amazonaws.us-east-1.kms",
        "com.amazonaws.us-east-1.s3",
        "com.amazonaws.us-east-1.ssm",
        "com.amazonaws.us-east-1.ssmmessages",
    ]
    assert endpoints["com.amazonaws.us-east-1.s3"]["VpcEndpointType"] == "Gateway"
    assert endpoints["com.amazonaws.us-east-1.ssm"]["VpcEndpointType"] == "Interface"


def test_gateway_endpoints_go_on_every_route_table_that_is_not_public_by_default() -> None:
    resources = _build(services=["s3"])
    tables = _route_tables(resources)
    expected = {tables[(g, z)] for g in ("app", "db") for z in ZONES} | {tables[("app", LOCAL)]}
    (s3,) = _endpoints(resources).values()
    assert {ref["Ref"] for ref in s3["RouteTableIds"]} == expected


def test_route_from_names_the_groups() -> None:
    resources = _build(services=["dynamodb"], route_from=["db"])
    tables = _route_tables(resources)
    (dynamodb,) = _endpoints(resources).values()
    assert [ref["Ref"] for ref in dynamodb["RouteTableIds"]] == [tables[("db", z)] for z in ZONES]


def test_interface_endpoints_sit_in_the_first_group_that_is_not_public_one_subnet_per_az() -> None:
    resources = _build(services=["ssm"])
    subnets = _subnets(resources)
    (ssm,) = _endpoints(resources).values()
    # app, in its Availability Zones only (AWS offers no interface endpoint in a Local Zone)
    assert [ref["Ref"] for ref in ssm["SubnetIds"]] == [subnets[("app", z)] for z in ZONES]
    (ingress,) = [r for r in resources.values() if r["Type"] == "AWS::EC2::SecurityGroupIngress"]
    assert ingress["Properties"]["CidrIp"] == "10.0.0.0/16"  # the VPC's, by default
    assert (ingress["Properties"]["FromPort"], ingress["Properties"]["ToPort"]) == (443, 443)


def test_subnet_group_zones_and_sources_choose() -> None:
    resources = _build(
        services=["logging"],
        subnet_group="db",
        zones=["us-east-1c", "us-east-1a"],
        sources=["10.9.0.0/16"],
    )
    subnets = _subnets(resources)
    endpoints = _endpoints(resources)
    assert sorted(endpoints) == [
        "com.amazonaws.us-east-1.logs",
        "com.amazonaws.us-east-1.monitoring",
    ]
    for endpoint in endpoints.values():
        assert [ref["Ref"] for ref in endpoint["SubnetIds"]] == [
            subnets[("db", "us-east-1c")],
            subnets[("db", "us-east-1a")],
        ]
    (ingress,) = [r for r in resources.values() if r["Type"] == "AWS::EC2::SecurityGroupIngress"]
    assert ingress["Properties"]["CidrIp"] == "10.9.0.0/16"


def test_names_and_explicit_specs_mix() -> None:
    resources = _build(
        services=["ssm"],
        interface_endpoints=[
            InterfaceEndpointSpec(
                service="vpce-partner", service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0123"
            )
        ],
    )
    assert sorted(_endpoints(resources)) == [
        "com.amazonaws.us-east-1.ssm",
        "com.amazonaws.vpce.us-east-1.vpce-svc-0123",
    ]


def _refused(env: cdk.Environment | None = ENV, with_network: bool = True, **kwargs: Any) -> str:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=env)
    network = _network(stack)
    arguments = {"network": network, **kwargs} if with_network else kwargs
    with pytest.raises(ConstructArgumentError) as raised:
        VpcEndpoints(stack, "Endpoints", **arguments)
    assert stack.node.try_find_child("Endpoints") is not None  # the scope, nothing inside
    assert not stack.node.find_child("Endpoints").node.children
    return str(raised.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"services": ["ssn"]},
            "Net/Endpoints: service 'ssn' is no known endpoint service or set; did you mean sts, "
            "ssm, sqs? (the list: multivpc/endpoint_services.py)",
        ),
        (
            {"services": ["com.amazonaws.us-east-1.ecr.api"]},
            "Net/Endpoints: service 'com.amazonaws.us-east-1.ecr.api' is a full endpoint service "
            "name; give the short name ('ecr.api')",
        ),
        (
            {"interface_endpoints": [InterfaceEndpointSpec(service="ssm", service_name="ssm")]},
            "Net/Endpoints: interface endpoint ssm: service_name 'ssm' is a short name; give the "
            "endpoint service name (com.amazonaws.REGION.ssm), or services=['ssm'] with network=",
        ),
        (
            {
                "gateway_endpoints": [
                    GatewayEndpointSpec(service="s3", service_name="s3", route_table_ids=[])
                ]
            },
            "Net/Endpoints: gateway endpoint s3: service_name 's3' is a short name",
        ),
        (
            {"services": ["ssm"], "subnet_group": "dbx"},
            "Net/Endpoints: no subnet group named 'dbx'; groups: web, app, db",
        ),
        (
            {"services": ["ssm"], "subnet_group": "db", "zones": ["us-east-1d"]},
            "Net/Endpoints: group db has no subnet in us-east-1d; it has us-east-1a, us-east-1b, "
            "us-east-1c",
        ),
        (
            {"services": ["ssm"], "zones": ["us-east-1a", "us-east-1a"]},
            "Net/Endpoints: zones name us-east-1a twice; one subnet per zone",
        ),
        (
            {"services": ["s3"], "route_from": ["nope"]},
            "Net/Endpoints: no subnet group named 'nope'",
        ),
        (
            {"services": ["ssm"], "vpc_id": "vpc-1"},
            "Net/Endpoints: give network (a NetworkVpc) or vpc_id, not both",
        ),
        (
            {"services": ["ssm"], "env": None},
            "Net/Endpoints: services (short names) need the stack's region",
        ),
        (
            {"with_network": False, "vpc_id": "vpc-1", "services": ["ssm"]},
            "Net/Endpoints: services (short names) need network",
        ),
        (
            {"with_network": False, "vpc_id": "vpc-1", "subnet_group": "app"},
            "Net/Endpoints: subnet_group, zones and route_from need network",
        ),
        ({"with_network": False}, "Net/Endpoints: give network (a NetworkVpc) or vpc_id, not both"),
    ],
)
def test_what_it_cannot_build_from_is_refused_with_the_rule(
    kwargs: dict[str, Any], message: str
) -> None:
    assert _refused(**kwargs).startswith(message)


def test_two_interface_subnets_in_one_zone_are_refused() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=ENV)
    network = _network(stack)
    chosen = [network.subnets[("app", "us-east-1a")], network.subnets[("db", "us-east-1a")]]
    with pytest.raises(ConstructArgumentError) as raised:
        VpcEndpoints(stack, "Endpoints", network=network, services=["ssm"], subnets=chosen)
    assert str(raised.value) == (
        "Net/Endpoints: two interface endpoint subnets in us-east-1a (Net/core/app-us-east-1a and "
        "Net/core/db-us-east-1a); AWS takes one subnet per Availability Zone"
    )
    with pytest.raises(ConstructArgumentError, match="subnet_ids name one subnet twice"):
        VpcEndpoints(
            stack,
            "ById",
            vpc_id="vpc-1",
            interface_endpoints=[InterfaceEndpointSpec("ssm", "com.amazonaws.us-east-1.ssm")],
            subnet_ids=["subnet-1", "subnet-1"],
            sources=["10.0.0.0/16"],
        )


def test_a_vpc_with_public_groups_only_needs_subnet_group_for_interface_endpoints() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=ENV)
    network = _network(stack, [SubnetGroup("web", "public", 24)])
    with pytest.raises(
        ConstructArgumentError, match="need a subnet group that is not public: give subnet_group"
    ):
        VpcEndpoints(stack, "Endpoints", network=network, services=["ssm"])
    # a gateway endpoint needs no subnet: route_from names the public group
    VpcEndpoints(stack, "Gateway", network=network, services=["s3"], route_from=["web"])


def test_the_ivpc_subnets_are_accepted_as_subnets() -> None:
    """What a CDK developer has at hand: a selection of the IVpc view."""
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=ENV)
    network = _network(stack)
    selected = network.vpc.select_subnets(subnet_group_name="db").subnets
    endpoints = VpcEndpoints(
        stack, "Endpoints", network=network, services=["sts"], subnets=selected
    )
    assert list(endpoints.interface_endpoints) == ["sts"]
    resources = Template.from_stack(stack).to_json()["Resources"]
    subnets = _subnets(resources)
    (sts,) = _endpoints(resources).values()
    assert [ref["Ref"] for ref in sts["SubnetIds"]] == [subnets[("db", z)] for z in ZONES]


def test_route_tables_of_lists_typed_route_tables_per_group_and_zone() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=ENV)
    network = _network(stack)
    tables = network.route_tables_of("app")
    assert [(t.group, t.zone, t.local_zone) for t in tables] == [
        *[("app", z, False) for z in ZONES],
        ("app", LOCAL, True),
    ]
    assert [t.route_table_id for t in tables] == [
        network.subnets[(t.group, t.zone)].route_table.route_table_id for t in tables
    ]
    assert len(network.route_tables_of()) == 10  # every subnet
    assert [t.group for t in network.route_tables_of("db", "web")] == ["web"] * 3 + ["db"] * 3
    with pytest.raises(
        ConstructArgumentError,
        match=r"^Net/core: no subnet group named 'ap'; groups: web, app, db$",
    ):
        network.route_tables_of("ap")
    # one subnet per Availability Zone: the Local Zone subnet is left out
    assert [s.availability_zone for s in network.zone_subnets("app")] == ZONES


def test_named_security_groups_replace_the_generated_one() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Net", env=ENV)
    network = _network(stack)
    VpcEndpoints(
        stack,
        "Endpoints",
        network=network,
        services=["ssm"],
        security_group_ids=["sg-0123", "sg-4567"],
    )
    resources = Template.from_stack(stack).to_json()["Resources"]
    (ssm,) = _endpoints(resources).values()
    assert ssm["SecurityGroupIds"] == ["sg-0123", "sg-4567"]
    kinds = {r["Type"] for r in resources.values()}
    assert "AWS::EC2::SecurityGroup" not in kinds and "AWS::EC2::SecurityGroupIngress" not in kinds
    with pytest.raises(ConstructArgumentError, match="sources shape the generated group"):
        VpcEndpoints(
            stack,
            "Both",
            network=network,
            services=["sts"],
            security_group_ids=["sg-0123"],
            sources=["10.0.0.0/16"],
        )
