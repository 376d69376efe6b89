"""moto's server as a deploy target, and the small gaps we close in it.

moto 5.2 runs in this test process (a werkzeug server on 127.0.0.1 only), so the
gaps below can be closed by registering code with it. Each one exists because the
emulator would otherwise prove nothing about that part of the network:

1. ``AWS::EC2::SubnetRouteTableAssociation``: moto accepts it but never attaches the
   subnet to the route table. We register a model that calls ``AssociateRouteTable``.
2. Local Zones: moto knows only Availability Zones, so a Local Zone subnet fails. We add
   the Local Zones a config names to moto's zone list (zone type ``local-zone``).
3. ``AWS::EC2::Subnet``: moto ignores ``MapPublicIpOnLaunch`` (every subnet reports its own
   default), so the rule "public IPs only in public subnets" could not be checked. We
   register a model that applies the property.
4. ``Custom::AWS`` (aws-cdk-lib's ``AwsCustomResource``: multivpc revokes the default
   security group's rules with it, and reads ids across accounts): moto runs custom
   resources as Lambda functions in Docker, which is absent, so they never complete. We
   make the resource's SDK call in-process against the emulator with boto3, the way the
   provider Lambda would: the ``Create`` (or ``Update``) JSON's service, action,
   parameters, ``ignoreErrorCodesMatching``, ``region``, ``physicalResourceId``, and
   ``assumedRoleArn``, for which we call STS AssumeRole and make the call with the
   returned credentials, so it runs in the role's account. The response is flattened
   (``Parameter.Value``), cut to ``outputPaths``, and becomes the resource's data, which
   moto's ``Fn::GetAtt`` reads (``CustomModel.get_cfn_attribute``). moto does not
   evaluate IAM: we check only that the role exists in its account, that its trust
   policy names the calling account, and that a condition on ``aws:PrincipalArn`` admits
   the calling stack's SDK-call role (read from that stack's template); any other
   condition fails loudly. Its permissions stay unproven.
5. The Transit Gateway family: moto's CloudFormation ignores route tables, attachments,
   associations, propagations and routes, requires a gateway ``Description``, and gives
   every gateway a default route table even with default association and propagation
   off. We register models calling moto's EC2 backend for ``AWS::EC2::TransitGateway``
   (no default route table when both defaults are off, as in AWS),
   ``TransitGatewayRouteTable`` (on the account's own gateway only),
   ``TransitGatewayAttachment``, ``TransitGatewayRouteTablePropagation`` and
   ``TransitGatewayRoute`` (static or
   blackhole; moto's ``SearchTransitGatewayRoutes`` loses a static route's target unless
   it is stored as a list, which the model does).
   Attachments across accounts: moto keeps one EC2 backend per account and looks a
   gateway up in the caller's only. So a spoke's attachment finds the gateway in its own
   account's backend, where only the RAM share (gap 6) puts it, and the one attachment
   record is registered in both the VPC owner's backend and the gateway owner's (in AWS
   both accounts see it), where the routing stack's associations and propagations look
   for it. The record is moto's model, built here rather than by
   ``create_transit_gateway_vpc_attachment``, which searches the caller's account only
   and always associates with the default route table.
   What AWS would refuse, the models refuse too: a gateway neither owned nor shared,
   subnets of another VPC or two in one zone, a second attachment of a VPC, routing a
   pending (not auto-accepted) attachment, a second association of an attachment, a
   repeated propagation or route.
6. ``AWS::RAM::ResourceShare``: ignored by moto's CloudFormation. We record it with
   moto's RAM backend (``create_resource_share``) and deliver shared Transit Gateways to
   the account principals' EC2 backends, as an accepted share would. Organization and OU
   principals fail here (moto's RAM accepts only an organization it holds; the tests
   create none), and ``AllowExternalPrincipals`` is recorded, not enforced.
7. ``AWS::KMS::Key`` with ``Tags``: moto's CloudFormation passes CloudFormation's
   ``Key``/``Value`` tags to a tagger expecting ``TagKey``/``TagValue`` and fails. We
   create the key without them and tag it through moto's KMS backend.

8. ``AWS::EC2::TransitGatewayPeeringAttachment``: ignored by moto's CloudFormation. We
   create it with moto's EC2 backend in the requester's account and region (moto records
   it in the peer's backend too, as AWS shows it to both), after checking that the peer
   gateway exists in the named account and region. It stays ``pendingAcceptance``.
9. ``Custom::TransitGatewayPeeringAcceptance`` and ``Custom::TransitGatewayAssociation``
   (multivpc's functions whose code the template inlines): moto would run them in
   Docker. We run the function's own source file
   (multivpc/constructs/peering_acceptance_handler.py, association_handler.py) in-process,
   in the stack's account and region, with boto3 clients of the emulator and a
   ``cfnresponse`` that records the answer, on Create and on Update (with the old
   properties); a FAILED answer fails the deploy. So the association handler's calls
   meet moto's EC2 API, which we make report an attachment's association as its
   (dis)associate calls leave it, and refuse a second association of an attachment, as
   AWS does.
   Each side keeps its own record of a peering attachment (moto shares one, so the
   second side's association would find the first's); acceptance makes both available.
   Associations and routes of the peering attachment then check, as AWS does, that it is
   available and that it belongs to their route table's gateway (either side).

10. ``AWS::EC2::VPCEndpoint``: moto keeps the policy document as an object where its API
   answers JSON, drops tags and ignores updates. ``tests/deploy/endpoint_models.py``
   creates endpoints through moto's EC2 backend (prefix-list routes of gateway endpoints,
   a network interface per subnet of an interface endpoint) and applies in-place updates
   of route tables, subnets, security groups, policy and private DNS; a create-only change
   fails loudly.
11. ``AWS::IAM::Role``: moto ignores ``ManagedPolicyArns`` and loads no AWS managed
   policies. The same module attaches each one, taking an AWS managed policy from moto's
   copy of AWS's list (an unknown name fails the deploy).

12. ``AWS::EC2::VPCPeeringConnection``: moto's CloudFormation looks the peer VPC up in the
   requester's own account and region (so a peer elsewhere fails) and leaves every
   connection pending-acceptance. We look the peer VPC up in ``PeerOwnerId`` and
   ``PeerRegion``, create the connection with moto's EC2 backend (which records it on
   both sides), and accept it in the accepter's account and region as CloudFormation
   does: with ``PeerRoleArn`` after checking that the role exists there and trusts the
   requester account, on a condition on ``aws:PrincipalArn`` that admits the role the
   stack deploys with (the ``RoleARN`` the CDK CLI passed: CloudFormation assumes
   ``PeerRoleArn`` with the stack's credentials), as gap 4 checks (across accounts
   without it, the deploy fails); in one account without a role. The accept role's
   permissions (``ec2:AccepterVpc``, ``ec2:RequesterVpc``) stay unproven.
13. Stack updates: moto registers a stack's exports when it creates the stack, not when
   an update adds one, so a stack importing a new export (a VPC's new group's route table,
   routed by a peering stack) fails. We register the exports after each update.
14. Stack updates, order: moto deletes the resources a template no longer has before it
   creates the new ones; CloudFormation creates and updates first and deletes in its
   cleanup phase, at the end. So a subnet whose range a removed subnet held fails in AWS
   (the range is still in use) and passed in moto. We apply an update in CloudFormation's
   order: add, modify, then remove.
15. ``ModifyVpcPeeringConnectionOptions`` (the DNS option multivpc sets with ``Custom::AWS``):
   moto lets any account change either side's options of any connection, active or not.
   We refuse, as AWS does, a change of the requester's options by another account or
   region than the requester VPC's, of the accepter's by another than the accepter VPC's,
   and any change before the connection is active. moto reports the options in
   ``DescribeVpcPeeringConnections`` (each side's ``PeeringOptions``), which the test reads.
   Not proven: DNS answers themselves, and the ``Delete`` call (moto does not run it).
16. ``AWS::EC2::Route``: moto's CloudFormation neither updates nor deletes a route (an
   update leaves nothing in the stack's resource map, a removed route stays). We change
   its target in place (``ReplaceRoute``: a NAT gateway, Transit Gateway or peering
   connection that changed, as CloudFormation does) and delete a removed route; a change
   of its route table or destination (create-only) fails loudly.
17. Exports in use: CloudFormation refuses a stack update that changes or removes an export
   another stack imports ("Cannot update export ... as it is in use by ..."); moto
   changed it silently. We refuse it too (checked after moto applied the update, which
   moto cannot roll back: the deploy fails loudly either way).

18. Replacement, and values that change without the template: moto's update compares
   template text only, so a template parameter of an SSM type that now reads another id,
   or a reference to a replaced resource, changes nothing; and moto never replaces. We
   record each resource's resolved properties when it is created or updated, apply an
   update in dependency order, update a resource whose resolved properties changed, and
   replace a gap-5 model whose create-only property changed (the properties come from the
   resource schemas ``multivpc diff`` reads): the new one takes the logical id, the
   original is deleted in the cleanup at the end. As AWS does, a gateway with attachments
   and a route table with associations refuse deletion; the update completes and leaves
   them (``ORPHANS``). A deleted attachment takes its association and propagations with
   it. The RAM share changes its principals and resources in place.

19. Security groups: moto's ``AWS::EC2::SecurityGroup`` ignores ``SecurityGroupEgress`` (the
   group keeps the allow-all outbound rule CloudFormation would replace), its
   ``SecurityGroupIngress`` drops a group peer's description, and its CloudFormation knows
   no ``SecurityGroupEgress``. ``tests/deploy/security_group_models.py`` creates them
   through moto's EC2 backend as AWS does; updates (a rule is create-only) fail loudly.

In-place updates of the gap-5 and gap-8 models are not emulated: a deploy that changes one
fails loudly instead of reporting a change that was not made.

What the emulator cannot prove: property semantics (moto reports other updates as
complete without applying them), NACLs, endpoint services, IAM policy evaluation (roles
exist; trust and permissions are never enforced), organization-wide RAM sharing and
share invitations, Transit Gateway propagated routes and traffic, KMS key policies, and
replacement beyond the gap-5 models. Those stay with snapshot review, cfn-lint and cdk-nag.
"""

