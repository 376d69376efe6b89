"""Local VPC endpoints from the YAML to the template: endpoint types, subnets, route tables,
security group rules and policies, each checked against values written down here; and
identity: adding or reordering services changes no existing resource."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import synthesize
from tests.support.builder import NetworkBuilder, base
from tests.support.endpoint_policies import restricted_statements

Template = dict[str, Any]
ACCOUNTS = ["111111111111", "222222222222"]  # the builder's network and apps accounts


def with_endpoints(**endpoints: Any) -> NetworkBuilder:
    """The builder's VPC ``app`` (public, private; 2 AZs) plus an isolated group ``data``."""
    return (
        base()
        .group("data", tier="isolated", cidr="10.0.32.0/20", prefix_length=24)
        .set(endpoints=endpoints)
    )


def _template(builder: NetworkBuilder) -> Template:
    [template] = synthesize(builder.build(), checks=False).values()
    return template


def _labels(template: Template) -> dict[str, str]:
    """{logical id: a readable label} of the resources these tests point at, read from
    their properties (never hashed ids): ``private-us-east-1a Subnet`` / ``RouteTable``,
    ``SecurityGroup``, ``SessionManagerRole``, ``InstanceProfile``, ``Gateway-s3``,
    ``Interface-ssm``."""
    resources = template["Resources"]
    labels = {}
    for logical, resource in resources.items():
        kind, properties = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::EC2::Subnet":
            tags = {t["Key"]: t["Value"] for t in properties["Tags"]}
            labels[logical] = (
                f"{tags['aws-cdk:subnet-name']}-{properties['AvailabilityZone']} Subnet"
            )
        elif kind == "AWS::EC2::SecurityGroup":
            labels[logical] = "SecurityGroup"
        elif kind == "AWS::IAM::InstanceProfile":
            labels[logical] = "InstanceProfile"
        elif kind == "AWS::IAM::Role" and "ec2.amazonaws.com" in str(properties):
            labels[logical] = "SessionManagerRole"
        elif kind == "AWS::EC2::VPCEndpoint":
            service = properties["ServiceName"].removeprefix("com.amazonaws.us-east-1.")
            labels[logical] = f"{properties['VpcEndpointType']}-{service}"
    for resource in resources.values():
        if resource["Type"] == "AWS::EC2::SubnetRouteTableAssociation":
            properties = resource["Properties"]
            subnet = labels[properties["SubnetId"]["Ref"]].removesuffix(" Subnet")
            labels[properties["RouteTableId"]["Ref"]] = f"{subnet} RouteTable"
    return labels


def _by_label(template: Template, label: str) -> dict[str, Any]:
    [logical] = [k for k, v in _labels(template).items() if v == label]
    resource: dict[str, Any] = template["Resources"][logical]
    return resource


def _refs(template: Template, values: list[Any]) -> list[str]:
    """Labels of the resources ``values`` (Ref / GetAtt) point at."""
    labels = _labels(template)
    return [labels[value["Ref"] if "Ref" in value else value["Fn::GetAtt"][0]] for value in values]


def _ingress(template: Template) -> list[dict[str, Any]]:
    """Every ingress rule's properties, with its group as a label."""
    labels = _labels(template)
    rules = []
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::EC2::SecurityGroupIngress":
            properties = dict(resource["Properties"])
            group = properties["GroupId"]["Fn::GetAtt"]
            properties["GroupId"] = {"Fn::GetAtt": [labels[group[0]], group[1]]}
            rules.append(properties)
    return sorted(rules, key=lambda r: str(r["CidrIp"]))


def _endpoints(template: Template) -> dict[str, dict[str, Any]]:
    """{``Gateway-s3`` / ``Interface-ssm``: properties} of every VPC endpoint."""
    labels = _labels(template)
    return {
        labels[k]: v["Properties"]
        for k, v in template["Resources"].items()
        if v["Type"] == "AWS::EC2::VPCEndpoint"
    }


