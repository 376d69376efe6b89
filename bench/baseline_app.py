#!/usr/bin/env python3
"""Baseline for the synth benchmark: the resources multivpc builds, written by hand.

``npx cdk synth --app "<python> bench/baseline_app.py" -c config=<generated yaml>``

Reads the same generated YAML as multivpc's app.py (plain ``yaml.load``, no validation,
no multivpc import) and builds, per VPC, one stack with plain aws-cdk-lib:

- ``CfnVPC``, an internet gateway, ``ec2.PublicSubnet`` / ``ec2.PrivateSubnet`` with
  explicit zone names and CIDRs (each with its route table and association), no public
  IPs on launch, tagged ``aws-cdk:subnet-name`` / ``aws-cdk:subnet-type`` for
  ``Vpc.from_lookup``; an EIP + NAT gateway per AZ and the default routes; ``Name`` tags
  derived from the stack name on the VPC, gateways, subnets, route tables and flow logs;
- flow logs to a log group named ``/multivpc/<network>/<vpc>/flow-logs`` with retention,
  encrypted with a KMS key whose policy lets CloudWatch Logs use it for that group (and
  the SDK-call provider's group) only; the delivery role trusts the flow-logs service for this
  account's flow logs only and gets its permissions from an ``IAM::ManagedPolicy``;
- the ``AwsCustomResource`` pair that revokes the default security group's rules; their
  provider Lambda has a role of its own (named ``mvpc-sdk-<hash>``, no
  AWSLambdaBasicExecutionRole), a log group of its own (encrypted, with retention) and a
  managed policy to write there only;
- the VPC's ids as 23 SSM parameters under ``/multivpc/<network>/<vpc>`` and 4 stack
  outputs.

cdk-nag's AwsSolutions pack runs through ``Validations``, and the app acknowledges what
multivpc acknowledges, on the same constructs (CloudFormation's W3010; the compliance
packs' VPCNoUnrestrictedRouteToIGW, VPCDefaultSecurityGroupClosed, IAMNoInlinePolicy and
the provider Lambda's rules), so both apps do the same work at synth.

It handles the benchmark's shape only: groups with ``cidr`` + ``prefix_length`` in
Availability Zones, ``nat: per-az``, flow logs to CloudWatch Logs.
"""

from __future__ import annotations

import ipaddress
import sys
import zlib
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import yaml
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from aws_cdk import custom_resources as cr
from cdk_nag import AwsSolutionsChecks
from constructs import Construct, IConstruct

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PROVIDER_ID = "AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", "")
_RETENTION = {365: logs.RetentionDays.ONE_YEAR, 30: logs.RetentionDays.ONE_MONTH}
_LOOKUP_TYPE = {"public": "Public", "private": "Private", "isolated": "Isolated"}
_COMPLIANCE_PACKS = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
# Pseudo-parameter tokens (the same in every stack), read from jsii once.
_AWS = (cdk.Aws.PARTITION, cdk.Aws.REGION, cdk.Aws.ACCOUNT_ID)
_KEY_ACTIONS = [
    "kms:Encrypt*",
    "kms:Decrypt*",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:Describe*",
]


def subnet_cidr(group: dict[str, Any], zone: str) -> str:
    """The block at the zone's letter (a=0, b=1, ...) of the group's range."""
    network = ipaddress.IPv4Network(group["cidr"])
    prefix = int(group["prefix_length"])
    slot = ord(zone[-1]) - ord("a")
    size = 2 ** (32 - prefix)
    return str(ipaddress.IPv4Network((int(network.network_address) + slot * size, prefix)))