from __future__ import annotations

import contextvars
import copy
import fnmatch
import graphlib
import json
import logging
import re
import threading
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import boto3
from botocore.exceptions import ClientError
from moto.cloudformation import parsing
from moto.cloudformation.custom_model import CustomModel
from moto.cloudformation.models import CloudFormationBackend, cloudformation_backends
from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import ServiceException
from moto.ec2.models import ec2_backends
from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend, Zone
from moto.ec2.models.route_tables import Route
from moto.ec2.models.subnets import Subnet
from moto.ec2.models.transit_gateway import TransitGateway
from moto.ec2.models.transit_gateway_attachments import (
    TransitGatewayAttachment,
    TransitGatewayVpcAttachment,
)
from moto.kms.models import Key, kms_backends
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.ram.models import ram_backends
from werkzeug.serving import make_server

from multivpc.analysis.schemas import create_only_properties, value_at
from multivpc.constructs.transit_gateway import ASSOCIATION_HANDLER, ASSOCIATION_TYPE
from multivpc.constructs.transit_gateway_peering import ACCEPTANCE_TYPE, HANDLER_SOURCE
from tests.deploy import (
    endpoint_models,  # noqa: F401  (registers gaps 10 and 11 with moto)
    security_group_models,  # noqa: F401  (registers gap 19 with moto)
)
from tests.deploy.shim import Shim
from tests.support.inline_handler import Answers, Context, load_handler

HOST = "127.0.0.1"


class RouteTableAssociation(Shim, CloudFormationModel):
    """AWS::EC2::SubnetRouteTableAssociation that really associates (gap 1)."""

    CFN_TYPE = "AWS::EC2::SubnetRouteTableAssociation"
    ATTRIBUTES = frozenset({"Id"})

    def __init__(self, association_id: str) -> None:
        self.association_id = association_id

    @property
    def physical_resource_id(self) -> str:
        return self.association_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> RouteTableAssociation:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        association_id = backend.associate_route_table(
            properties["RouteTableId"], subnet_id=properties["SubnetId"]
        )
        return cls(association_id)


class SubnetWithPublicIpSetting(Shim, CloudFormationModel):
    """AWS::EC2::Subnet that applies MapPublicIpOnLaunch (gap 3); the rest is moto's."""

    CFN_TYPE = "AWS::EC2::Subnet"
    ATTRIBUTES_OF = Subnet

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Subnet:
        subnet = Subnet.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        public = str(cloudformation_json["Properties"].get("MapPublicIpOnLaunch", False))
        ec2_backends[account_id][region_name].modify_subnet_attribute(
            subnet.id, "map_public_ip_on_launch", public.lower() == "true"
        )
        return subnet

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        Subnet.delete_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name
        )


_ROUTE_TARGETS = {
    "GatewayId": "gateway_id",
    "NatGatewayId": "nat_gateway_id",
    "TransitGatewayId": "transit_gateway_id",
    "VpcPeeringConnectionId": "vpc_peering_connection_id",
    "EgressOnlyInternetGatewayId": "egress_only_igw_id",
    "InstanceId": "instance_id",
    "NetworkInterfaceId": "interface_id",
}
_ROUTE_PLACE = ("RouteTableId", "DestinationCidrBlock", "DestinationIpv6CidrBlock")


