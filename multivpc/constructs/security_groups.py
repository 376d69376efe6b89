"""SecurityGroups: named security groups of one VPC, each rule its own resource, no
outbound traffic unless a rule allows it."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from multivpc.constructs.errors import ConstructArgumentError
from multivpc.vocabulary import (
    MAX_ICMP_TYPE,
    MAX_PORT,
    WEB_PORTS,
    SecurityGroupProtocol,
    cidr_id,
    duplicates,
)

Direction = Literal["ingress", "egress"]
PeerKind = Literal["cidr", "group", "group-id", "prefix-list"]
_IP_PROTOCOLS: dict[str, str] = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "all": "-1"}
NO_TRAFFIC_EGRESS = ec2.CfnSecurityGroup.EgressProperty(
    ip_protocol="icmp",
    from_port=252,
    to_port=86,
    cidr_ip="255.255.255.255/32",
    description="No outbound traffic unless a rule of its own allows it",
)
"""What aws-cdk-lib writes for ``allow_all_outbound=False``: a rule that matches no
traffic, since a group whose template gives no outbound rule gets AWS's allow-all one."""


@dataclass(frozen=True)
class Peer:
    """The other side of a rule. Use the class methods: ``Peer.cidr("10.0.0.0/16")``,
    ``Peer.group("app")`` (a group of the same ``SecurityGroups``),
    ``Peer.group_id(id, name="shared-app")`` (any group by id; ``name`` keeps the rule's
    construct ID stable) or ``Peer.prefix_list(id, name="s3")``."""

    kind: PeerKind
    value: str
    name: str = ""

    @classmethod
    def cidr(cls, cidr: str) -> Peer:
        return cls("cidr", cidr)

    @classmethod
    def group(cls, name: str) -> Peer:
        return cls("group", name, name)

    @classmethod
    def group_id(cls, group_id: str, *, name: str) -> Peer:
        return cls("group-id", group_id, name)

    @classmethod
    def prefix_list(cls, prefix_list_id: str, *, name: str) -> Peer:
        return cls("prefix-list", prefix_list_id, name)

    @property
    def label(self) -> str:
        """What the rule's construct ID says of the peer."""
        if self.kind == "cidr":
            return cidr_id(self.value)
        return f"{'pl' if self.kind == 'prefix-list' else 'sg'}-{self.name}"


@dataclass(frozen=True)
class SecurityGroupRule:
    """One rule: ``protocol`` from or to ``peer`` on ports ``from_port`` to ``to_port``.

    Args:
        protocol: ``tcp``, ``udp``, ``icmp`` or ``all``.
        peer: where traffic comes from (ingress) or goes to (egress).
        description: what the rule is for; required (AWS shows it beside the rule).
        from_port, to_port: the port range (tcp, udp); for icmp the ICMP type in
            ``from_port`` (``to_port`` unused). Default None: every port (or type); with
            ``all`` they must be None.
    """

    protocol: SecurityGroupProtocol
    peer: Peer
    description: str
    from_port: int | None = None
    to_port: int | None = None

    @property
    def ports(self) -> tuple[int, int]:
        """The ports as AWS takes them: -1 for every ICMP type and code or protocol."""
        if self.protocol == "all":
            return (-1, -1)
        if self.protocol == "icmp":
            return (-1, -1) if self.from_port is None else (self.from_port, -1)
        if self.from_port is None:
            return (0, MAX_PORT)
        return (self.from_port, self.to_port if self.to_port is not None else self.from_port)

    def construct_id(self, direction: Direction) -> str:
        """Derived from the rule itself, so that adding a rule renames no other."""
        low, high = self.ports
        if self.protocol == "all":
            ports = "all"
        elif low == high or self.protocol == "icmp":
            ports = "all" if low == -1 else str(low)
        else:
            ports = f"{low}-{high}"
        way = "In" if direction == "ingress" else "Out"
        towards = "From" if direction == "ingress" else "To"
        return f"{way}-{self.protocol}-{ports}-{towards}-{self.peer.label}"


