#!/usr/bin/env python3
"""Baseline for the hub-and-spoke synth benchmark: what multivpc builds, written by hand.

``npx cdk synth --app "<python> bench/baseline_hub_app.py" -c config=<generated yaml>``

Reads the generated hub-and-spoke YAML (bench/estate.py, ``write_hub_config``) with plain
``yaml.load`` (no validation, no multivpc import) and builds with plain aws-cdk-lib:

- the hub stack ``<network>-tgw-<tgw>`` in the gateway's account: a ``CfnTransitGateway``
  with default route-table association and propagation off, one
  ``CfnTransitGatewayRouteTable`` per segment, the RAM share with the spoke accounts, and
  the gateway id as an SSM parameter with a reader role the spoke accounts' SDK-call roles
  may assume (and its managed policy);
- one stack per VPC, as bench/baseline_app.py builds it (isolated groups here: no
  internet gateway, no NAT), plus its ``AWS::EC2::TransitGatewayAttachment`` (Name tag),
  the gateway id read from the hub account by an ``AwsCustomResource`` that assumes the
  reader role (cross-account spokes; same-account ones reference the gateway directly),
  the attachment id published as an SSM parameter with a reader role for the hub
  account, and the VPC's routes to the gateway: per route-table of every group but the
  attachment's own, one per summary destination, or one per reachable VPC plus one per
  static route of its segment; each route depends on the attachment;
- routing stacks ``<network>-tgw-<tgw>-routing[-k]`` in the hub account, sharded as
  multivpc shards them (a power of two of stacks holding at most 400 resources by its
  count; a VPC's routing goes to shard ``crc32(name) % shards``): per attachment its
  association, its propagations (own segment unless isolated, and every segment linked
  by ``reaches`` either way), the cross-account attachment id read by an
  ``AwsCustomResource``; the segments' static and blackhole routes.

Stack dependencies as multivpc's: spokes on the hub, routing stacks on the hub and their
spokes. cdk-nag's AwsSolutions pack runs through ``Validations`` and the app acknowledges
what multivpc acknowledges, on the same constructs. It handles the benchmark's shape only.
"""

from __future__ import annotations

import math
import sys
import zlib
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import yaml
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ram as ram
from aws_cdk import aws_ssm as ssm
from aws_cdk import custom_resources as cr
from baseline_app import (
    _AWS,
    BaselineVpcStack,
    SdkProvider,
    acknowledge_packs,
    acknowledge_provider,
    sdk_call,
    sdk_provider,
)
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ROUTING_BUDGET = 400  # resources per routing stack (CloudFormation's limit is 500)
# The association handler's code, inlined into the template as multivpc inlines it: read
# as text (the same bytes give the same template), never imported.
ASSOCIATION_HANDLER = (
    Path(__file__).resolve().parents[1] / "multivpc/constructs/association_handler.py"
)
ASSOCIATION_DESCRIPTION = (
    "associates Transit Gateway attachments with route tables, moving an association in place"
)
_CHECKOV_SKIP = {
    "skip": [
        {
            "id": "CKV_AWS_61",
            "comment": "The accounts are narrowed to their multivpc SDK-call roles by "
            "aws:PrincipalArn; the check reads principals only.",
        }
    ]
}


def role_name(*parts: str) -> str:
    """The reader role's name: ``mvpc-<parts>-ids``, cut and hashed past 64 characters."""
    name = "mvpc-" + "-".join(parts) + "-ids"
    return name if len(name) <= 64 else f"{name[:55]}-{zlib.crc32(name.encode()):08x}"


def cidr_id(cidr: str) -> str:
    return cidr.replace(".", "-").replace("/", "-")


class Segments:
    """Segment reach: who propagates into which route table, who reaches whom."""

    def __init__(self, tgw: dict[str, Any]) -> None:
        self.specs: dict[str, dict[str, Any]] = {s["name"]: s for s in tgw["segments"]}
        self.names = list(self.specs)
        linked = {
            (a, b)
            for a, spec in self.specs.items()
            for b in spec.get("reaches", [])
            for a, b in ((a, b), (b, a))
        }
        self.into: dict[str, list[str]] = {
            segment: [
                name
                for name in self.names
                if (name == segment and not self.specs[segment].get("isolated", False))
                or (name != segment and (segment, name) in linked)
            ]
            for segment in self.names
        }