class RouteWithUpdates(Shim, CloudFormationModel):
    """AWS::EC2::Route whose target changes in place and which is deleted when removed
    (gap 16); creation is moto's."""

    CFN_TYPE = "AWS::EC2::Route"
    ATTRIBUTES_OF = Route

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Route:
        route = Route.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        route.multivpc_properties = dict(cloudformation_json["Properties"])  # type: ignore[attr-defined]
        return route

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Route,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Route:
        properties = cloudformation_json["Properties"]
        old = getattr(original_resource, "multivpc_properties", {})
        if any(properties.get(key) != old.get(key) for key in _ROUTE_PLACE):
            raise EmulatorRefuses(
                "the emulator does not replace AWS::EC2::Route (its route table or "
                "destination changed; tests/deploy/emulator.py)"
            )
        route = ec2_backends[account_id][region_name].replace_route(
            properties["RouteTableId"],
            properties["DestinationCidrBlock"],
            **{arg: properties[key] for key, arg in _ROUTE_TARGETS.items() if key in properties},
        )
        route.multivpc_properties = dict(properties)  # type: ignore[attr-defined]
        return route

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        table_id, _, cidr = resource_name.partition("~")  # moto's route id: TABLE~CIDR
        backend = ec2_backends[account_id][region_name]
        if table_id in backend.route_tables and cidr:
            backend.delete_route(table_id, cidr)


class EmulatorRefuses(ServiceException):
    """What AWS would refuse too; moto reports it as the failing call's error."""

    code = "ValidationError"


def _tags(properties: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])}


class _NoUpdate:
    """Updates fail loudly instead of reporting a change that was not made."""

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        raise EmulatorRefuses(
            f"the emulator does not update {cloudformation_json['Type']} in place "
            "(tests/deploy/emulator.py)"
        )


class _Record(_NoUpdate, Shim):
    """A created resource as moto's stack keeps it: its physical id, nothing else."""

    def __init__(self, physical_id: str) -> None:
        self.physical_id = physical_id

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id


class _Replaceable:
    """A model that CloudFormation replaces when a create-only property changes (gap 18):
    the update creates it anew and deletes the original in its cleanup, through the
    model's ``delete_from_cloudformation_json`` (given the original's physical id)."""

    REPLACEABLE: ClassVar[bool] = True


class TransitGatewayWithoutDefaults(_Replaceable, _NoUpdate, Shim, CloudFormationModel):
    """AWS::EC2::TransitGateway; no default route table when both defaults are off (gap 5)."""

    CFN_TYPE = "AWS::EC2::TransitGateway"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> TransitGateway:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        options = {k: v for k, v in properties.items() if k not in {"Description", "Tags"}}
        gateway = backend.create_transit_gateway(
            description=properties.get("Description"),
            options=options,
            tags=properties.get("Tags"),
        )
        if {
            options.get("DefaultRouteTableAssociation"),
            options.get("DefaultRouteTablePropagation"),
        } == {"disable"}:
            backend.transit_gateways_route_tables.pop(gateway.default_route_table.id)
            gateway.default_route_table = None
            del gateway.options["AssociationDefaultRouteTableId"]
            del gateway.options["PropagationDefaultRouteTableId"]
        return gateway

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        """As AWS: refused while attachments exist (gap 18)."""
        backend = ec2_backends[account_id][region_name]
        attached = [
            a.id
            for a in backend.transit_gateway_attachments.values()
            if a.transit_gateway_id == resource_name and a.state != "deleted"
        ]
        if attached:
            raise EmulatorRefuses(
                f"IncorrectState: {resource_name} has non-deleted attachments {attached}"
            )
        backend.delete_transit_gateway(resource_name)


class TransitGatewayRouteTableModel(_Replaceable, _Record, CloudFormationModel):
    """AWS::EC2::TransitGatewayRouteTable, on a gateway of this account (gap 5)."""

    CFN_TYPE = "AWS::EC2::TransitGatewayRouteTable"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> TransitGatewayRouteTableModel:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        gateway = backend.transit_gateways.get(properties["TransitGatewayId"])
        if gateway is None or gateway.owner_id != account_id:
            raise EmulatorRefuses(
                f"{properties['TransitGatewayId']} is not a Transit Gateway of {account_id}"
            )
        table = backend.create_transit_gateway_route_table(gateway.id, tags=_tags(properties))
        return cls(table.id)

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        """As AWS: refused while attachments are associated with it (gap 18)."""
        backend = ec2_backends[account_id][region_name]
        table = backend.transit_gateways_route_tables[resource_name]
        if table.route_table_associations:
            raise EmulatorRefuses(
                f"IncorrectState: {resource_name} has associations "
                f"{sorted(table.route_table_associations)}"
            )
        backend.delete_transit_gateway_route_table(resource_name)


class TransitGatewayAttachmentModel(_Replaceable, _Record, CloudFormationModel):
    """AWS::EC2::TransitGatewayAttachment (a VPC's), also of a shared gateway (gap 5)."""

    CFN_TYPE = "AWS::EC2::TransitGatewayAttachment"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> TransitGatewayAttachmentModel:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        # The account's own gateways and those shared with it (gap 6).
        gateway = backend.transit_gateways.get(properties["TransitGatewayId"])
        if gateway is None:
            raise EmulatorRefuses(
                f"Transit Gateway {properties['TransitGatewayId']} is neither owned by nor "
                f"shared with {account_id}"
            )
        vpc = backend.get_vpc(properties["VpcId"])
        subnets = [backend.get_subnet(subnet_id) for subnet_id in properties["SubnetIds"]]
        zones = {subnet.availability_zone for subnet in subnets}
        if any(s.vpc_id != vpc.id for s in subnets) or len(zones) != len(subnets):
            raise EmulatorRefuses("an attachment takes subnets of its VPC, one per zone")
        owner = gateway.ec2_backend
        if any(
            a.resource_id == vpc.id and a.transit_gateway_id == gateway.id
            for a in owner.transit_gateway_attachments.values()
        ):
            raise EmulatorRefuses(f"{vpc.id} is already attached to {gateway.id}")
        attachment = TransitGatewayVpcAttachment(
            backend,
            transit_gateway=gateway,
            vpc_id=vpc.id,
            subnet_ids=[subnet.id for subnet in subnets],
            tags=_tags(properties),
            options=properties.get("Options"),
        )
        if owner is not backend and gateway.options["AutoAcceptSharedAttachments"] != "enable":
            attachment.state = "pendingAcceptance"
        attachment.multivpc_owner = owner  # type: ignore[attr-defined]
        backend.transit_gateway_attachments[attachment.id] = attachment
        owner.transit_gateway_attachments[attachment.id] = attachment
        default = gateway.default_route_table
        if default is not None and attachment.state == "available":
            if gateway.options["DefaultRouteTableAssociation"] == "enable":
                owner.associate_transit_gateway_route_table(attachment.id, default.id)
            if gateway.options["DefaultRouteTablePropagation"] == "enable":
                owner.enable_transit_gateway_route_table_propagation(attachment.id, default.id)
        return cls(attachment.id)

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        """Gone from both accounts' records, with its association and propagations, as AWS
        removes them with the attachment (gap 18)."""
        backend = ec2_backends[account_id][region_name]
        attachment = backend.transit_gateway_attachments.get(resource_name)
        if attachment is None:
            return
        owner = getattr(attachment, "multivpc_owner", backend)  # the gateway's account
        for table in owner.transit_gateways_route_tables.values():
            table.route_table_associations.pop(resource_name, None)
            table.route_table_propagation = [
                p for p in table.route_table_propagation
                if p.transitGatewayAttachmentId != resource_name
            ]  # fmt: skip
        owner.transit_gateway_associations.pop(resource_name, None)
        owner.transit_gateway_propagations.pop(resource_name, None)
        for records in {id(backend): backend, id(owner): owner}.values():
            records.transit_gateway_attachments.pop(resource_name, None)
        attachment.state = "deleted"


