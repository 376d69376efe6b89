"""Security groups for the emulator (gap 19 of ``tests/deploy/emulator.py``).

moto 5.2's ``AWS::EC2::SecurityGroup`` ignores ``SecurityGroupEgress`` and keeps the
allow-all outbound rule every new group gets; CloudFormation replaces that rule with the
template's (multivpc gives every group a rule matching no traffic, so it sends nothing
unless a rule resource allows it). moto's ``AWS::EC2::SecurityGroupIngress`` drops the
description of a rule whose peer is a group, and ignores ``SourcePrefixListId``; its
CloudFormation knows no ``AWS::EC2::SecurityGroupEgress`` at all. These models create
through moto's EC2 backend as AWS would, so DescribeSecurityGroups answers with the rules
the template asked for, descriptions included. Not emulated (a deploy that needs them
fails loudly): in-place updates of a group or a rule (a rule's properties are all
create-only in AWS; CloudFormation replaces it), and prefix lists' descriptions (moto's
API drops them).
"""

from __future__ import annotations

from typing import Any, ClassVar

from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import ServiceException
from moto.ec2.models import ec2_backends
from moto.ec2.models.security_groups import SecurityGroup

from tests.deploy.shim import Shim


class NotEmulated(ServiceException):
    code = "ValidationError"


def _peer(properties: dict[str, Any], group_key: str, prefix_key: str) -> dict[str, Any]:
    """The rule's peer as moto's authorize calls take it, with the rule's description."""
    description = properties.get("Description")
    if "CidrIp" in properties:
        return {"ip_ranges": [{"CidrIp": properties["CidrIp"], "Description": description}]}
    if group_key in properties:
        return {
            "ip_ranges": [],
            "source_groups": [{"GroupId": properties[group_key], "Description": description}],
        }
    return {
        "ip_ranges": [],
        "prefix_list_ids": [{"PrefixListId": properties[prefix_key], "Description": description}],
    }


class SecurityGroupModel(Shim, CloudFormationModel):
    """AWS::EC2::SecurityGroup whose ``SecurityGroupEgress`` replaces the allow-all rule."""

    CFN_TYPE = "AWS::EC2::SecurityGroup"
    ATTRIBUTES_OF = SecurityGroup

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SecurityGroup:
        group: SecurityGroup = SecurityGroup.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        egress = cloudformation_json["Properties"].get("SecurityGroupEgress")
        if egress is None:
            return group  # AWS keeps its allow-all rule too
        backend = ec2_backends[account_id][region_name]
        # moto keeps the allow-all rule without ports
        backend.revoke_security_group_egress(group.id, "-1", None, None, [{"CidrIp": "0.0.0.0/0"}])  # type: ignore[arg-type]
        for rule in egress:
            backend.authorize_security_group_egress(
                group.id,
                rule["IpProtocol"],
                rule.get("FromPort"),
                rule.get("ToPort"),
                **_peer(rule, "DestinationSecurityGroupId", "DestinationPrefixListId"),
            )
        return group

    @classmethod
    def update_from_cloudformation_json(cls, *args: Any, **kwargs: Any) -> Any:
        raise NotEmulated("the emulator does not update a security group in place")


class _Rule(Shim):
    """A rule as the stack keeps it: its rule id (``sgr-...``) is its physical id. Each
    direction names its moto call and the properties that hold a group or prefix-list
    peer."""

    AUTHORIZE: ClassVar[str]
    PEER_KEYS: ClassVar[tuple[str, str]]

    def __init__(self, rule_id: str) -> None:
        self.rule_id = rule_id

    @property
    def physical_resource_id(self) -> str:
        return self.rule_id

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> _Rule:
        properties = cloudformation_json["Properties"]
        authorize = getattr(ec2_backends[account_id][region_name], cls.AUTHORIZE)
        rules, _ = authorize(
            properties["GroupId"],
            properties["IpProtocol"],
            properties.get("FromPort"),
            properties.get("ToPort"),
            **_peer(properties, *cls.PEER_KEYS),
        )
        return cls(rules[0].id)

    @classmethod
    def update_from_cloudformation_json(cls, *args: Any, **kwargs: Any) -> Any:
        raise NotEmulated(f"{cls.CFN_TYPE}'s properties are create-only; not emulated")


class SecurityGroupIngressModel(_Rule, CloudFormationModel):
    CFN_TYPE = "AWS::EC2::SecurityGroupIngress"
    AUTHORIZE = "authorize_security_group_ingress"
    PEER_KEYS = ("SourceSecurityGroupId", "SourcePrefixListId")


class SecurityGroupEgressModel(_Rule, CloudFormationModel):
    CFN_TYPE = "AWS::EC2::SecurityGroupEgress"
    AUTHORIZE = "authorize_security_group_egress"
    PEER_KEYS = ("DestinationSecurityGroupId", "DestinationPrefixListId")
