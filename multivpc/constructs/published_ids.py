"""Publish a NetworkVpc's ids where other apps (other repos, other accounts) can read them.

SSM parameters under one stable prefix, and stack outputs:

```
PREFIX/vpc-id                               vpc-0123...
PREFIX/cidr                                 10.0.0.0/16
PREFIX/subnet-groups/GROUP/subnet-ids       subnet-a,subnet-b      (StringList, zone order)
PREFIX/subnets/GROUP/ZONE/subnet-id         subnet-a
PREFIX/subnets/GROUP/ZONE/route-table-id    rtb-a
```
"""

from __future__ import annotations

import re

import aws_cdk as cdk
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from multivpc.constructs.errors import ConstructArgumentError
from multivpc.constructs.network_vpc import NetworkVpc

_PREFIX = re.compile(r"^/[A-Za-z0-9_.\-/]{1,900}[A-Za-z0-9_.\-]$")


class PublishedIds(Construct):
    """SSM parameters and stack outputs with the ids of a ``NetworkVpc``.

    Args:
        network_vpc: the VPC whose ids are published.
        prefix: the parameter path prefix, such as ``/multivpc/estate/app``; it starts
            with ``/`` and does not end with one.
        outputs: also add stack outputs (VPC id, subnet ids per group, security group
            ids). Default True.

    Raises:
        ConstructArgumentError: the prefix is not a valid SSM parameter path.
    """

    parameters: dict[str, ssm.StringParameter | ssm.StringListParameter]
    """Every parameter, by its name."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        network_vpc: NetworkVpc,
        prefix: str,
        outputs: bool = True,
    ) -> None:
        super().__init__(scope, id)
        if not _PREFIX.match(prefix) or "//" in prefix:
            raise ConstructArgumentError(
                self.node.path,
                f"prefix {prefix[:60]!r} is not an SSM parameter path; write it like "
                "/multivpc/estate/app",
            )
        self.parameters = {}
        # Each value read from the construct once: every read is a jsii round trip.
        vpc_id = network_vpc.cfn_vpc.ref
        self._string("VpcId", f"{prefix}/vpc-id", vpc_id)
        self._string("Cidr", f"{prefix}/cidr", network_vpc.cidr)
        groups: dict[str, list[str]] = {}
        for (group, zone), subnet in network_vpc.subnets.items():
            subnet_id = subnet.subnet_id
            groups.setdefault(group, []).append(subnet_id)
            base = f"{prefix}/subnets/{group}/{zone}"
            self._string(f"{group}-{zone}-SubnetId", f"{base}/subnet-id", subnet_id)
            self._string(
                f"{group}-{zone}-RouteTableId",
                f"{base}/route-table-id",
                subnet.route_table.route_table_id,
            )
        for group, ids in groups.items():
            name = f"{prefix}/subnet-groups/{group}/subnet-ids"
            self.parameters[name] = ssm.StringListParameter(
                self, f"{group}-SubnetIds", parameter_name=name, string_list_value=ids
            )
        security_groups = network_vpc.security_groups
        named = security_groups.groups if security_groups else {}
        for group_name, security_group in named.items():
            group_id = security_group.attr_group_id
            self._string(
                f"SecurityGroup-{group_name}",
                f"{prefix}/security-groups/{group_name}/group-id",
                group_id,
            )
            if outputs:
                cdk.CfnOutput(
                    self,
                    f"SecurityGroup-{group_name}-Output",
                    value=group_id,
                    description=f"Security group {group_name}",
                )
        if outputs:
            cdk.CfnOutput(self, "VpcIdOutput", value=vpc_id)
            for group, ids in groups.items():
                cdk.CfnOutput(
                    self,
                    f"{group}-SubnetIdsOutput",
                    value=cdk.Fn.join(",", ids),
                    description=f"Subnet ids of group {group}",
                )

    def _string(self, id: str, name: str, value: str) -> None:
        self.parameters[name] = ssm.StringParameter(
            self, id, parameter_name=name, string_value=value
        )