def _table_and_attachment(
    account_id: str, region_name: str, properties: dict[str, Any]
) -> tuple[Any, Any]:
    """A route table of this account's gateway and an attachment to that gateway."""
    backend = ec2_backends[account_id][region_name]
    table = backend.transit_gateways_route_tables.get(properties["TransitGatewayRouteTableId"])
    attachment_id = properties.get("TransitGatewayAttachmentId")
    attachment = backend.transit_gateway_attachments.get(attachment_id) if attachment_id else None
    if table is None or (attachment_id and attachment is None):
        raise EmulatorRefuses(f"no such route table or attachment in {account_id}: {properties}")
    if attachment is not None:
        # A peering attachment belongs to the gateways of both sides.
        peer = getattr(attachment, "accepter_tgw_info", {}).get("TransitGatewayId")
        if table.transit_gateway_id not in {attachment.transit_gateway_id, peer}:
            raise EmulatorRefuses(f"{attachment.id} and {table.id}: different gateways")
        if attachment.state != "available":
            raise EmulatorRefuses(f"{attachment.id} is {attachment.state}, not available")
    return table, attachment


class TransitGatewayPropagationModel(_Replaceable, _Record, CloudFormationModel):
    """AWS::EC2::TransitGatewayRouteTablePropagation (gap 5)."""

    CFN_TYPE = "AWS::EC2::TransitGatewayRouteTablePropagation"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> TransitGatewayPropagationModel:
        backend = ec2_backends[account_id][region_name]
        table, attachment = _table_and_attachment(
            account_id, region_name, cloudformation_json["Properties"]
        )
        if any(
            p.transitGatewayAttachmentId == attachment.id for p in table.route_table_propagation
        ):
            raise EmulatorRefuses(f"{attachment.id} already propagates into {table.id}")
        backend.enable_transit_gateway_route_table_propagation(attachment.id, table.id)
        return cls(f"{table.id}|{attachment.id}")

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        """Off in its table; already gone with a deleted attachment (gap 18)."""
        table_id, attachment_id = resource_name.split("|")
        table = ec2_backends[account_id][region_name].transit_gateways_route_tables[table_id]
        table.route_table_propagation = [
            p
            for p in table.route_table_propagation
            if p.transitGatewayAttachmentId != attachment_id
        ]


class TransitGatewayRouteModel(_Replaceable, _Record, CloudFormationModel):
    """AWS::EC2::TransitGatewayRoute, to an attachment or a blackhole (gap 5)."""

    CFN_TYPE = "AWS::EC2::TransitGatewayRoute"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> TransitGatewayRouteModel:
        properties = cloudformation_json["Properties"]
        table, attachment = _table_and_attachment(account_id, region_name, properties)
        blackhole = str(properties.get("Blackhole", False)).lower() == "true"
        cidr = properties["DestinationCidrBlock"]
        if blackhole == (attachment is not None) or cidr in table.routes:
            raise EmulatorRefuses(
                f"{table.id} {cidr}: a route takes a CIDR new to its table and one target"
            )
        route = ec2_backends[account_id][region_name].create_transit_gateway_route(
            table.id, cidr, attachment.id if attachment else None, blackhole
        )
        # moto keeps the route's target as one dict where its serializer expects a list,
        # and SearchTransitGatewayRoutes would report no target at all.
        target = route.get("transitGatewayAttachments")
        if isinstance(target, dict):
            route["transitGatewayAttachments"] = [target]
        return cls(f"{table.id}_{cidr}")

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        """Gone from its table (gap 18)."""
        table_id, cidr = resource_name.split("_", 1)
        table = ec2_backends[account_id][region_name].transit_gateways_route_tables[table_id]
        table.routes.pop(cidr, None)


class ResourceShareModel(_Record, CloudFormationModel):
    """AWS::RAM::ResourceShare, recorded by moto's RAM backend; delivers Transit Gateways
    to the account principals (gap 6), and changes them in place (gap 18)."""

    CFN_TYPE = "AWS::RAM::ResourceShare"
    ATTRIBUTES = frozenset({"Arn"})

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.physical_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ResourceShareModel:
        properties = cloudformation_json["Properties"]
        share = ram_backends[account_id][region_name].create_resource_share(
            name=properties["Name"],
            principals=list(properties.get("Principals", [])),
            resourceArns=list(properties.get("ResourceArns", [])),
            allowExternalPrincipals=properties.get("AllowExternalPrincipals", True),
        )["resourceShare"]
        _deliver(properties, account_id, region_name)
        record = cls(share["resourceShareArn"])
        record.multivpc_properties = properties  # type: ignore[attr-defined]
        return record

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """Principals and resources change in place (gap 18): what the share no longer
        names is withdrawn, what it names now is delivered, and moto's RAM record of the
        share names what the template names."""
        properties = cloudformation_json["Properties"]
        _deliver(original_resource.multivpc_properties, account_id, region_name, withdraw=True)
        _deliver(properties, account_id, region_name)
        [share] = [
            share
            for share in ram_backends[account_id][region_name].resource_shares
            if share.arn == original_resource.physical_id
        ]
        share.principals = list(properties.get("Principals", []))
        share.resource_arns = list(properties.get("ResourceArns", []))
        original_resource.multivpc_properties = properties
        return original_resource


def _deliver(
    properties: dict[str, Any], account_id: str, region_name: str, *, withdraw: bool = False
) -> None:
    """The share's Transit Gateways in (or, ``withdraw``, out of) its account principals'
    EC2 backends, as an accepted share makes them visible there."""
    backend = ec2_backends[account_id][region_name]
    principals = [p for p in properties.get("Principals", []) if re.fullmatch(r"\d{12}", p)]
    for arn in properties.get("ResourceArns", []):
        if ":transit-gateway/" not in arn:
            continue
        gateway_id = arn.rsplit("/", 1)[1]
        gateway = backend.transit_gateways.get(gateway_id)
        if not withdraw and (gateway is None or arn.split(":")[3:5] != [region_name, account_id]):
            raise EmulatorRefuses(f"{arn} is not a Transit Gateway of {account_id}")
        for principal in principals:
            shared = ec2_backends[principal][region_name].transit_gateways
            if withdraw:
                shared.pop(gateway_id, None)
            elif gateway is not None:
                shared[gateway_id] = gateway


