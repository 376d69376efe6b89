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
4. ``Custom::AWS`` (aws-cdk-lib's ``AwsCustomResource``, which multivpc uses to revoke the
   default security group's rules): moto runs custom resources as Lambda functions in
   Docker, which is absent, so they never complete. We run the resource's SDK call
   in-process against the emulator with boto3, the way the provider Lambda would
   (``Create``/``Update`` JSON: service, action, parameters, ignoreErrorCodesMatching).

What the emulator cannot prove: property semantics (updates report success but change
nothing), NACLs, endpoint services, RAM shares, IAM policy evaluation, and replacement
behaviour. Those stay with snapshot review, cfn-lint and cdk-nag.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.request
from collections.abc import Iterable
from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto.cloudformation import parsing
from moto.cloudformation.custom_model import CustomModel
from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend, Zone
from moto.ec2.models.subnets import Subnet
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

HOST = "127.0.0.1"


class RouteTableAssociation(CloudFormationModel):
    """AWS::EC2::SubnetRouteTableAssociation that really associates (gap 1)."""

    def __init__(self, association_id: str) -> None:
        self.association_id = association_id

    @property
    def physical_resource_id(self) -> str:
        return self.association_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::SubnetRouteTableAssociation"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

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


class SubnetWithPublicIpSetting(CloudFormationModel):
    """AWS::EC2::Subnet that applies MapPublicIpOnLaunch (gap 3); the rest is moto's."""

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::Subnet"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return Subnet.has_cfn_attr(attr)

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


# moto finds models through CloudFormationModel.__subclasses__() (direct subclasses only,
# the later definition winning per type); they live under moto.ec2 like moto's own.
RouteTableAssociation.__module__ = "moto.ec2.models.subnets"
SubnetWithPublicIpSetting.__module__ = "moto.ec2.models.subnets"


class AwsCustomResource(CustomModel):
    """Custom::AWS run in-process (gap 4): performs the SDK call and completes at once."""

    endpoint = ""

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
        resource = CustomModel(  # type: ignore[abstract]  # moto instantiates it the same way
            region_name, "in-process", kwargs["LogicalId"], resource_name
        )
        call = json.loads(properties.get("Create") or "{}")
        if call:
            run_sdk_call(call, cls.endpoint, region_name)
        # multivpc reads no response fields of its AwsCustomResources.
        resource.set_data({})
        return resource


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def client_for(endpoint: str, service: str, region: str, account: str | None = None) -> Any:
    """A boto3 client for the emulator, acting in ``account`` when given (else in the
    account MOTO_ACCOUNT_ID names, or moto's default)."""
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


def run_sdk_call(call: dict[str, Any], endpoint: str, region: str) -> None:
    """One AwsSdkCall against the emulator, as AwsCustomResource's provider would make it."""
    service = call["service"].lower().removeprefix("@aws-sdk/client-")
    client = client_for(endpoint, service, region)
    try:
        getattr(client, _snake(call["action"]))(**call.get("parameters", {}))
    except ClientError as error:
        ignored = call.get("ignoreErrorCodesMatching")
        if not (ignored and re.search(ignored, error.response["Error"]["Code"])):
            raise


def add_local_zones(zones: Iterable[tuple[str, str]]) -> None:
    """Teach moto the (region, Local Zone) pairs a config uses (gap 2)."""
    for region, name in zones:
        known = RegionsAndZonesBackend.zones.setdefault(region, [])
        if all(zone.name != name for zone in known):
            zone_id = f"{region.replace('-', '')[:5]}-{name.rsplit('-', 2)[-2]}-lz{len(known) + 1}"
            known.append(
                Zone(name=name, region_name=region, zone_id=zone_id, zone_type="local-zone")
            )


def _install_models() -> None:
    original = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> type[CloudFormationModel]:
        if resource_type == "Custom::AWS":
            return AwsCustomResource
        return original(resource_type)

    if getattr(parsing.resource_class_from_type, "multivpc", False):
        return
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
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=30)

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def client(self, service: str, region: str, account: str | None = None) -> Any:
        return client_for(self.endpoint, service, region, account)