def reader_role(
    scope: Construct,
    parameter: ssm.StringParameter,
    parameter_name: str,
    name: str,
    accounts: list[str],
) -> None:
    """A role ``accounts``' SDK-call roles may assume to read ``parameter``."""
    role = iam.Role(
        scope,
        "Reader",
        role_name=name,
        assumed_by=iam.CompositePrincipal(*(iam.AccountPrincipal(a) for a in accounts)),
        description=f"Lets the named accounts read {parameter_name}",
    )
    partition = _AWS[0]
    trust = role.node.default_child
    assert isinstance(trust, iam.CfnRole)
    trust.assume_role_policy_document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"AWS": [f"arn:{partition}:iam::{a}:root" for a in accounts]},
                "Condition": {
                    "ArnLike": {
                        "aws:PrincipalArn": [
                            f"arn:{partition}:iam::{a}:role/mvpc-sdk-*" for a in accounts
                        ]
                    }
                },
            }
        ],
    }
    trust.add_metadata("checkov", _CHECKOV_SKIP)
    iam.ManagedPolicy(
        scope,
        "ReadPolicy",
        roles=[role],
        statements=[
            iam.PolicyStatement(actions=["ssm:GetParameter"], resources=[parameter.parameter_arn])
        ],
    )


def publish_id(
    scope: Construct,
    id: str,
    *,
    parameter_name: str,
    value: str,
    readers: list[str],
    reader_role_name: str,
) -> None:
    """The id as an SSM parameter, and a reader role when other accounts read it."""
    published = Construct(scope, id)
    parameter = ssm.StringParameter(
        published, "Parameter", parameter_name=parameter_name, string_value=value
    )
    if readers:
        reader_role(published, parameter, parameter_name, reader_role_name, readers)


def read_remote_id(
    scope: Construct,
    id: str,
    provider: SdkProvider,
    *,
    parameter_name: str,
    account: str,
    region: str,
    reader_role_name: str,
) -> str:
    """An id another account published, read at deploy time through its reader role."""
    role_arn = f"arn:{_AWS[0]}:iam::{account}:role/{reader_role_name}"
    call = cr.AwsSdkCall(
        service="SSM",
        action="getParameter",
        parameters={"Name": parameter_name},
        region=region,
        assumed_role_arn=role_arn,
        physical_resource_id=cr.PhysicalResourceId.of(f"{account}:{parameter_name}"),
        output_paths=["Parameter.Value"],
    )
    resource = sdk_call(
        Construct(scope, id),
        "Read",
        provider,
        call,
        [iam.PolicyStatement(actions=["sts:AssumeRole"], resources=[role_arn])],
        "AwsCustomResource attaches its own policy; it allows assuming one reader role that "
        "may read one parameter.",
    )
    return resource.get_response_field("Parameter.Value")