@dataclass(frozen=True)
class SecurityGroupSpec:
    """A named group.

    Args:
        name: names the group (construct ID ``<name>``, ``Name`` tag ``<base>-<name>``).
        description: the group's description. AWS cannot change it in place: a new
            description replaces the group.
        ingress: inbound rules. Default: none.
        egress: outbound rules. Default: none, so the group sends nothing (not the
            allow-all AWS and aws-cdk-lib default to).
        internet_facing: the group is meant to admit the internet: its rules admitting
            TCP 80 or 443 from 0.0.0.0/0 are acknowledged to cdk-nag (AwsSolutions-EC23)
            with that reason. Any other port open to the internet is still reported.
            Default False.
    """

    name: str
    description: str
    ingress: Sequence[SecurityGroupRule] = ()
    egress: Sequence[SecurityGroupRule] = ()
    internet_facing: bool = False


class SecurityGroups(Construct):
    """Security groups of one VPC. Every group gets an outbound rule that matches no
    traffic (so AWS adds no allow-all one) and every rule is a resource of its own
    (``AWS::EC2::SecurityGroupIngress``/``Egress``), named after what it allows: two
    groups that admit each other form no circular dependency, and adding a rule or a
    group renames nothing.

    Args:
        vpc_id: the VPC.
        groups: the groups, names unique; a ``Peer.group`` names one of them.
        name: the base of the ``Name`` tags (``<name>-<group>``). Default: the construct ID.

    Raises:
        ConstructArgumentError: a repeated group name or rule, a rule without a
            description, a peer group that is not given, ports out of range or given with
            protocol ``all``, a CIDR that is not IPv4.
    """

    groups: dict[str, ec2.CfnSecurityGroup]
    """Each group, by name."""
    rules: dict[tuple[str, str], ec2.CfnSecurityGroupIngress | ec2.CfnSecurityGroupEgress]
    """Each rule, by (group, rule construct ID)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_id: str,
        groups: Sequence[SecurityGroupSpec],
        name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        try:
            check_security_groups(groups)
        except ValueError as error:
            raise ConstructArgumentError(self.node.path, str(error)) from None
        base = name or id
        self.groups = {}
        for spec in groups:
            group = ec2.CfnSecurityGroup(
                self,
                spec.name,
                vpc_id=vpc_id,
                group_description=spec.description,
                security_group_egress=[NO_TRAFFIC_EGRESS],
            )
            group.tags.set_tag("Name", f"{base}-{spec.name}")
            self.groups[spec.name] = group
        self.rules = {}
        for spec in groups:
            for direction, rule in _rules(spec):
                created = self._add_rule(spec.name, direction, rule)
                if spec.internet_facing and direction == "ingress" and _web_from_internet(rule):
                    cdk.Validations.of(created).acknowledge(
                        cdk.Acknowledgment(
                            id="AwsSolutions::AwsSolutions-EC23",
                            reason=f"Group {spec.name} is internet-facing by choice "
                            "(internet_facing): it admits HTTP(S) from anywhere, no other port.",
                        )
                    )
        self._imported: dict[str, ec2.ISecurityGroup] = {}

    def group_id(self, name: str) -> str:
        """The id of group ``name``."""
        return self.groups[self._known(name)].attr_group_id

    def security_group(self, name: str) -> ec2.ISecurityGroup:
        """Group ``name`` as an ``ec2.ISecurityGroup``, for any aws-cdk-lib construct's
        ``security_groups``. It adds no rule of its own (``allow_all_outbound`` off,
        immutable): the group's rules are the ones given here."""
        known = self._known(name)
        if known not in self._imported:
            self._imported[known] = ec2.SecurityGroup.from_security_group_id(
                self,
                f"{known}-Reference",
                self.groups[known].attr_group_id,
                allow_all_outbound=False,
                mutable=False,
            )
        return self._imported[known]

    def _known(self, name: str) -> str:
        if name not in self.groups:
            raise ConstructArgumentError(
                self.node.path,
                f"no security group named {name!r}; groups: {', '.join(self.groups) or 'none'}",
            )
        return name

    def _add_rule(
        self, group: str, direction: Direction, rule: SecurityGroupRule
    ) -> ec2.CfnSecurityGroupIngress | ec2.CfnSecurityGroupEgress:
        low, high = rule.ports
        peer = rule.peer
        peer_id = self.groups[peer.value].attr_group_id if peer.kind == "group" else peer.value
        rule_id = rule.construct_id(direction)
        common = {
            "group_id": self.groups[group].attr_group_id,
            "ip_protocol": _IP_PROTOCOLS[rule.protocol],
            "from_port": low,
            "to_port": high,
            "description": rule.description,
        }
        created: ec2.CfnSecurityGroupIngress | ec2.CfnSecurityGroupEgress
        if direction == "ingress":
            created = ec2.CfnSecurityGroupIngress(
                self,
                f"{group}-{rule_id}",
                cidr_ip=peer_id if peer.kind == "cidr" else None,
                source_security_group_id=peer_id if peer.kind in ("group", "group-id") else None,
                source_prefix_list_id=peer_id if peer.kind == "prefix-list" else None,
                **common,  # type: ignore[arg-type]
            )
        else:
            created = ec2.CfnSecurityGroupEgress(
                self,
                f"{group}-{rule_id}",
                cidr_ip=peer_id if peer.kind == "cidr" else None,
                destination_security_group_id=peer_id
                if peer.kind in ("group", "group-id")
                else None,
                destination_prefix_list_id=peer_id if peer.kind == "prefix-list" else None,
                **common,  # type: ignore[arg-type]
            )
        self.rules[(group, rule_id)] = created
        return created