def restricted(
    service: str, principal: dict[str, Any], resource: dict[str, Any], *extra: dict[str, Any]
) -> dict[str, Any]:
    """The restricted policy as the README states it: the network's principals on the
    network's resources, and what ``service`` needs of AWS's own."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            *restricted_statements(service, "us-east-1", principal, resource),
            *extra,
        ],
    }


MINE = {"aws:PrincipalAccount": ACCOUNTS}, {"aws:ResourceAccount": ACCOUNTS}
ORGANIZATION = {"aws:PrincipalOrgID": "o-abcdef1234"}, {"aws:ResourceOrgID": "o-abcdef1234"}


ECR_LAYERS = {
    "Sid": "EcrImageLayers",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*",
}


@pytest.fixture(scope="module")
def default() -> Template:
    return _template(with_endpoints(gateway=["s3", "dynamodb"], interface=["session-manager"]))


def test_gateway_endpoints_on_every_non_public_route_table(default: Template) -> None:
    endpoints = _endpoints(default)
    for service in ("s3", "dynamodb"):
        gateway = endpoints[f"Gateway-{service}"]
        assert gateway["VpcEndpointType"] == "Gateway"
        assert gateway["ServiceName"] == f"com.amazonaws.us-east-1.{service}"
        assert sorted(_refs(default, gateway["RouteTableIds"])) == [
            "data-us-east-1a RouteTable",
            "data-us-east-1b RouteTable",
            "private-us-east-1a RouteTable",
            "private-us-east-1b RouteTable",
        ]
        assert gateway["PolicyDocument"] == restricted(service, *MINE)
        assert "SubnetIds" not in gateway and "SecurityGroupIds" not in gateway


def test_interface_endpoints_of_a_set(default: Template) -> None:
    interfaces = {k: v for k, v in _endpoints(default).items() if k.startswith("Interface-")}
    assert sorted(interfaces) == [
        "Interface-ec2messages",
        "Interface-ssm",
        "Interface-ssmmessages",
    ]
    for construct_id, endpoint in interfaces.items():
        service = construct_id.removeprefix("Interface-")
        assert endpoint["ServiceName"] == f"com.amazonaws.us-east-1.{service}"
        assert endpoint["VpcEndpointType"] == "Interface"
        assert endpoint["PrivateDnsEnabled"] is True
        # The first non-public group, one subnet per AZ.
        assert _refs(default, endpoint["SubnetIds"]) == [
            "private-us-east-1a Subnet",
            "private-us-east-1b Subnet",
        ]
        assert _refs(default, endpoint["SecurityGroupIds"]) == ["SecurityGroup"]
        assert "PolicyDocument" not in endpoint  # default interface_policy: open
        assert {"Key": "Name", "Value": f"test-app-{service}"} in endpoint["Tags"]


def test_security_group_admits_https_from_the_vpc_only(default: Template) -> None:
    group = _by_label(default, "SecurityGroup")["Properties"]
    assert group["GroupDescription"] == "test-app: interface endpoints, HTTPS from named sources"
    assert "SecurityGroupIngress" not in group
    assert _ingress(default) == [
        {
            "GroupId": {"Fn::GetAtt": ["SecurityGroup", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "CidrIp": "10.0.0.0/16",
            "Description": "HTTPS to the interface endpoints from 10.0.0.0/16",
        }
    ]
    assert group["SecurityGroupEgress"] == [
        {
            "IpProtocol": "icmp",
            "FromPort": 252,
            "ToPort": 86,
            "CidrIp": "255.255.255.255/32",
            "Description": "No outbound traffic: endpoint interfaces only answer",
        }
    ]
    kinds = [r["Type"] for r in default["Resources"].values()]
    assert "AWS::IAM::InstanceProfile" not in kinds


def test_chosen_subnets_zones_route_tables_and_sources() -> None:
    template = _template(
        with_endpoints(
            gateway=["s3"],
            interface=["sts"],
            subnet_group="data",
            zones=["us-east-1b"],
            route_from=["data"],
            sources=["10.0.16.0/20", "192.168.0.0/16"],
        )
    )
    endpoints = _endpoints(template)
    assert _refs(template, endpoints["Gateway-s3"]["RouteTableIds"]) == [
        "data-us-east-1a RouteTable",
        "data-us-east-1b RouteTable",
    ]
    assert _refs(template, endpoints["Interface-sts"]["SubnetIds"]) == ["data-us-east-1b Subnet"]
    ingress = _ingress(template)
    assert [(r["IpProtocol"], r["FromPort"], r["ToPort"], r["CidrIp"]) for r in ingress] == [
        ("tcp", 443, 443, "10.0.16.0/20"),
        ("tcp", 443, 443, "192.168.0.0/16"),
    ]
    assert all(r["Description"] for r in ingress)


def test_no_security_group_without_interface_endpoints() -> None:
    template = _template(with_endpoints(gateway=["s3"]))
    kinds = [r["Type"] for r in template["Resources"].values()]
    assert kinds.count("AWS::EC2::VPCEndpoint") == 1
    assert "AWS::EC2::SecurityGroup" not in kinds


DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
}


@pytest.mark.parametrize(
    ("top", "endpoints", "gateway", "interface"),
    [
        (
            {"organization_id": "o-abcdef1234"},
            {},
            restricted("s3", *ORGANIZATION),
            None,
        ),
        ({}, {"gateway_policy": "open"}, None, None),
        ({}, {"gateway_policy": DOCUMENT, "interface_policy": DOCUMENT}, DOCUMENT, DOCUMENT),
        (
            {},
            {"interface_policy": "restricted"},
            restricted("s3", *MINE),
            restricted("sts", *MINE),
        ),
    ],
    ids=["organization", "open", "document", "restricted-interface"],
)
def test_policies(
    top: dict[str, Any],
    endpoints: dict[str, Any],
    gateway: dict[str, Any] | None,
    interface: dict[str, Any] | None,
) -> None:
    builder = with_endpoints(gateway=["s3"], interface=["sts"], **endpoints).top(**top)
    found = _endpoints(_template(builder))
    assert found["Gateway-s3"].get("PolicyDocument") == gateway
    assert found["Interface-sts"].get("PolicyDocument") == interface


@pytest.mark.parametrize(
    ("top", "keys"), [({}, MINE), ({"organization_id": "o-abcdef1234"}, ORGANIZATION)]
)
def test_restricted_ssm_lets_the_networks_principals_use_aws_owned_parameters_and_documents(
    top: dict[str, Any], keys: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    builder = with_endpoints(interface=["session-manager"], interface_policy="restricted")
    found = _endpoints(_template(builder.top(**top)))
    assert found["Interface-ssm"]["PolicyDocument"] == restricted("ssm", *keys)
    for plain in ("ec2messages", "ssmmessages"):
        assert found[f"Interface-{plain}"]["PolicyDocument"] == restricted(plain, *keys)


def test_the_ecr_set_brings_s3_with_image_layers_allowed() -> None:
    found = _endpoints(_template(with_endpoints(interface=["ecr"])))
    assert sorted(found) == ["Gateway-s3", "Interface-ecr.api", "Interface-ecr.dkr"]
    assert found["Gateway-s3"]["PolicyDocument"] == restricted("s3", *MINE, ECR_LAYERS)
    assert found["Interface-ecr.dkr"]["ServiceName"] == "com.amazonaws.us-east-1.ecr.dkr"


def test_session_manager_role_and_instance_profile() -> None:
    """The default policy: the Session Manager actions only (written down from AWS's
    Session Manager guide), in a managed policy of the role's own; no AWS managed policy."""
    template = _template(with_endpoints(interface=["session-manager"], session_manager_role=True))
    role = _by_label(template, "SessionManagerRole")["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
        }
    ]
    assert "ManagedPolicyArns" not in role
    assert "Policies" not in role
    [policy] = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::ManagedPolicy"
        and "ssmmessages" in json.dumps(r["Properties"]["PolicyDocument"])
    ]
    assert _refs(template, policy["Roles"]) == ["SessionManagerRole"]
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Action": [
                "ssm:UpdateInstanceInformation",
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
            "Effect": "Allow",
            "Resource": "*",
        }
    ]
    profile = _by_label(template, "InstanceProfile")["Properties"]
    assert _refs(template, profile["Roles"]) == ["SessionManagerRole"]
    parameters = {
        r["Properties"]["Name"]: r["Properties"]["Value"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::SSM::Parameter" and "session-manager" in r["Properties"]["Name"]
    }
    prefix = "/multivpc/test/app/session-manager"
    assert parameters.keys() == {f"{prefix}/instance-profile-name", f"{prefix}/instance-role-arn"}
    assert _refs(template, [parameters[f"{prefix}/instance-profile-name"]]) == ["InstanceProfile"]
    role_arn = parameters[f"{prefix}/instance-role-arn"]
    assert role_arn["Fn::GetAtt"][1] == "Arn"
    assert _refs(template, [role_arn]) == ["SessionManagerRole"]
    outputs = [o["Value"] for o in template["Outputs"].values()
               if "through Session Manager" in o.get("Description", "")]  # fmt: skip
    assert _refs(template, outputs) == ["InstanceProfile", "SessionManagerRole"]


def test_session_manager_policy_managed_attaches_the_aws_policy_only() -> None:
    template = _template(
        with_endpoints(
            interface=["session-manager"],
            session_manager_role=True,
            session_manager_policy="managed",
        )
    )
    role = _by_label(template, "SessionManagerRole")["Properties"]
    [managed] = role["ManagedPolicyArns"]
    assert managed["Fn::Join"][1][-1] == ":iam::aws:policy/AmazonSSMManagedInstanceCore"
    assert not [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::ManagedPolicy"
                and "ssmmessages" in json.dumps(r)]  # fmt: skip


def test_session_manager_policy_without_the_role_is_an_error() -> None:
    findings = with_endpoints(interface=["sts"], session_manager_policy="managed").findings()
    assert any(
        "session_manager_policy has no effect without a role" in str(f)
        and "session_manager_role: true" in str(f)
        for f in findings
    ), findings


def _resources(template: Template) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if k != "CDKMetadata"}