class KmsKeyWithTags(Shim, CloudFormationModel):
    """AWS::KMS::Key whose CloudFormation tags reach moto's tagger (gap 7)."""

    CFN_TYPE = "AWS::KMS::Key"
    ATTRIBUTES_OF = Key

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Key:
        properties = dict(cloudformation_json["Properties"])
        tags = properties.pop("Tags", [])
        key = Key.create_from_cloudformation_json(
            resource_name,
            {**cloudformation_json, "Properties": properties},
            account_id,
            region_name,
            **kwargs,
        )
        kms_backends[account_id][region_name].tag_resource(key.id, _tags({"Tags": tags}))
        return key


class TransitGatewayPeeringAttachmentModel(_Record, CloudFormationModel):
    """AWS::EC2::TransitGatewayPeeringAttachment, pending until accepted (gap 8)."""

    CFN_TYPE = "AWS::EC2::TransitGatewayPeeringAttachment"
    ATTRIBUTES = frozenset({"TransitGatewayAttachmentId"})

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.physical_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> TransitGatewayPeeringAttachmentModel:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        gateway = backend.transit_gateways.get(properties["TransitGatewayId"])
        if gateway is None or gateway.owner_id != account_id:
            raise EmulatorRefuses(
                f"{properties['TransitGatewayId']} is not a Transit Gateway of {account_id}"
            )
        peer_account = properties.get("PeerAccountId", account_id)
        peer_region = properties.get("PeerRegion", region_name)
        peer = ec2_backends[peer_account][peer_region].transit_gateways.get(
            properties["PeerTransitGatewayId"]
        )
        if peer is None or peer.owner_id != peer_account:
            raise EmulatorRefuses(
                f"no Transit Gateway {properties['PeerTransitGatewayId']} in {peer_account} "
                f"{peer_region}"
            )
        attachment = backend.create_transit_gateway_peering_attachment(
            gateway.id, peer.id, peer_region, peer_account, tags=_tags(properties)
        )
        # Each side associates the attachment with its own gateway's table (moto keeps one
        # record for both, so the second side's association would find the first's).
        peer_backend = ec2_backends[peer_account][peer_region]
        if peer_backend is not backend:
            peer_backend.transit_gateway_attachments[attachment.id] = copy.copy(attachment)
        return cls(attachment.id)


class VpcPeeringConnectionModel(_Record, CloudFormationModel):
    """AWS::EC2::VPCPeeringConnection to a VPC of any account and region, accepted as
    CloudFormation accepts it (gap 12)."""

    CFN_TYPE = "AWS::EC2::VPCPeeringConnection"
    ATTRIBUTES = frozenset({"Id"})

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.physical_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> VpcPeeringConnectionModel:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        peer_account = properties.get("PeerOwnerId", account_id)
        peer_region = properties.get("PeerRegion", region_name)
        peer_backend = ec2_backends[peer_account][peer_region]
        vpc = backend.vpcs.get(properties["VpcId"])
        peer = peer_backend.vpcs.get(properties["PeerVpcId"])
        if vpc is None or peer is None:
            raise EmulatorRefuses(
                f"no VPC {properties['VpcId']} in {account_id} {region_name} or no VPC "
                f"{properties['PeerVpcId']} in {peer_account} {peer_region}"
            )
        role_arn = properties.get("PeerRoleArn")
        if peer_account != account_id:
            if role_arn is None:
                raise EmulatorRefuses(
                    "a peering with another account's VPC needs PeerRoleArn to be accepted"
                )
            if role_arn.split(":")[4] != peer_account:
                raise EmulatorRefuses(f"{role_arn} is not a role of {peer_account}")
            _check_trust(
                AwsCustomResource.endpoint,
                role_arn,
                account_id,
                peer_region,
                caller_role=_DEPLOY_ROLE.get(),
            )
        connection = backend.create_vpc_peering_connection(vpc, peer, tags=_tags(properties))
        peer_backend.accept_vpc_peering_connection(connection.id)
        return cls(connection.id)