class BaselineHubStack(cdk.Stack):
    def __init__(
        self,
        scope: cdk.App,
        id: str,
        *,
        network: str,
        tgw: dict[str, Any],
        account: str,
        region: str,
        share_with: list[str],
        readers: list[str],
    ) -> None:
        """``readers``: the accounts that read the gateway's id (the spokes' other than
        the gateway's own)."""
        super().__init__(
            scope,
            id,
            env=cdk.Environment(account=account, region=region),
            description=f"baseline: Transit Gateway {tgw['name']} in {region}",
        )
        gateway = ec2.CfnTransitGateway(
            self,
            tgw["name"],
            amazon_side_asn=tgw.get("amazon_side_asn", 64512),
            description=f"multivpc {id}",
            default_route_table_association="disable",
            default_route_table_propagation="disable",
            auto_accept_shared_attachments="enable" if share_with else "disable",
            dns_support="enable",
            vpn_ecmp_support="enable",
        )
        gateway.tags.set_tag("Name", id)
        self.transit_gateway_id = gateway.ref
        self.route_tables: dict[str, str] = {}
        for segment in tgw["segments"]:
            table = ec2.CfnTransitGatewayRouteTable(
                self, f"Segment-{segment['name']}", transit_gateway_id=self.transit_gateway_id
            )
            table.tags.set_tag("Name", f"{id}-{segment['name']}")
            self.route_tables[segment["name"]] = table.ref
        if share_with:
            ram.CfnResourceShare(
                self,
                "Share",
                name=f"{id}-{tgw['name']}",
                resource_arns=[
                    self.format_arn(
                        service="ec2",
                        resource="transit-gateway",
                        resource_name=self.transit_gateway_id,
                    )
                ],
                principals=share_with,
                allow_external_principals=tgw.get("allow_external_principals", False),
            )
        publish_id(
            self,
            "PublishedId",
            parameter_name=f"/multivpc/{network}/transit-gateways/{tgw['name']}/id",
            value=self.transit_gateway_id,
            readers=readers,
            reader_role_name=role_name(network, tgw["name"]),
        )


class BaselineSpokeStack(BaselineVpcStack):
    """A VPC stack of bench/baseline_app.py with its Transit Gateway attachment."""

    def __init__(
        self,
        scope: cdk.App,
        id: str,
        *,
        network: str,
        vpc: dict[str, Any],
        account: str,
        region: str,
        hub: BaselineHubStack,
        hub_account: str,
        destinations: list[tuple[str, str]],
    ) -> None:
        """``destinations``: (route id, CIDR) of the routes to the Transit Gateway."""
        super().__init__(scope, id, network=network, vpc=vpc, account=account, region=region)
        spec = vpc["transit_gateway"]
        tgw = spec["name"]
        cross = account != hub_account
        if cross:
            tgw_id = read_remote_id(
                self,
                "TransitGatewayId",
                self.sdk_provider,
                parameter_name=f"/multivpc/{network}/transit-gateways/{tgw}/id",
                account=hub_account,
                region=region,
                reader_role_name=role_name(network, tgw),
            )
        else:
            tgw_id = hub.transit_gateway_id
        self.add_stack_dependency(hub)
        attachment = ec2.CfnTransitGatewayAttachment(
            self,
            "TransitGatewayAttachment",
            transit_gateway_id=tgw_id,
            vpc_id=self.vpc_id,
            subnet_ids=[subnet.subnet_id for subnet in self.subnets[spec["subnet_group"]]],
            options={"ApplianceModeSupport": "disable", "DnsSupport": "enable"},
        )
        attachment.tags.set_tag("Name", id)
        self.attachment_id = attachment.ref
        publish_id(
            self,
            "PublishedAttachmentId",
            parameter_name=f"/multivpc/{network}/transit-gateways/{tgw}/attachments/{vpc['name']}",
            value=self.attachment_id,
            readers=[hub_account] if cross else [],
            reader_role_name=role_name(network, vpc["name"]),
        )
        route_from = spec.get("route_from") or [
            g["name"]
            for g in vpc["subnets"]
            if g["tier"] != "public" and g["name"] != spec["subnet_group"]
        ]
        for group in route_from:
            for subnet in self.subnets[group]:
                table_id = subnet.route_table.route_table_id
                for route_id, cidr in destinations:
                    route = ec2.CfnRoute(
                        subnet,
                        route_id,
                        route_table_id=table_id,
                        destination_cidr_block=cidr,
                        transit_gateway_id=tgw_id,
                    )
                    route.add_resource_dependency(attachment)  # the VPC must be attached first