def _web_from_internet(rule: SecurityGroupRule) -> bool:
    """TCP 80 or 443 from 0.0.0.0/0: what an internet-facing group is meant to admit."""
    low, high = rule.ports
    return (
        rule.peer == Peer.cidr("0.0.0.0/0")
        and rule.protocol == "tcp"
        and low == high
        and low in WEB_PORTS
    )


def _rules(group: SecurityGroupSpec) -> list[tuple[Direction, SecurityGroupRule]]:
    ingress: list[tuple[Direction, SecurityGroupRule]] = [("ingress", r) for r in group.ingress]
    return ingress + [("egress", r) for r in group.egress]


def check_security_groups(groups: Sequence[SecurityGroupSpec]) -> None:
    """The checks ``SecurityGroups`` makes, for a construct that builds one later."""
    names = [g.name for g in groups]
    repeated = duplicates(names)
    if repeated:
        raise ValueError(f"security group {repeated[0]} is given twice")
    for group in groups:
        if not group.description.strip():
            raise ValueError(f"security group {group.name} needs a description")
        seen: set[str] = set()
        for direction, rule in _rules(group):
            key = rule.construct_id(direction)
            where = f"security group {group.name}, rule {key}"
            _check_rule(where, rule, names)
            if key in seen:
                raise ValueError(f"{where}: the same rule is given twice")
            seen.add(key)


def _check_rule(where: str, rule: SecurityGroupRule, names: Sequence[str]) -> None:
    if not rule.description.strip():
        raise ValueError(f"{where}: a rule needs a description")
    if rule.protocol not in _IP_PROTOCOLS:
        raise ValueError(f"{where}: protocol {rule.protocol!r} is none of tcp, udp, icmp, all")
    if rule.protocol == "all" and (rule.from_port, rule.to_port) != (None, None):
        raise ValueError(f"{where}: protocol all covers every port; give no port")
    top = MAX_ICMP_TYPE if rule.protocol == "icmp" else MAX_PORT
    for port in (rule.from_port, rule.to_port):
        if port is not None and not 0 <= port <= top:
            raise ValueError(f"{where}: port {port} is outside 0 to {top}")
    if rule.from_port is not None and rule.to_port is not None and rule.from_port > rule.to_port:
        raise ValueError(
            f"{where}: the range {rule.from_port}-{rule.to_port} ends before it starts"
        )
    peer = rule.peer
    if peer.kind == "group" and peer.value not in names:
        raise ValueError(
            f"{where}: no security group named {peer.value!r} here; groups: {', '.join(names)}"
        )
    if peer.kind == "cidr" and not cdk.Token.is_unresolved(peer.value):
        try:
            ipaddress.IPv4Network(peer.value)
        except ValueError as error:
            raise ValueError(f"{where}: {peer.value!r} is not an IPv4 CIDR ({error})") from None
    if peer.kind in ("group-id", "prefix-list") and not peer.name:
        raise ValueError(f"{where}: a {peer.kind} peer needs a name, for the rule's construct ID")