class InlineFunctionResource(CustomModel):
    """multivpc's custom resources whose function code the template inlines (gap 9): the
    function's own source file run in-process, in the stack's account and region."""

    endpoint = ""
    sources: ClassVar[dict[str, Path]] = {}
    """{custom resource type: its handler's source}."""

    @classmethod
    def _invoke(
        cls,
        resource_type: str,
        event: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> str:
        answers = Answers()
        namespace = load_handler(cls.sources[resource_type], answers)
        endpoint = cls.endpoint

        class Boto3:
            @staticmethod
            def client(service: str, **_: Any) -> Any:
                return client_for(endpoint, service, region_name, account_id)

        namespace["boto3"] = Boto3
        namespace["handler"](event, Context(remaining_ms=120_000))
        [(status, physical, reason)] = answers.sent
        if status != "SUCCESS":
            raise EmulatorRefuses(f"{resource_type} {event['RequestType']} failed: {reason}")
        return physical

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CustomModel:
        properties = cloudformation_json["Properties"]
        kind = cloudformation_json["Type"]
        event = {"RequestType": "Create", "ResourceProperties": properties}
        physical = cls._invoke(kind, event, account_id, region_name)
        resource = CustomModel(  # type: ignore[abstract]  # moto instantiates it the same way
            region_name, "in-process", kwargs["LogicalId"], physical
        )
        resource.set_data({})
        resource.multivpc_properties = properties  # type: ignore[attr-defined]
        resource.multivpc_type = kind  # type: ignore[attr-defined]
        return resource

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: CustomModel,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> CustomModel:
        properties = cloudformation_json["Properties"]
        old = original_resource.multivpc_properties  # type: ignore[attr-defined]
        if properties != old:
            event = {
                "RequestType": "Update",
                "PhysicalResourceId": original_resource.physical_resource_id,
                "ResourceProperties": properties,
                "OldResourceProperties": old,
            }
            cls._invoke(cloudformation_json["Type"], event, account_id, region_name)
            original_resource.multivpc_properties = properties  # type: ignore[attr-defined]
        return original_resource


InlineFunctionResource.sources = {
    ACCEPTANCE_TYPE: HANDLER_SOURCE,
    ASSOCIATION_TYPE: ASSOCIATION_HANDLER,
}


def _association(self: Any) -> dict[str, str] | None:
    """What DescribeTransitGatewayAttachments reports as an attachment's association: the
    one moto's (dis)associate calls record (its own property reads a field they leave
    stale)."""
    data = getattr(self, "_association_data", None) or {}
    if self.state != "available" or "transitGatewayRouteTableId" not in data:
        return None
    return {
        "State": data["state"],
        "TransitGatewayRouteTableId": data["transitGatewayRouteTableId"],
    }


def _accept_on_both_sides(original: Any) -> Any:
    """Acceptance makes the attachment available on the requester's side too (the two
    sides hold their own records, see TransitGatewayPeeringAttachmentModel)."""

    def accept(self: Any, transit_gateway_attachment_id: str) -> Any:
        accepted = original(self, transit_gateway_attachment_id)
        info = accepted.requester_tgw_info
        requester = ec2_backends[info["OwnerId"]][info["Region"]]
        mine = requester.transit_gateway_attachments.get(transit_gateway_attachment_id)
        if mine is not None and mine is not accepted:
            mine.state = accepted.state
            mine._peering_status = accepted._peering_status  # type: ignore[attr-defined]
        return accepted

    return accept


def _options_by_owner(original: Any) -> Any:
    """Each side's peering options changed only by that side's owner, in its region, on
    an active connection (gap 15)."""

    def modify(
        self: Any,
        vpc_pcx_id: str,
        accepter_options: dict[str, Any] | None = None,
        requester_options: dict[str, Any] | None = None,
    ) -> Any:
        connection = self.get_vpc_peering_connection(vpc_pcx_id)
        if connection is not None:
            if connection._status.code != "active":
                raise EmulatorRefuses(f"{vpc_pcx_id} is {connection._status.code}, not active")
            for options, vpc, side in (
                (requester_options, connection.vpc, "requester"),
                (accepter_options, connection.peer_vpc, "accepter"),
            ):
                if options and (self.account_id, self.region_name) != (vpc.owner_id, vpc.region):
                    raise EmulatorRefuses(
                        f"only {vpc.owner_id} in {vpc.region} may change the {side} options "
                        f"of {vpc_pcx_id}, not {self.account_id} in {self.region_name}"
                    )
        return original(self, vpc_pcx_id, accepter_options, requester_options)

    return modify


def _associate_once(original: Any) -> Any:
    def associate(
        self: Any, transit_gateway_attachment_id: str, transit_gateway_route_table_id: str
    ) -> Any:
        if transit_gateway_attachment_id in self.transit_gateway_associations:
            raise EmulatorRefuses(
                f"{transit_gateway_attachment_id} is already associated (one at a time)"
            )
        return original(self, transit_gateway_attachment_id, transit_gateway_route_table_id)

    return associate


# moto finds models through CloudFormationModel.__subclasses__() (direct subclasses only,
# the later definition winning per type); they live under moto.ec2 like moto's own.
for _model in (
    RouteTableAssociation,
    SubnetWithPublicIpSetting,
    RouteWithUpdates,
    TransitGatewayWithoutDefaults,
    TransitGatewayRouteTableModel,
    TransitGatewayAttachmentModel,
    TransitGatewayPropagationModel,
    TransitGatewayRouteModel,
    ResourceShareModel,
    KmsKeyWithTags,
    TransitGatewayPeeringAttachmentModel,
    VpcPeeringConnectionModel,
):
    _model.__module__ = "moto.ec2.models.subnets"


class AwsCustomResource(CustomModel):
    """Custom::AWS run in-process (gap 4): makes the SDK call and completes at once."""

    endpoint = ""

    @classmethod
    def _run(
        cls, call_json: str, logical_id: str, name: str, account_id: str, region_name: str
    ) -> CustomModel:
        call: dict[str, Any] = json.loads(call_json or "{}")
        region = call.get("region") or region_name
        data = run_sdk_call(call, cls.endpoint, region, account_id) if call else {}
        physical = call.get("physicalResourceId", {})
        name = physical.get("id") or data.get(physical.get("responsePath", ""), name)
        resource = CustomModel(  # type: ignore[abstract]  # moto instantiates it the same way
            region_name, "in-process", logical_id, name
        )
        resource.set_data(data)
        return resource

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CustomModel:
        properties = cloudformation_json["Properties"]
        return cls._run(
            properties.get("Create"), kwargs["LogicalId"], resource_name, account_id, region_name
        )

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: CustomModel,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> CustomModel:
        update = cloudformation_json["Properties"].get("Update")
        if not update:
            return original_resource
        return cls._run(
            update,
            original_resource.logical_id,
            original_resource.resource_name,
            account_id,
            region_name,
        )


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def client_for(endpoint: str, service: str, region: str, account: str | None = None) -> Any:
    """A boto3 client for the emulator, acting in ``account`` when given (else in moto's
    default account)."""
    client = boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    if account is not None:

        def add_account(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account

        client.meta.events.register("before-sign.*.*", add_account)
    return client


def credentials_in(endpoint: str, role_arn: str, caller: str, region: str) -> dict[str, str]:
    """Credentials for ``role_arn`` from the emulator's STS; moto maps their access key to
    the role's account. ``caller`` is the account that assumes it."""
    response = client_for(endpoint, "sts", region, caller).assume_role(
        RoleArn=role_arn, RoleSessionName=f"multivpc-{caller}"
    )
    credentials = response["Credentials"]
    return {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }


_CALLER_ROLE: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "multivpc_caller_role", default=None
)
"""The ARN of the role a ``Custom::AWS`` being created or updated runs as: its stack's
SDK-call provider role (``mvpc-sdk-...``), read from the stack's template."""


_DEPLOY_ROLE: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "multivpc_deploy_role", default=None
)
"""The ARN of the role the stack being created or updated deploys with (the ``RoleARN``
its change set was given), the credentials CloudFormation's own handlers use."""


def _deploy_role_of(resources_map: Any) -> str | None:
    """The role a stack deploys with, from moto's record of the stack."""
    stacks = cloudformation_backends[resources_map._account_id][resources_map._region_name].stacks
    stack = stacks.get(resources_map.stack_id)
    return None if stack is None else stack.role_arn


def _sdk_role_of(resources_map: Any) -> str | None:
    """The ARN of the SDK-call role a stack's template names, if it has one."""
    for resource in resources_map._template.get("Resources", {}).values():
        name = resource.get("Properties", {}).get("RoleName")
        if resource["Type"] == "AWS::IAM::Role" and str(name).startswith("mvpc-sdk-"):
            return f"arn:aws:iam::{resources_map._account_id}:role/{name}"
    return None


def _check_trust(
    endpoint: str,
    role_arn: str,
    caller: str,
    region: str,
    *,
    caller_role: str | None = None,
) -> None:
    """The role exists in its account, its trust policy names ``caller``, and a condition
    on ``aws:PrincipalArn`` admits the calling role (``caller_role``, by default
    ``_CALLER_ROLE``): all we can check, since moto evaluates no IAM. Another condition
    fails loudly."""
    owner, name = role_arn.split(":")[4], role_arn.rsplit("/", 1)[1]
    try:
        role = client_for(endpoint, "iam", region, owner).get_role(RoleName=name)["Role"]
    except ClientError as error:
        raise EmulatorRefuses(f"cannot assume {role_arn}: {error}") from None
    document = role["AssumeRolePolicyDocument"]
    statements = (json.loads(document) if isinstance(document, str) else document)["Statement"]
    trusted: set[str] = set()
    caller_role = caller_role or _CALLER_ROLE.get()
    for statement in statements:
        principal = statement.get("Principal", {}).get("AWS", [])
        if statement["Effect"] != "Allow" or "sts:AssumeRole" not in str(statement["Action"]):
            continue
        named = {principal} if isinstance(principal, str) else set(principal)
        if named & {caller, f"arn:aws:iam::{caller}:root"} and not _admits(
            statement.get("Condition", {}), caller_role
        ):
            raise EmulatorRefuses(
                f"{role_arn} trusts {caller} only on {statement['Condition']}, not for the "
                f"calling role {caller_role}"
            )
        trusted |= named
    if not trusted & {caller, f"arn:aws:iam::{caller}:root"}:
        raise EmulatorRefuses(f"{role_arn} does not trust {caller} (trusts {sorted(trusted)})")