class BaselineRoutingStack(cdk.Stack):
    def __init__(
        self,
        scope: cdk.App,
        id: str,
        *,
        network: str,
        tgw: str,
        account: str,
        region: str,
        hub: BaselineHubStack,
        attachments: list[tuple[dict[str, Any], str, BaselineSpokeStack]],
        into: dict[str, list[str]],
        routes: list[tuple[str, str, str, str | None]],
    ) -> None:
        """``attachments``: (VPC, its account id, its stack); ``routes``: (id, segment,
        CIDR, target VPC or None for a blackhole)."""
        super().__init__(
            scope,
            id,
            env=cdk.Environment(account=account, region=region),
            description=f"baseline: routing of Transit Gateway {tgw}",
        )
        self.add_stack_dependency(hub)
        provider: SdkProvider | None = None
        ids: dict[str, str] = {}
        for vpc, vpc_account, spoke in attachments:
            self.add_stack_dependency(spoke)
            if vpc_account == account:
                ids[vpc["name"]] = spoke.attachment_id
                continue
            first = provider is None
            if provider is None:
                provider = sdk_provider(self, None, id, region)
            ids[vpc["name"]] = read_remote_id(
                self,
                f"{vpc['name']}-AttachmentId",
                provider,
                parameter_name=f"/multivpc/{network}/transit-gateways/{tgw}/attachments/"
                f"{vpc['name']}",
                account=vpc_account,
                region=region,
                reader_role_name=role_name(network, vpc["name"]),
            )
            if first:
                acknowledge_provider(self)
        routing = Construct(self, "Routing")
        tables = hub.route_tables
        service_token = ""
        if attachments:
            if provider is None:
                provider = sdk_provider(self, None, id, region)
            service_token = self._association_function(provider, account, region)
        for vpc, _, _ in attachments:
            name, segment = vpc["name"], vpc["transit_gateway"]["segment"]
            # Associations that move in place (multivpc's Custom::TransitGatewayAssociation).
            cdk.CustomResource(
                Construct(routing, f"{name}-Association"),
                "Resource",
                service_token=service_token,
                resource_type="Custom::TransitGatewayAssociation",
                properties={"AttachmentId": ids[name], "RouteTableId": tables[segment]},
            )
            for table in into[segment]:
                ec2.CfnTransitGatewayRouteTablePropagation(
                    routing,
                    f"{name}-Propagation-{table}",
                    transit_gateway_attachment_id=ids[name],
                    transit_gateway_route_table_id=tables[table],
                )
        for route_id, segment, cidr, target in routes:
            ec2.CfnTransitGatewayRoute(
                routing,
                f"Route-{route_id}",
                transit_gateway_route_table_id=tables[segment],
                destination_cidr_block=cidr,
                blackhole=True if target is None else None,
                transit_gateway_attachment_id=None if target is None else ids[target],
            )

    def _association_function(self, provider: SdkProvider, account: str, region: str) -> str:
        """The stack's association function (inline code, on the SDK-call role and log
        group) with its managed policy; returns its ARN."""
        log_group, role = provider
        arns = [
            f"arn:aws:ec2:{region}:{account}:{kind}/*"
            for kind in ("transit-gateway-route-table", "transit-gateway-attachment")
        ]
        policy = iam.ManagedPolicy(
            self,
            "AssociationFunctionPolicy",
            description=ASSOCIATION_DESCRIPTION,
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=[
                        "ec2:AssociateTransitGatewayRouteTable",
                        "ec2:DisassociateTransitGatewayRouteTable",
                    ],
                    resources=arns,
                ),
                iam.PolicyStatement(
                    actions=["ec2:DescribeTransitGatewayAttachments"], resources=["*"]
                ),
            ],
        )
        validations = cdk.Validations.of(policy)
        for wildcard in sorted(["*", *arns]):
            validations.acknowledge(
                cdk.Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{wildcard}]",
                    reason="Describe has no resource-level permission; (dis)association is "
                    "limited to this account's route tables and attachments in this region.",
                )
            )
        function = lambda_.Function(
            self,
            "AssociationFunction",
            runtime=lambda_.Runtime.PYTHON_3_14,
            handler="index.handler",
            code=lambda_.Code.from_inline(_HANDLER_CODE),
            role=role,
            log_group=log_group,
            timeout=cdk.Duration.minutes(14),
            description=f"multivpc: {ASSOCIATION_DESCRIPTION}",
        )
        function.node.add_dependency(policy)
        for rule, reason in (
            ("LambdaConcurrency", "CloudFormation invokes the function once per change."),
            ("LambdaDLQ", "CloudFormation invokes the function for a custom resource."),
            ("LambdaInsideVPC", "The function only calls the EC2 API."),
        ):
            acknowledge_packs(function, rule, reason)
        return function.function_arn