def acknowledge_packs(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge ``rule`` of the NIST, HIPAA and PCI packs (they share rule names)."""
    validations = cdk.Validations.of(scope)
    for pack in _COMPLIANCE_PACKS:
        validations.acknowledge(cdk.Acknowledgment(id=f"{pack}::{pack}-{rule}", reason=reason))


def allow_log_group(key: kms.IKey, log_group_name: str) -> None:
    """Let CloudWatch Logs use the key for the log group of that name only."""
    partition, region, account = _AWS
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{region}.amazonaws.com")],
            actions=_KEY_ACTIONS,
            resources=["*"],
            conditions={
                "ArnEquals": {
                    "kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:"
                    f"{account}:log-group:{log_group_name}"
                }
            },
        )
    )


SdkProvider = tuple[logs.LogGroup, iam.Role]


def sdk_provider(
    stack: cdk.Stack, key: kms.IKey | None, stack_name: str, region: str
) -> SdkProvider:
    """The log group (encrypted, with retention) and role of the stack's AwsCustomResource
    provider Lambda, with a managed policy to write to that group only. Without ``key``,
    a key of its own."""
    log_group_name = f"/multivpc/{stack_name}/sdk-calls"
    if key is None:
        key = kms.Key(
            stack,
            "SdkCallProviderKey",
            description="Encrypts the logs of the stack's AWS SDK calls",
            enable_key_rotation=True,
        )
    allow_log_group(key, log_group_name)
    log_group = logs.LogGroup(
        stack,
        "SdkCallProviderLogs",
        log_group_name=log_group_name,
        encryption_key=key,
        retention=logs.RetentionDays.ONE_YEAR,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    role = iam.Role(
        stack,
        "SdkCallProviderRole",
        role_name=f"mvpc-sdk-{zlib.crc32(f'{region}/{stack_name}'.encode()):08x}",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Runs the stack's AWS SDK calls (custom resources)",
    )
    iam.ManagedPolicy(
        stack,
        "SdkCallProviderLogsPolicy",
        description="Lets the SDK-call provider write its own logs only",
        roles=[role],
        statements=[
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        ],
    )
    return log_group, role


def sdk_call(
    scope: Construct,
    id: str,
    provider: SdkProvider,
    call: cr.AwsSdkCall,
    statements: list[iam.PolicyStatement],
    reason: str,
) -> cr.AwsCustomResource:
    """An AwsCustomResource on the stack's provider; its own policy acknowledged."""
    log_group, role = provider
    resource = cr.AwsCustomResource(
        scope,
        id,
        on_create=call,
        on_update=call,
        install_latest_aws_sdk=False,
        log_group=log_group,
        role=role,
        policy=cr.AwsCustomResourcePolicy.from_statements(statements),
    )
    acknowledge_packs(resource, "IAMNoInlinePolicy", reason)
    return resource


def acknowledge_provider(stack: cdk.Stack) -> None:
    """The compliance-pack rules the provider Lambda breaks on purpose (once per stack,
    after its first AwsCustomResource)."""
    provider = stack.node.find_child(_PROVIDER_ID)
    for rule, reason in (
        ("LambdaConcurrency", "CloudFormation invokes the provider once per change."),
        ("LambdaDLQ", "CloudFormation invokes the provider synchronously."),
        ("LambdaInsideVPC", "The provider only calls AWS APIs."),
    ):
        acknowledge_packs(provider, rule, reason)


class BaselineVpcStack(cdk.Stack):
    def __init__(
        self,
        scope: cdk.App,
        id: str,
        *,
        network: str,
        vpc: dict[str, Any],
        account: str,
        region: str,
    ) -> None:
        super().__init__(
            scope,
            id,
            env=cdk.Environment(account=account, region=region),
            description=f"baseline: VPC {vpc['name']} ({vpc['cidr']}) in {region}",
        )
        name = id  # the base of every Name tag
        prefix = f"/multivpc/{network}/{vpc['name']}"
        zones: list[str] = vpc["availability_zones"]
        cfn_vpc = ec2.CfnVPC(
            self,
            vpc["name"],
            cidr_block=vpc["cidr"],
            enable_dns_support=True,
            enable_dns_hostnames=True,
        )
        cfn_vpc.tags.set_tag("Name", name)
        vpc_id = cfn_vpc.ref
        self.cfn_vpc, self.vpc_id = cfn_vpc, vpc_id
        groups: list[dict[str, Any]] = vpc["subnets"]
        gateway_id, attachment = "", None
        if any(group["tier"] == "public" for group in groups):
            gateway = ec2.CfnInternetGateway(self, "InternetGateway")
            gateway.tags.set_tag("Name", f"{name}-igw")
            gateway_id = gateway.ref
            attachment = ec2.CfnVPCGatewayAttachment(
                self, "InternetGatewayAttachment", vpc_id=vpc_id, internet_gateway_id=gateway_id
            )

        subnets: dict[str, list[ec2.Subnet]] = {}
        nat_gateways: dict[str, ec2.CfnNatGateway] = {}
        for group in sorted(groups, key=lambda g: g["tier"] != "public"):  # NATs first
            for zone in zones:
                subnet_class = ec2.PublicSubnet if group["tier"] == "public" else ec2.PrivateSubnet
                subnet = subnet_class(
                    self,
                    f"{group['name']}-{zone}",
                    vpc_id=vpc_id,
                    availability_zone=zone,
                    cidr_block=subnet_cidr(group, zone),
                    map_public_ip_on_launch=False,
                )
                cfn_subnet = subnet.node.default_child
                assert isinstance(cfn_subnet, ec2.CfnSubnet)
                cfn_subnet.tags.set_tag("aws-cdk:subnet-name", group["name"])
                cfn_subnet.tags.set_tag("aws-cdk:subnet-type", _LOOKUP_TYPE[group["tier"]])
                # ec2.Subnet tags itself and its route table with its path (priority 100).
                cdk.Tags.of(subnet).add("Name", f"{name}-{group['name']}-{zone}", priority=200)
                subnets.setdefault(group["name"], []).append(subnet)
                if isinstance(subnet, ec2.PublicSubnet):
                    assert attachment is not None
                    subnet.add_default_internet_route(gateway_id, attachment)
                    acknowledge_packs(
                        subnet.node.find_child("DefaultRoute"),
                        "VPCNoUnrestrictedRouteToIGW",
                        "Public subnets reach the internet through this route.",
                    )
                    if zone not in nat_gateways:  # one per zone, in the first public group
                        nat_gateways[zone] = subnet.add_nat_gateway()
                        for tagged in (nat_gateways[zone], subnet.node.find_child("EIP")):
                            cdk.Tags.of(tagged).add("Name", f"{name}-nat-{zone}", priority=300)
                elif group["tier"] == "private":
                    subnet.add_route(
                        "DefaultRoute",
                        router_id=nat_gateways[zone].ref,
                        router_type=ec2.RouterType.NAT_GATEWAY,
                        destination_cidr_block="0.0.0.0/0",
                        enables_internet_connectivity=True,
                    )
        cdk.Validations.of(self).acknowledge(
            cdk.Acknowledgment(
                id="CloudFormation-Validate::W3010",
                reason="Subnets sit in explicitly named zones, as in multivpc.",
            )
        )

        self.subnets = subnets
        key = kms.Key(
            self, "FlowLogKey", description="Encrypts VPC flow logs", enable_key_rotation=True
        )
        self.key = key
        cdk.Tags.of(key).add("Name", f"{name}-flow-logs")
        self._flow_logs(
            vpc_id,
            key,
            f"{prefix}/flow-logs",
            int(vpc["flow_logs"]["retention_days"]),
            f"{name}-flow-logs",
        )
        self._restrict_default_security_group(cfn_vpc, key, id, region)
        self._publish(prefix, vpc_id, vpc["cidr"], zones, subnets)
        self._security_groups(vpc_id, name, prefix, vpc.get("security_groups", []))

    def _flow_logs(
        self, vpc_id: str, key: kms.Key, log_group_name: str, retention_days: int, tag: str
    ) -> None:
        partition, region, account = _AWS
        allow_log_group(key, log_group_name)
        log_group = logs.LogGroup(
            self,
            "FlowLogGroup",
            log_group_name=log_group_name,
            encryption_key=key,
            retention=_RETENTION[retention_days],
        )
        cdk.Tags.of(log_group).add("Name", tag)
        role = iam.Role(
            self,
            "FlowLogRole",
            assumed_by=iam.ServicePrincipal(
                "vpc-flow-logs.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {
                        "aws:SourceArn": f"arn:{partition}:ec2:{region}:{account}:vpc-flow-log/*"
                    },
                },
            ),
        )
        iam.ManagedPolicy(
            self,
            "FlowLogPolicy",
            description="Lets VPC flow logs write to their own log group only",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=[
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogStreams",
                    ],
                    resources=[log_group.log_group_arn],
                )
            ],
        )
        flow_log = ec2.CfnFlowLog(
            self,
            "FlowLog",
            resource_id=vpc_id,
            resource_type="VPC",
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_group_name=log_group.log_group_name,
            deliver_logs_permission_arn=role.role_arn,
        )
        flow_log.tags.set_tag("Name", tag)

    def _restrict_default_security_group(
        self, cfn_vpc: ec2.CfnVPC, key: kms.Key, stack_name: str, region: str
    ) -> None:
        """Two AwsCustomResources; their provider Lambda (one per stack) gets a role and a
        log group of its own instead of AWSLambdaBasicExecutionRole."""
        self.sdk_provider = sdk_provider(self, key, stack_name, region)
        group_id = cfn_vpc.attr_default_security_group
        group_arn = self.format_arn(
            service="ec2", resource="security-group", resource_name=group_id
        )
        revokers = Construct(self, "DefaultSecurityGroup")
        for id, action, permissions in (
            (
                "RevokeDefaultIngress",
                "revokeSecurityGroupIngress",
                [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]}],
            ),
            (
                "RevokeDefaultEgress",
                "revokeSecurityGroupEgress",
                [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            ),
        ):
            call = cr.AwsSdkCall(
                service="EC2",
                action=action,
                parameters={"GroupId": group_id, "IpPermissions": permissions},
                physical_resource_id=cr.PhysicalResourceId.of(f"{group_id}-{action}"),
                ignore_error_codes_matching="InvalidPermission.NotFound",
            )
            sdk_call(
                revokers,
                id,
                self.sdk_provider,
                call,
                [
                    iam.PolicyStatement(
                        actions=[f"ec2:{action[0].upper()}{action[1:]}"],
                        resources=[group_arn],
                    )
                ],
                "AwsCustomResource attaches its own policy: one EC2 action on one group.",
            )
        acknowledge_packs(
            cfn_vpc,
            "VPCDefaultSecurityGroupClosed",
            "The RevokeDefault* custom resources strip the default security group's rules.",
        )
        acknowledge_provider(self)

    def _security_groups(
        self, vpc_id: str, name: str, prefix: str, groups: list[dict[str, Any]]
    ) -> None:
        """Each group with a no-traffic outbound rule (what aws-cdk-lib writes for
        allow_all_outbound=False), a resource per rule, and its id published."""
        made: dict[str, ec2.CfnSecurityGroup] = {}
        for group in groups:
            made[group["name"]] = ec2.CfnSecurityGroup(
                self,
                f"SecurityGroup-{group['name']}",
                vpc_id=vpc_id,
                group_description=group["description"],
                security_group_egress=[
                    ec2.CfnSecurityGroup.EgressProperty(
                        ip_protocol="icmp",
                        from_port=252,
                        to_port=86,
                        cidr_ip="255.255.255.255/32",
                        description="No outbound traffic",
                    )
                ],
                tags=[cdk.CfnTag(key="Name", value=f"{name}-{group['name']}")],
            )
        for group in groups:
            group_id = made[group["name"]].attr_group_id
            for direction in ("ingress", "egress"):
                for index, rule in enumerate(group.get(direction, [])):
                    peer = rule["peer"]
                    peer_id = made[peer["group"]].attr_group_id if isinstance(peer, dict) else None
                    common: dict[str, Any] = {
                        "group_id": group_id,
                        "ip_protocol": rule["protocol"],
                        "from_port": rule["port"],
                        "to_port": rule["port"],
                        "description": rule["description"],
                    }
                    if direction == "ingress":
                        ec2.CfnSecurityGroupIngress(
                            self,
                            f"{group['name']}-In-{index}",
                            cidr_ip=None if peer_id else peer,
                            source_security_group_id=peer_id,
                            **common,
                        )
                    else:
                        ec2.CfnSecurityGroupEgress(
                            self,
                            f"{group['name']}-Out-{index}",
                            cidr_ip=None if peer_id else peer,
                            destination_security_group_id=peer_id,
                            **common,
                        )
            ssm.StringParameter(
                self,
                f"SecurityGroup-{group['name']}-Parameter",
                parameter_name=f"{prefix}/security-groups/{group['name']}/group-id",
                string_value=group_id,
            )
            cdk.CfnOutput(self, f"SecurityGroup-{group['name']}-Output", value=group_id)

    def _publish(
        self,
        prefix: str,
        vpc_id: str,
        cidr: str,
        zones: list[str],
        subnets: dict[str, list[ec2.Subnet]],
    ) -> None:
        """The VPC's ids as SSM parameters under ``prefix`` and stack outputs."""
        ssm.StringParameter(
            self, "VpcIdParameter", parameter_name=f"{prefix}/vpc-id", string_value=vpc_id
        )
        ssm.StringParameter(
            self, "CidrParameter", parameter_name=f"{prefix}/cidr", string_value=cidr
        )
        cdk.CfnOutput(self, "VpcIdOutput", value=vpc_id)
        for group, members in subnets.items():
            ids = [subnet.subnet_id for subnet in members]
            for zone, subnet, subnet_id in zip(zones, members, ids, strict=True):
                base = f"{prefix}/subnets/{group}/{zone}"
                ssm.StringParameter(
                    self,
                    f"{group}-{zone}-SubnetIdParameter",
                    parameter_name=f"{base}/subnet-id",
                    string_value=subnet_id,
                )
                ssm.StringParameter(
                    self,
                    f"{group}-{zone}-RouteTableIdParameter",
                    parameter_name=f"{base}/route-table-id",
                    string_value=subnet.route_table.route_table_id,
                )
            ssm.StringListParameter(
                self,
                f"{group}-SubnetIdsParameter",
                parameter_name=f"{prefix}/subnet-groups/{group}/subnet-ids",
                string_list_value=ids,
            )
            cdk.CfnOutput(
                self,
                f"{group}-SubnetIdsOutput",
                value=cdk.Fn.join(",", ids),
                description=f"Subnet ids of group {group}",
            )


def main() -> int:
    app = cdk.App()
    path = app.node.try_get_context("config")
    if not path:
        print("baseline_app.py: pass -c config=PATH", file=sys.stderr)
        return 2
    config: dict[str, Any] = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    defaults = config.get("defaults", {})
    for vpc in config["vpcs"]:
        account = config["accounts"][vpc.get("account", defaults["account"])]
        BaselineVpcStack(
            app,
            f"{config['name']}-{vpc['name']}",
            network=config["name"],
            vpc=vpc,
            account=account,
            region=vpc.get("region", defaults["region"]),
        )
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