def _admits(condition: dict[str, Any], caller_role: str | None) -> bool:
    """Whether a trust statement's condition admits ``caller_role`` (aws:PrincipalArn)."""
    for operator, block in condition.items():
        for key, values in block.items():
            if key != "aws:PrincipalArn" or operator not in {
                "ArnEquals",
                "ArnLike",
                "StringEquals",
                "StringLike",
            }:
                raise EmulatorRefuses(f"the emulator cannot evaluate {operator} {key}")
            patterns = [values] if isinstance(values, str) else values
            if caller_role is None or not any(
                fnmatch.fnmatchcase(caller_role, pattern)
                if operator.endswith("Like")
                else caller_role == pattern
                for pattern in patterns
            ):
                return False
    return True


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """A response as AwsCustomResource's provider flattens it: ``Parameter.Value``."""
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        flat: dict[str, str] = {}
        for key, item in items:
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value if isinstance(value, str) else json.dumps(value, default=str)}


def run_sdk_call(call: dict[str, Any], endpoint: str, region: str, account: str) -> dict[str, str]:
    """One AwsSdkCall against the emulator, as AwsCustomResource's provider would make it
    from ``account``; returns the flattened response fields the call asks for."""
    service = call["service"].lower().removeprefix("@aws-sdk/client-")
    role_arn = call.get("assumedRoleArn")
    if role_arn:
        _check_trust(endpoint, role_arn, account, region)
        client = boto3.client(
            service,
            endpoint_url=endpoint,
            region_name=region,
            **credentials_in(endpoint, role_arn, account, region),
        )
    else:
        client = client_for(endpoint, service, region, account)
    try:
        response = getattr(client, _snake(call["action"]))(**call.get("parameters", {}))
    except ClientError as error:
        ignored = call.get("ignoreErrorCodesMatching")
        if ignored and re.search(ignored, error.response["Error"]["Code"]):
            return {}
        raise EmulatorRefuses(f"{call['service']}.{call['action']} failed: {error}") from None
    response.pop("ResponseMetadata", None)
    flat = _flatten(response)
    paths = call.get("outputPaths")
    if paths is not None:
        flat = {k: v for k, v in flat.items() if any(k.startswith(p) for p in paths)}
    return flat


def add_local_zones(zones: Iterable[tuple[str, str]]) -> None:
    """Teach moto the (region, Local Zone) pairs a config uses (gap 2)."""
    for region, name in zones:
        known = RegionsAndZonesBackend.zones.setdefault(region, [])
        if all(zone.name != name for zone in known):
            zone_id = f"{region.replace('-', '')[:5]}-{name.rsplit('-', 2)[-2]}-lz{len(known) + 1}"
            known.append(
                Zone(name=name, region_name=region, zone_id=zone_id, zone_type="local-zone")
            )