_HANDLER_CODE = ASSOCIATION_HANDLER.read_text(encoding="utf-8")


def vpc_destinations(
    vpc: dict[str, Any], segments: Segments, members: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """(route id, CIDR) of a VPC's routes to the Transit Gateway: its summaries, or one per
    reachable VPC and per static route of its segment."""
    spec = vpc["transit_gateway"]
    if spec.get("summaries") is not None:
        return [(f"Tgw-{cidr_id(c)}", c) for c in spec["summaries"]]
    segment = spec["segment"]
    routes = [
        (f"Tgw-{other['name']}", other["cidr"])
        for other in members
        if other["name"] != vpc["name"]
        and segment in segments.into[other["transit_gateway"]["segment"]]
    ]
    routes += [
        (f"Tgw-{cidr_id(r['cidr'])}", r["cidr"])
        for r in segments.specs[segment].get("routes", [])
        if not r.get("blackhole", False)
    ]
    return routes


def main() -> int:
    app = cdk.App()
    path = app.node.try_get_context("config")
    if not path:
        print("baseline_hub_app.py: pass -c config=PATH", file=sys.stderr)
        return 2
    config: dict[str, Any] = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    network, accounts = config["name"], config["accounts"]
    defaults = config.get("defaults", {})
    [tgw] = config["transit_gateways"]
    tgw_account = accounts[tgw.get("account", defaults["account"])]
    region = tgw.get("region", defaults["region"])
    members = [v for v in config["vpcs"] if v.get("transit_gateway", {}).get("name") == tgw["name"]]
    account_of = {v["name"]: accounts[v.get("account", defaults["account"])] for v in members}
    share_with = [accounts.get(p, p) for p in tgw.get("share_with", [])]
    hub_name = f"{network}-tgw-{tgw['name']}"
    hub = BaselineHubStack(
        app,
        hub_name,
        network=network,
        tgw=tgw,
        account=tgw_account,
        region=region,
        share_with=share_with,
        readers=sorted(set(account_of.values()) - {tgw_account}),
    )
    segments = Segments(tgw)
    spokes: dict[str, BaselineSpokeStack] = {}
    for vpc in config["vpcs"]:
        spokes[vpc["name"]] = BaselineSpokeStack(
            app,
            f"{network}-{vpc['name']}",
            network=network,
            vpc=vpc,
            account=account_of[vpc["name"]],
            region=vpc.get("region", defaults["region"]),
            hub=hub,
            hub_account=tgw_account,
            destinations=vpc_destinations(vpc, segments, members),
        )
    # Routing shards: a power of two of stacks, each within the budget by multivpc's count
    # (association, a propagation per segment, the id-reading custom resource and its policy).
    routes = [
        (f"{s['name']}-{cidr_id(r['cidr'])}", s["name"], r["cidr"], r.get("vpc"))
        for s in tgw["segments"]
        for r in s.get("routes", [])
    ]
    needed = math.ceil((len(members) * (3 + len(segments.names)) + len(routes)) / ROUTING_BUDGET)
    shards = 1 << max(0, needed - 1).bit_length()

    def shard_of(key: str) -> int:
        return zlib.crc32(key.encode()) % shards

    for shard in range(shards):
        name = f"{hub_name}-routing" + (f"-{shard + 1}" if shards > 1 else "")
        routed = [v for v in members if shard_of(v["name"]) == shard]
        shard_routes = [r for r in routes if shard_of(r[3] or r[0]) == shard]
        if not routed and not shard_routes:
            continue
        BaselineRoutingStack(
            app,
            name,
            network=network,
            tgw=tgw["name"],
            account=tgw_account,
            region=region,
            hub=hub,
            attachments=[(v, account_of[v["name"]], spokes[v["name"]]) for v in routed],
            into=segments.into,
            routes=shard_routes,
        )
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