def test_adding_a_service_or_set_changes_no_existing_resource() -> None:
    before = _resources(_template(with_endpoints(gateway=["s3"], interface=["sts"])))
    after = _resources(
        _template(
            with_endpoints(gateway=["s3", "dynamodb"], interface=["session-manager", "sts", "kms"])
        )
    )
    assert {k: after.get(k) for k in before} == before
    added = {after[k]["Properties"]["ServiceName"] for k in set(after) - set(before)}
    assert added == {
        f"com.amazonaws.us-east-1.{s}"
        for s in ("dynamodb", "ec2messages", "ssm", "ssmmessages", "kms")
    }


def test_reordering_services_changes_nothing() -> None:
    one = _template(with_endpoints(gateway=["s3", "dynamodb"], interface=["sts", "secrets"]))
    other = _template(with_endpoints(gateway=["dynamodb", "s3"], interface=["secrets", "sts"]))
    assert one == other


def test_endpoints_change_nothing_else() -> None:
    without = _resources(_template(with_endpoints().set(endpoints=None)))
    with_all = _resources(
        _template(with_endpoints(gateway=["s3"], interface=["sts"], session_manager_role=True))
    )
    assert {k: with_all.get(k) for k in without} == without


def test_adding_a_source_adds_one_rule_and_changes_nothing_else() -> None:
    before = _resources(_template(with_endpoints(interface=["sts"], sources=["10.0.0.0/16"])))
    after = _resources(
        _template(with_endpoints(interface=["sts"], sources=["10.0.0.0/16", "172.16.0.0/12"]))
    )
    assert {k: after.get(k) for k in before} == before
    [added] = [after[k] for k in set(after) - set(before)]
    assert added["Type"] == "AWS::EC2::SecurityGroupIngress"
    assert added["Properties"]["CidrIp"] == "172.16.0.0/12"