def _register_exports(original: Any) -> Any:
    """An update's new exports become importable, as a created stack's do (gap 13), and
    an export another stack imports may neither change nor go away (gap 17)."""

    def update_stack(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        before = {e.name: e.value for e in self.get_stack(name).exports}
        stack = original(self, name, *args, **kwargs)
        after = {e.name: e.value for e in stack.exports}
        for export, value in before.items():
            if after.get(export) == value:
                continue
            users = [
                other.name
                for other in self.stacks.values()
                if other.stack_id != stack.stack_id
                and other.status != "DELETE_COMPLETE"
                and export in _imports(other.template_dict)
            ]
            if users:
                raise EmulatorRefuses(
                    f"Cannot update export {export} as it is in use by {', '.join(users)}"
                )
        for export in stack.exports:
            self.exports[export.name] = export
        return stack

    return update_stack


def _imports(node: Any) -> set[str]:
    """The export names a template imports (``Fn::ImportValue`` of a plain name)."""
    if isinstance(node, dict):
        found = set()
        for key, value in node.items():
            if key == "Fn::ImportValue" and isinstance(value, str):
                found.add(value)
            else:
                found |= _imports(value)
        return found
    if isinstance(node, list):
        return set().union(*(_imports(item) for item in node)) if node else set()
    return set()


# --- gap 18: what an update resolves, and replacement --------------------------------


@dataclass(frozen=True)
class Orphan:
    """A replaced resource whose delete failed in an update's cleanup: CloudFormation
    reports DELETE_FAILED, completes the update and leaves the resource behind."""

    stack: str
    logical_id: str
    physical_id: str
    reason: str


ORPHANS: list[Orphan] = []
"""Every orphan since the emulator started or was last reset."""


def _references(node: Any) -> set[str]:
    """The logical ids and parameter names a template fragment references (``Ref``,
    ``Fn::GetAtt``, ``Fn::Sub``)."""
    if isinstance(node, list):
        return set().union(*(_references(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found: set[str] = set()
    for key, value in node.items():
        if key == "Ref" and isinstance(value, str):
            found.add(value)
        elif key == "Fn::GetAtt":
            found.add(value.split(".", 1)[0] if isinstance(value, str) else str(value[0]))
        elif key == "Fn::Sub":
            text, variables = (value, {}) if isinstance(value, str) else value
            found |= {n.split(".", 1)[0] for n in re.findall(r"\$\{([^!}][^}]*)\}", text)}
            found |= _references(variables)
        else:
            found |= _references(value)
    return found


def _dependency_order(resources: dict[str, Any]) -> list[str]:
    """Logical ids, each after every resource it references or depends on."""
    graph: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        named = {depends} if isinstance(depends, str) else set(depends)
        graph[logical_id] = ((_references(resource) | named) & resources.keys()) - {logical_id}
    return list(graphlib.TopologicalSorter(graph).static_order())


def _resolve(resources_map: Any, resource_json: dict[str, Any]) -> Any:
    """A resource's properties as CloudFormation would pass them now, or None when moto
    cannot resolve them (then only the template text tells a change)."""
    try:
        return parsing.clean_json(copy.deepcopy(resource_json.get("Properties", {})), resources_map)
    except Exception:  # moto lacks an attribute: compare the text only
        return None


def _resolved_of(resources_map: Any) -> dict[str, Any]:
    """{logical id: its properties as last created or updated}, kept on moto's map."""
    recorded: dict[str, Any] = resources_map.__dict__.setdefault("multivpc_resolved", {})
    return recorded


def _recording(original: Any) -> Any:
    """moto's parse-and-create (or -update) that also records the resolved properties."""

    def parse(
        logical_id: str,
        resource_json: dict[str, Any],
        resources_map: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        token = _CALLER_ROLE.set(_sdk_role_of(resources_map))
        deploy_token = _DEPLOY_ROLE.set(_deploy_role_of(resources_map))
        try:
            resource = original(logical_id, resource_json, resources_map, account_id, region_name)
        finally:
            _DEPLOY_ROLE.reset(deploy_token)
            _CALLER_ROLE.reset(token)
        _resolved_of(resources_map)[logical_id] = _resolve(resources_map, resource_json)
        return resource

    return parse


def _update_then_clean_up(
    self: parsing.ResourceMap, template: dict[str, Any], parameters: dict[str, Any] | None = None
) -> None:
    """moto's ``ResourceMap.update`` as CloudFormation runs it (gaps 14 and 18).

    In dependency order, it adds what is new and updates what changed; a change is new
    template text or new resolved values (a template parameter of an SSM type that reads
    another id now, a reference to a replaced resource), which moto alone never sees. A
    changed create-only property (from the resource schemas, as ``multivpc diff`` reads
    them) of a ``_Replaceable`` model replaces the resource: the new one takes the logical
    id, the original is deleted in the cleanup at the end, after the removed resources.
    A cleanup delete that fails leaves an ``Orphan``, as CloudFormation completes the update
    and leaves the resource. Each phase retries what failed on a dependency, as moto's does.
    """
    actions = self.build_resource_diff(template, parameters)
    old_resources = dict(self._resource_json_map)
    before = dict(_resolved_of(self))
    self._template = template
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    self._resource_json_map = template["Resources"]
    replaced: list[tuple[str, Any]] = []

    def change(logical_id: str) -> None:
        resource_json = self._resource_json_map[logical_id]
        if logical_id in actions["Add"] or logical_id not in old_resources:
            _ = self[logical_id]  # moto creates a resource on first access
            return
        now = _resolve(self, resource_json)
        old = before.get(logical_id)
        if logical_id not in actions["Modify"] and now == old:
            return
        model = parsing.resource_class_from_type(resource_json["Type"])
        if (
            getattr(model, "REPLACEABLE", False)
            and isinstance(old, dict)
            and isinstance(now, dict)
            and any(
                value_at(old, path) != value_at(now, path)
                for path in create_only_properties(resource_json["Type"], self._region_name) or ()
            )
        ):
            original = self._parsed_resources[logical_id]
            self._parsed_resources[logical_id] = parsing.parse_and_create_resource(
                logical_id, resource_json, self, self._account_id, self._region_name
            )
            replaced.append((logical_id, original))
            return
        updated = parsing.parse_and_update_resource(
            logical_id, resource_json, self, self._account_id, self._region_name
        )
        if updated is not None:  # None: moto has no update for the type, nothing changed
            self._parsed_resources[logical_id] = updated

    def remove(logical_id: str) -> None:
        if logical_id in self._parsed_resources:
            self._delete_resource(self._parsed_resources[logical_id], old_resources[logical_id])

    ordered = [i for i in _dependency_order(template["Resources"]) if i not in actions["Remove"]]
    for items, apply in ((ordered, change), (list(actions["Remove"]), remove)):
        pending = list(items)
        for _attempt in range(parsing.MAX_UPDATE_ATTEMPTS):
            failures: list[Exception] = []
            for logical_id in list(pending):
                try:
                    apply(logical_id)
                except Exception as error:  # retried: it may wait on another change
                    failures.append(error)
                else:
                    pending.remove(logical_id)
            if not pending:
                break
        else:
            raise failures[-1]
    stack = str(self._parsed_resources.get("AWS::StackName", ""))
    for logical_id, original in replaced:
        try:
            self._delete_resource(original, old_resources[logical_id])
        except Exception as error:  # CloudFormation: DELETE_FAILED, the update completes
            ORPHANS.append(
                Orphan(stack, logical_id, str(original.physical_resource_id), str(error))
            )


def install_moto_fixes() -> None:
    """moto's EC2 API as gap 9 needs it: associations reported as (dis)associate calls
    leave them, and a second association of an attachment refused. Idempotent."""
    if getattr(TransitGatewayAttachment, "multivpc", False):
        return
    TransitGatewayAttachment.multivpc = True  # type: ignore[attr-defined]
    TransitGatewayAttachment.association = property(_association)  # type: ignore[assignment]
    backend_class = type(ec2_backends["123456789012"]["us-east-1"])
    backend_class.associate_transit_gateway_route_table = _associate_once(  # type: ignore[method-assign]
        backend_class.associate_transit_gateway_route_table
    )
    backend_class.accept_transit_gateway_peering_attachment = _accept_on_both_sides(  # type: ignore[method-assign]
        backend_class.accept_transit_gateway_peering_attachment
    )
    backend_class.modify_vpc_peering_connection_options = _options_by_owner(  # type: ignore[method-assign]
        backend_class.modify_vpc_peering_connection_options
    )
    CloudFormationBackend.update_stack = _register_exports(  # type: ignore[method-assign]
        CloudFormationBackend.update_stack
    )
    parsing.ResourceMap.update = _update_then_clean_up  # type: ignore[method-assign]
    parsing.parse_and_create_resource = _recording(parsing.parse_and_create_resource)
    parsing.parse_and_update_resource = _recording(parsing.parse_and_update_resource)


def _install_models() -> None:
    original = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> type[CloudFormationModel]:
        if resource_type == "Custom::AWS":
            return AwsCustomResource
        if resource_type in InlineFunctionResource.sources:
            return InlineFunctionResource
        return original(resource_type)

    if getattr(parsing.resource_class_from_type, "multivpc", False):
        return
    install_moto_fixes()
    resource_class_from_type.multivpc = True  # type: ignore[attr-defined]
    parsing.resource_class_from_type = resource_class_from_type
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()


class Emulator:
    """A moto server on a free loopback port, with the gaps above closed.

    Like moto's ThreadedMotoServer, but the socket is bound before the thread starts: a
    failure to bind raises at once instead of leaving ``start`` waiting forever, and
    binding port 0 leaves no window for another process to take the port.
    """

    def __init__(self) -> None:
        self._server = make_server(
            HOST,
            0,
            DomainDispatcherApplication(create_backend_app),
            threaded=True,
            request_handler=MotoRequestHandler,
        )
        self.port = self._server.server_port
        # `localhost`, not 127.0.0.1: moto resolves S3 template URLs by that name.
        self.endpoint = f"http://localhost:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        _install_models()
        AwsCustomResource.endpoint = self.endpoint
        InlineFunctionResource.endpoint = self.endpoint
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=30)

    def reset(self) -> None:
        ORPHANS.clear()
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def client(self, service: str, region: str, account: str | None = None) -> Any:
        return client_for(self.endpoint, service, region, account)
