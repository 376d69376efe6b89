#!/usr/bin/env python3
"""Baseline for the synth benchmark: the resources multivpc builds, written by hand.

``npx cdk synth --app "<python> bench/baseline_app.py" -c config=<generated yaml>``

Reads the same generated YAML as multivpc's app.py (plain ``yaml.load``, no validation,
no multivpc import) and builds, per VPC, one stack with plain aws-cdk-lib: ``CfnVPC``,
``ec2.PublicSubnet`` / ``ec2.PrivateSubnet`` with explicit zone names and CIDRs (each with
its route table and association), an internet gateway, an EIP + NAT gateway per AZ,
default routes, a flow log to a KMS-encrypted log group with retention, and the
``AwsCustomResource`` pair that revokes the default security group's rules. cdk-nag's
AwsSolutions pack runs through ``Validations`` with the same acknowledgements as
multivpc, so both variants do the same work at synth.

It handles the benchmark's shape only: groups with ``cidr`` + ``prefix_length`` in
Availability Zones, ``nat: per-az``, flow logs to CloudWatch Logs.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import yaml
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PROVIDER_ID = "AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", "")
_RETENTION = {365: logs.RetentionDays.ONE_YEAR, 30: logs.RetentionDays.ONE_MONTH}


def subnet_cidr(group: dict[str, Any], zone: str) -> str:
    """The block at the zone's letter (a=0, b=1, ...) of the group's range."""
    network = ipaddress.IPv4Network(group["cidr"])
    prefix = int(group["prefix_length"])
    slot = ord(zone[-1]) - ord("a")
    size = 2 ** (32 - prefix)
    return str(ipaddress.IPv4Network((int(network.network_address) + slot * size, prefix)))


class BaselineVpcStack(cdk.Stack):
    def __init__(
        self, scope: Construct, id: str, *, vpc: dict[str, Any], account: str, region: str
    ) -> None:
        super().__init__(
            scope,
            id,
            env=cdk.Environment(account=account, region=region),
            description=f"baseline: VPC {vpc['name']} ({vpc['cidr']}) in {region}",
        )
        zones: list[str] = vpc["availability_zones"]
        cfn_vpc = ec2.CfnVPC(
            self,
            vpc["name"],
            cidr_block=vpc["cidr"],
            enable_dns_support=True,
            enable_dns_hostnames=True,
        )
        gateway = ec2.CfnInternetGateway(self, "InternetGateway")
        attachment = ec2.CfnVPCGatewayAttachment(
            self, "InternetGatewayAttachment", vpc_id=cfn_vpc.ref, internet_gateway_id=gateway.ref
        )

        groups: list[dict[str, Any]] = vpc["subnets"]
        nat_gateways: dict[str, ec2.CfnNatGateway] = {}
        for group in (g for g in groups if g["tier"] == "public"):
            for zone in zones:
                public = ec2.PublicSubnet(
                    self,
                    f"{zone}-{group['name']}",
                    vpc_id=cfn_vpc.ref,
                    availability_zone=zone,
                    cidr_block=subnet_cidr(group, zone),
                    map_public_ip_on_launch=True,
                )
                public.add_default_internet_route(gateway.ref, attachment)
                nat_gateways.setdefault(zone, public.add_nat_gateway())
        for group in (g for g in groups if g["tier"] != "public"):
            for zone in zones:
                private = ec2.PrivateSubnet(
                    self,
                    f"{zone}-{group['name']}",
                    vpc_id=cfn_vpc.ref,
                    availability_zone=zone,
                    cidr_block=subnet_cidr(group, zone),
                    map_public_ip_on_launch=False,
                )
                if group["tier"] == "private":
                    private.add_route(
                        "DefaultRoute",
                        router_id=nat_gateways[zone].ref,
                        router_type=ec2.RouterType.NAT_GATEWAY,
                        destination_cidr_block="0.0.0.0/0",
                        enables_internet_connectivity=True,
                    )

        self._flow_logs(cfn_vpc, int(vpc.get("flow_logs", {}).get("retention_days", 365)))
        self._restrict_default_security_group(cfn_vpc.attr_default_security_group)
        cdk.Validations.of(self).acknowledge(
            cdk.Acknowledgment(
                id="CloudFormation-Validate::W3010",
                reason="Subnets sit in explicitly named zones, as in multivpc.",
            )
        )

    def _flow_logs(self, cfn_vpc: ec2.CfnVPC, retention_days: int) -> None:
        key = kms.Key(
            self, "FlowLogKey", description="Encrypts the VPC flow logs", enable_key_rotation=True
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com")],
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": self.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name="*",
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                    }
                },
            )
        )
        log_group = logs.LogGroup(
            self, "FlowLogGroup", encryption_key=key, retention=_RETENTION[retention_days]
        )
        role = iam.Role(
            self, "FlowLogRole", assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com")
        )
        log_group.grant(
            role, "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"
        )
        ec2.CfnFlowLog(
            self,
            "FlowLog",
            resource_id=cfn_vpc.ref,
            resource_type="VPC",
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_group_name=log_group.log_group_name,
            deliver_logs_permission_arn=role.role_arn,
        )

    def _restrict_default_security_group(self, group_id: str) -> None:
        group_arn = self.format_arn(
            service="ec2", resource="security-group", resource_name=group_id
        )
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
            cr.AwsCustomResource(
                self,
                id,
                on_create=call,
                on_update=call,
                install_latest_aws_sdk=False,
                policy=cr.AwsCustomResourcePolicy.from_statements(
                    [
                        iam.PolicyStatement(
                            actions=[f"ec2:{action[0].upper()}{action[1:]}"],
                            resources=[group_arn],
                        )
                    ]
                ),
            )
        provider = self.node.find_child(_PROVIDER_ID)
        cdk.Validations.of(provider).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:"
                "policy/service-role/AWSLambdaBasicExecutionRole]",
                reason="The AwsCustomResource provider only writes its own logs.",
            )
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
            vpc=vpc,
            account=account,
            region=vpc.get("region", defaults["region"]),
        )
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
