"""The typed description of a network estate.

Every model is frozen and forbids unknown keys, and holds data only: facts derived from
it (zones per group, subnet placement, NAT zones) are computed once by
``multivpc.topology``, and cross-object rules (references resolve, CIDRs do not overlap,
...) live in ``multivpc.rules``. These models only check the shape of each value on its own.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from multivpc.config.zones import REGION_PATTERN
from multivpc.vocabulary import (
    MAX_ICMP_TYPE,
    MAX_PORT,
    BucketEncryption,
    FlowLogDestination,
    NagPack,
    RetentionDays,
    SecurityGroupProtocol,
    SessionManagerPolicy,
    Tier,
    TrafficType,
)

Name = Annotated[
    str,
    StringConstraints(max_length=48, pattern=r"^[a-z]([a-z0-9-]{0,46}[a-z0-9])?$"),
    Field(description="Lowercase letters, digits and dashes; starts with a letter."),
]
Region = Annotated[
    str,
    StringConstraints(max_length=32, pattern=rf"^{REGION_PATTERN}$"),
    Field(description="An AWS region such as us-east-1.", examples=["us-east-1"]),
]
ZoneName = Annotated[
    str,
    StringConstraints(max_length=48, pattern=r"^[a-z0-9-]+$"),
    Field(description="An explicit zone name such as us-east-1a or us-east-1-bos-1a."),
]


def _account_id(value: Any) -> Any:
    # YAML reads an unquoted 12-digit id as an int; keep it as the string AWS uses.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


AccountId = Annotated[
    str,
    BeforeValidator(_account_id),
    StringConstraints(pattern=r"^\d{12}$"),
    Field(description="A 12-digit AWS account id."),
    # The schema accepts what loading accepts: a string, or YAML's unquoted number.
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{12}$"},
                {"type": "integer", "minimum": 10**11, "maximum": 10**12 - 1},
            ],
            "description": "A 12-digit AWS account id (quote it in YAML).",
        }
    ),
]


def _ipv4_network(value: Any) -> Any:
    if isinstance(value, ipaddress.IPv4Network):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a CIDR; write it like 10.0.0.0/16")
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except ipaddress.NetmaskValueError as error:
        raise ValueError(f"{value!r} has an invalid prefix length ({error})") from None
    except ValueError as error:
        if "has host bits set" in str(error):
            network = ipaddress.IPv4Network(value, strict=False)
            raise ValueError(f"{value} has host bits set; write {network}") from None
        raise ValueError(f"{value!r} is not an IPv4 CIDR; write it like 10.0.0.0/16") from None


Cidr = Annotated[
    ipaddress.IPv4Network,
    BeforeValidator(_ipv4_network),
    Field(description="An IPv4 CIDR block such as 10.0.0.0/16.", examples=["10.0.0.0/16"]),
]

NatMode = Literal["none", "single", "per-az"]


def _not_reserved(key: str) -> str:
    if key.lower().startswith("aws:"):
        raise ValueError(f"tag key {key[:48]} starts with aws:, which AWS reserves; rename it")
    return key


TagKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[\w .:/=+\-@]+$"),
    AfterValidator(_not_reserved),
    Field(
        description="A tag key: up to 128 letters, digits, spaces and _ . : / = + - @; "
        "not starting with aws:."
    ),
]
TagValue = Annotated[
    str,
    StringConstraints(max_length=256, pattern=r"^[\w .:/=+\-@]*$"),
    Field(description="A tag value: up to 256 letters, digits, spaces and _ . : / = + - @."),
]
Tags = dict[TagKey, TagValue]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _renamed(data: Any, renames: dict[str, tuple[str, str]]) -> Any:
    """Refuse a key of an earlier version with a one-line finding naming the new key:
    ``renames`` maps the old key to (new key, what its value is)."""
    if isinstance(data, dict):
        for old, (new, what) in renames.items():
            if old in data:
                raise ValueError(f"{old}: this key is now {new}; write {new}: {what} instead")
    return data


class FlowLogs(Model):
    """VPC flow logs. On by default, as DESIGN.md's secure defaults ask."""

    enabled: bool = True
    destination: FlowLogDestination = Field(
        default="cloud-watch-logs",
        description="cloud-watch-logs: a KMS-encrypted log group; s3: an encrypted bucket.",
    )
    retention_days: RetentionDays = Field(
        default=365, description="How long records are kept (log group retention or bucket expiry)."
    )
    traffic_type: TrafficType = "ALL"
    s3_versioning: bool = Field(
        default=False, description="destination s3: keep object versions in the bucket."
    )
    s3_encryption: BucketEncryption = Field(
        default="s3-managed",
        description="destination s3: s3-managed (SSE-S3) or kms (SSE-KMS, a key of its own).",
    )


class Dns(Model):
    support: bool = Field(default=True, description="Amazon-provided DNS resolution in the VPC.")
    hostnames: bool = Field(
        default=True, description="DNS hostnames for instances with public IPs."
    )


class LocalZone(Model):
    """A Local Zone the VPC extends into. Subnet groups reach it only when they name it."""

    name: ZoneName
    nat_gateway: bool = Field(
        default=False,
        description=(
            "Place a NAT gateway in this Local Zone (needs a public subnet there). Without it, "
            "private subnets in the Local Zone route to a NAT gateway of the parent region."
        ),
    )


class SubnetGroup(Model):
    """Subnets of one tier and purpose, one per zone the group covers.

    CIDRs come from ``cidr`` + ``prefix_length`` (the group's range, carved into one
    subnet per zone slot), from ``cidrs`` (one explicit CIDR per zone), or from ``size``
    (one subnet of that prefix length per zone, allocated by ``multivpc.topology.pools``).
    """

    name: Name
    tier: Tier
    cidr: Cidr | None = Field(
        default=None,
        description="The group's range; each zone gets the prefix_length block at its slot.",
    )
    prefix_length: int | None = Field(default=None, ge=16, le=28)
    cidrs: dict[ZoneName, Cidr] | None = Field(
        default=None, description="Explicit CIDR per zone; its keys are the zones the group covers."
    )
    size: int | None = Field(
        default=None,
        ge=16,
        le=28,
        description=(
            "Instead of cidr + prefix_length or cidrs: the prefix length of each zone's subnet "
            "(such as 24), allocated from the VPC's free space and kept in the lock file."
        ),
    )
    zones: list[ZoneName] | None = Field(
        default=None,
        description=(
            "Zones the group covers. Default: every Availability Zone of the VPC. Local Zones "
            "are covered only when listed here (or as keys of cidrs)."
        ),
    )
    tags: Tags = Field(
        default_factory=dict, description="Tags on every resource of the group's subnets."
    )
    map_public_ip_on_launch: bool = Field(
        default=False,
        description=(
            "Public groups only: instances launched here get a public IP. Off by default: "
            "NAT gateways use Elastic IPs and load balancers assign their own."
        ),
    )

    @model_validator(mode="after")
    def _one_way_to_size(self) -> SubnetGroup:
        ranged = self.cidr is not None or self.prefix_length is not None
        if self.size is not None and (ranged or self.cidrs is not None):
            raise ValueError(
                "size: the group also gives its addresses (cidr/prefix_length or cidrs); keep "
                "size (allocated and locked) or the explicit addresses, not both"
            )
        if self.cidrs is not None and ranged:
            raise ValueError(
                "the group has both a range (cidr/prefix_length) and cidrs; keep one of them"
            )
        # "KEY: ..." points the finding at that key's line (see multivpc.config.loader).
        if self.cidrs is None and self.cidr is not None and self.prefix_length is None:
            raise ValueError(
                "cidr: the range has no prefix_length to cut it into one subnet per zone; "
                "add prefix_length, the size of each zone's subnet (such as 24)"
            )
        if self.cidrs is None and self.cidr is None and self.prefix_length is not None:
            raise ValueError(
                "prefix_length: there is no cidr (the group's range) to cut into subnets; "
                "add cidr, or give cidrs (one CIDR per zone) instead of prefix_length"
            )
        if (
            self.size is None
            and self.cidrs is None
            and (self.cidr is None or self.prefix_length is None)
        ):
            raise ValueError(
                "the group has no addresses; give cidr + prefix_length (a range carved per zone), "
                "cidrs (one CIDR per zone) or size (allocated per zone and locked)"
            )
        if self.map_public_ip_on_launch and self.tier != "public":
            raise ValueError(
                f"map_public_ip_on_launch is for public groups, and this group is {self.tier}; "
                "remove it or make the group public"
            )
        if self.cidrs is not None and self.zones is not None and set(self.zones) != set(self.cidrs):
            raise ValueError(
                "zones and the keys of cidrs differ; drop zones, the keys of cidrs say it"
            )
        return self


def _defaults_may_fill(schema: dict[str, Any]) -> None:
    # account and region may come from defaults: required at runtime, optional in a file.
    schema["required"] = [k for k in schema.get("required", []) if k not in {"account", "region"}]


class SegmentRoute(Model):
    """A static route of a segment: to a named VPC's attachment, or a blackhole."""

    cidr: Cidr
    vpc: Name | None = Field(
        default=None, description="The VPC whose attachment the route points at."
    )
    blackhole: bool = Field(default=False, description="Drop traffic to cidr.")

    @model_validator(mode="after")
    def _one_target(self) -> SegmentRoute:
        if self.blackhole == (self.vpc is not None):
            raise ValueError("a route needs exactly one target; give vpc: NAME or blackhole: true")
        return self


class Segment(Model):
    """One Transit Gateway route table: who its members reach."""

    name: Name
    reaches: list[Name] = Field(
        default_factory=list,
        description="Segments whose members this segment's members reach, both ways.",
    )
    isolated: bool = Field(
        default=False, description="Members of this segment do not reach each other."
    )
    routes: list[SegmentRoute] = Field(
        default_factory=list, description="Static and blackhole routes of the segment."
    )


class TransitGateway(Model):
    model_config = ConfigDict(json_schema_extra=_defaults_may_fill)

    name: Name
    account: Name = Field(description="A key of accounts. Default: defaults.account.")
    region: Region = Field(description="Default: defaults.region.")
    amazon_side_asn: int = Field(
        default=64512,
        description="Private ASN: 64512-65534 or 4200000000-4294967294.",
    )
    share_with: list[str] = Field(
        default_factory=list,
        description=(
            "Who may attach: account names (keys of accounts) or an organization / OU ARN. "
            "Spokes in other accounts need their account covered here."
        ),
    )
    allow_external_principals: bool = Field(
        default=False, description="Let the RAM share reach accounts outside the organization."
    )
    segments: list[Segment] = Field(min_length=1)

    @field_validator("amazon_side_asn")
    @classmethod
    def _private_asn(cls, value: int) -> int:
        if not (64512 <= value <= 65534 or 4200000000 <= value <= 4294967294):
            raise ValueError(
                f"{value} is not a private ASN; use 64512-65534 or 4200000000-4294967294"
            )
        return value


class VpcAttachment(Model):
    """How a VPC attaches to a Transit Gateway."""

    name: Name = Field(description="The Transit Gateway (a name under transit_gateways).")
    segment: Name = Field(description="The segment (route table) the attachment belongs to.")
    subnet_group: Name = Field(
        description="The subnet group the attachment uses: one small subnet per AZ, "
        "Availability Zones only."
    )
    appliance_mode: bool = Field(
        default=False, description="Keep flows symmetric through one AZ (for appliances)."
    )
    route_from: list[Name] | None = Field(
        default=None,
        description="Groups whose route tables send traffic to the Transit Gateway. Default: "
        "every group except public ones and the attachment's own.",
    )
    summaries: list[Cidr] | None = Field(
        default=None,
        description="Summary CIDRs routed to the Transit Gateway instead of one route per "
        "reachable VPC.",
    )

    @model_validator(mode="before")
    @classmethod
    def _earlier_keys(cls, data: Any) -> Any:
        return _renamed(
            data,
            {
                "subnets": ("subnet_group", "NAME (the attachment's subnet group)"),
                "destinations": ("summaries", "[CIDR, ...]"),
            },
        )


class PeeringSide(Model):
    """One end of a Transit Gateway peering: the gateway and the segment the peering
    attachment joins there."""

    transit_gateway: Name = Field(description="A name under transit_gateways.")
    segment: Name = Field(
        description="The segment the peering attachment joins on this side: it is associated "
        "with that segment's route table, and this side's segments that would receive a "
        "member's propagation get static routes to the other side's VPCs."
    )
    summaries: list[Cidr] | None = Field(
        default=None,
        description="Summary CIDRs this side routes to the peer, instead of one route per VPC "
        "the peer's segment reaches.",
    )

    @model_validator(mode="before")
    @classmethod
    def _earlier_keys(cls, data: Any) -> Any:
        return _renamed(data, {"destinations": ("summaries", "[CIDR, ...]")})


class TransitGatewayPeering(Model):
    """Two Transit Gateways (other region, possibly other account) joined by a peering
    attachment, accepted at deploy time, with static routes on both sides."""

    name: Name
    requester: PeeringSide = Field(description="The side that creates the peering attachment.")
    accepter: PeeringSide = Field(description="The side that accepts it.")


class VpcPeeringSide(Model):
    """One end of a VPC peering: the VPC, and which of its groups route to the peer."""

    vpc: Name = Field(description="A name under vpcs.")
    route_from: list[Name] | None = Field(
        default=None,
        description="Groups whose route tables send traffic to the peer. Default: every "
        "group except public ones.",
    )
    peer_ranges: list[Cidr] | None = Field(
        default=None,
        description="Ranges of the peer VPC routed through the peering. Default: the peer "
        "VPC's CIDR. Each lies inside the peer's CIDR: a peering is not transitive.",
    )

    @model_validator(mode="before")
    @classmethod
    def _earlier_keys(cls, data: Any) -> Any:
        return _renamed(data, {"destinations": ("peer_ranges", "[CIDR, ...] inside the peer")})


class VpcPeering(Model):
    """Two VPCs (same account or not, same region or not) joined by a VPC peering
    connection, with routes on both sides."""

    name: Name
    requester: VpcPeeringSide = Field(description="The side that requests the connection.")
    accepter: VpcPeeringSide = Field(description="The side that accepts it.")
    dns_resolution: bool = Field(
        default=False,
        description="Each VPC resolves the other's public DNS host names to private IPs "
        "(ModifyVpcPeeringConnectionOptions on both sides, each in its own account and "
        "region). Both VPCs need dns support and hostnames on.",
    )


EndpointPolicy = Literal["restricted", "open"] | dict[str, Any]


class Endpoints(Model):
    """The VPC's own endpoints to AWS services: gateway endpoints on route tables,
    interface endpoints with a network interface per zone behind one security group."""

    gateway: list[str] = Field(
        default_factory=list,
        description="Gateway endpoints (free): s3, dynamodb. Added to the route tables of "
        "route_from.",
    )
    interface: list[str] = Field(
        default_factory=list,
        description="Interface endpoints: service names (ssm, ecr.api, ...) or endpoint sets "
        "(session-manager, secrets, ecr, logging, sts).",
    )
    subnet_group: Name | None = Field(
        default=None,
        description="The subnet group holding the interface endpoints' network interfaces. "
        "Default: the first non-public group of the VPC.",
    )
    zones: list[ZoneName] | None = Field(
        default=None,
        description="Availability Zones with a network interface per interface endpoint. "
        "Default: every Availability Zone of the subnets group.",
    )
    route_from: list[Name] | None = Field(
        default=None,
        description="Groups whose route tables get the gateway endpoints. Default: every "
        "non-public group.",
    )
    sources: list[Cidr] | None = Field(
        default=None,
        description="Who may reach the interface endpoints (TCP 443). Default: the VPC's CIDR.",
    )
    security_groups: list[Name] | None = Field(
        default=None,
        description="Security groups of this VPC (names under security_groups) for the "
        "interface endpoints, instead of the generated group admitting TCP 443 from sources "
        "(so not with sources).",
    )
    gateway_policy: EndpointPolicy = Field(
        default="restricted",
        description="restricted (default): only principals of the config's accounts (or of "
        "organization_id), on resources of those accounts, and the AWS-owned resources the "
        "docs/endpoints.md lists; open: AWS's full-access policy; or a policy document.",
    )
    interface_policy: EndpointPolicy = Field(
        default="open",
        description="open (default): AWS's full-access policy; restricted: as gateway_policy; "
        "or a policy document. Not every service accepts a policy.",
    )
    session_manager_role: bool = Field(
        default=False,
        description="Create an IAM role and instance profile for instances reached through "
        "Session Manager (its policy: session_manager_policy).",
    )
    session_manager_policy: SessionManagerPolicy = Field(
        default="minimal",
        description="minimal (default): the Session Manager actions only (ssmmessages channels "
        "and ssm:UpdateInstanceInformation); managed: AWS's AmazonSSMManagedInstanceCore, "
        "which also lets the instance read every SSM parameter and document and run "
        "Systems Manager's other features (Run Command, Patch Manager, Inventory).",
    )

    @model_validator(mode="after")
    def _policy_needs_the_role(self) -> Endpoints:
        if "session_manager_policy" in self.model_fields_set and not self.session_manager_role:
            raise ValueError(
                "session_manager_policy has no effect without a role: add "
                "session_manager_role: true, or remove session_manager_policy"
            )
        return self

    @model_validator(mode="before")
    @classmethod
    def _earlier_keys(cls, data: Any) -> Any:
        return _renamed(
            data, {"subnets": ("subnet_group", "NAME (the interface endpoints' subnet group)")}
        )

    @field_validator("gateway_policy", "interface_policy")
    @classmethod
    def _policy_document(cls, value: EndpointPolicy) -> EndpointPolicy:
        if isinstance(value, dict) and not isinstance(value.get("Statement"), list):
            raise ValueError(
                "a policy document needs a Statement list; write {Version: '2012-10-17', "
                "Statement: [...]}, or restricted or open"
            )
        return value


def _vpc_schema(schema: dict[str, Any]) -> None:
    _defaults_may_fill(schema)
    # What _one_way_to_address checks: cidr, or else pool and size.
    schema["if"] = {"required": ["cidr"]}
    schema["then"] = {"not": {"anyOf": [{"required": ["pool"]}, {"required": ["size"]}]}}
    schema["else"] = {"required": ["pool", "size"]}


_AWS_DESCRIPTION = r"^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*$"
AwsDescription = Annotated[
    str,
    StringConstraints(min_length=1, max_length=255, pattern=_AWS_DESCRIPTION),
    Field(
        description="Up to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (what AWS "
        "accepts in a security group's or rule's description)."
    ),
]
PortRange = Annotated[
    str,
    StringConstraints(pattern=r"^(all|\d{1,5}-\d{1,5})$"),
    Field(description="all, or a range such as 8000-8100."),
]


class GroupPeer(Model):
    """A security group of the same VPC, by name."""

    group: Name = Field(description="A name under this VPC's security_groups.")


class SecurityGroupRule(Model):
    """One rule: a protocol, a port (or range), a peer and why."""

    protocol: SecurityGroupProtocol
    port: int | PortRange = Field(
        default="all",
        description="A port (443), a range (8000-8100) or all (default). For icmp: an ICMP "
        "type (8, echo request) or all. With protocol all: all only.",
    )
    peer: Cidr | GroupPeer = Field(
        description="Where traffic comes from (ingress) or goes to (egress): a CIDR, or "
        "{group: NAME} for a security group of this VPC."
    )
    description: AwsDescription

    @model_validator(mode="after")
    def _ports_fit(self) -> SecurityGroupRule:
        low, high = self.port_range
        if self.protocol == "all" and self.port != "all":
            raise ValueError(
                f"port: protocol all covers every port; write port: all, not {self.port}"
            )
        top = MAX_ICMP_TYPE if self.protocol == "icmp" else MAX_PORT
        if self.protocol == "icmp" and isinstance(self.port, str) and self.port != "all":
            raise ValueError("port: for icmp give one ICMP type (8 for echo request) or all")
        for port in (low, high):
            if port is not None and not 0 <= port <= top:
                raise ValueError(f"port: {port} is outside 0 to {top}")
        if low is not None and high is not None and low > high:
            raise ValueError(
                f"port: the range {self.port} ends before it starts; write {high}-{low}"
            )
        return self

    @property
    def port_range(self) -> tuple[int | None, int | None]:
        """(from, to); (None, None) for all."""
        if isinstance(self.port, int):
            return (self.port, self.port)
        if self.port == "all":
            return (None, None)
        low, high = self.port.split("-")
        return (int(low), int(high))


class SecurityGroup(Model):
    """A named security group of the VPC. It sends nothing unless egress says so."""

    name: Name
    description: AwsDescription = Field(
        description="What the group is for. AWS cannot change it in place: a new description "
        "replaces the group."
    )
    internet_facing: bool = Field(
        default=False,
        description="The group admits the internet (ingress from 0.0.0.0/0); without it such "
        "a rule is an error.",
    )
    ingress: list[SecurityGroupRule] = Field(default_factory=list, description="Inbound rules.")
    egress: list[SecurityGroupRule] | Literal["all"] = Field(
        default_factory=list,
        description="Outbound rules. Default none: the group sends nothing (not AWS's "
        "allow-all default); all: every protocol to 0.0.0.0/0.",
    )


class Vpc(Model):
    model_config = ConfigDict(json_schema_extra=_vpc_schema)

    name: Name
    account: Name = Field(description="A key of accounts. Default: defaults.account.")
    region: Region = Field(description="Default: defaults.region.")
    cidr: Cidr | None = Field(
        default=None, description="The VPC's range; or give pool + size to have one allocated."
    )
    pool: Name | None = Field(
        default=None,
        description="Instead of cidr: the address pool (under address_pools) to "
        "allocate the VPC's range from; kept in the lock file.",
    )
    size: int | None = Field(
        default=None, ge=16, le=28, description="With pool: the prefix length of the VPC's range."
    )
    availability_zones: list[ZoneName] = Field(min_length=1)
    local_zones: list[LocalZone] = Field(default_factory=list)
    subnets: list[SubnetGroup] = Field(min_length=1)
    nat: NatMode = Field(
        default="none",
        description="none; single (one NAT gateway, in nat_zone); per-az (one per AZ).",
    )
    nat_zone: ZoneName | None = Field(
        default=None,
        description="Where a single NAT gateway goes. Default: the first AZ (by name) "
        "with a public subnet.",
    )
    internet_gateway: bool | None = Field(
        default=None, description="Default: true when the VPC has a public subnet group."
    )
    flow_logs: FlowLogs = Field(default_factory=FlowLogs)
    dns: Dns = Field(default_factory=Dns)
    tags: Tags = Field(
        default_factory=dict, description="Tags on every resource of the VPC's stack."
    )
    transit_gateway: VpcAttachment | None = Field(
        default=None, description="Attach the VPC to a Transit Gateway of transit_gateways."
    )
    endpoints: Endpoints | None = Field(
        default=None, description="VPC endpoints to AWS services in this VPC."
    )
    security_groups: list[SecurityGroup] = Field(
        default_factory=list,
        description="Named security groups for workloads; published like the VPC's other ids.",
    )

    @model_validator(mode="after")
    def _one_way_to_address(self) -> Vpc:
        if self.cidr is not None and (self.pool is not None or self.size is not None):
            key = "pool" if self.pool is not None else "size"
            raise ValueError(
                f"{key}: the VPC also gives its cidr; keep cidr (explicit) or pool + size "
                "(allocated and locked), not both"
            )
        if self.cidr is None and self.pool is None and self.size is None:
            raise ValueError(
                "the VPC has no address range; give cidr, or pool + size (a range allocated "
                "from an address pool)"
            )
        if self.cidr is None and self.size is None:
            raise ValueError(
                "pool: there is no size to allocate; add size, the prefix length of the "
                "VPC's range (such as 16)"
            )
        if self.cidr is None and self.pool is None:
            raise ValueError(
                "size: there is no pool to allocate it from; add pool (a name under "
                "address_pools), or give cidr instead"
            )
        return self


class AddressPool(Model):
    """A range that VPCs with ``pool`` + ``size`` get theirs from."""

    name: Name
    cidr: Cidr


class Defaults(Model):
    account: Name | None = None
    region: Region | None = None


class Quotas(Model):
    """AWS quotas that a deploy runs into, with AWS's default values. Declare a value only
    after AWS raised it for your accounts (Service Quotas console): the rules then check
    against it. Sources: https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
    (VPC) and https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html
    (Transit Gateway)."""

    routes_per_route_table: int = Field(
        default=50,
        ge=1,
        le=1000,
        description="Non-propagated routes per VPC route table (VPC quota 'Routes per route "
        "table'): default 50, adjustable up to 1,000. A route to a prefix list counts as the "
        "list's maximum entries (AWS's S3 and DynamoDB lists: 1).",
    )
    vpc_peerings_per_vpc: int = Field(
        default=50,
        ge=1,
        le=125,
        description="Active VPC peering connections per VPC: default 50, adjustable up to 125.",
    )
    interface_endpoints_per_vpc: int = Field(
        default=50,
        ge=1,
        description="Interface and Gateway Load Balancer endpoints per VPC: default 50, "
        "adjustable.",
    )
    inbound_rules_per_security_group: int = Field(
        default=60,
        ge=1,
        le=1000,
        description="Inbound rules per security group: default 60, adjustable (rules per group "
        "times groups per network interface stays within 1,000).",
    )
    security_groups_per_network_interface: int = Field(
        default=5,
        ge=1,
        le=16,
        description="Security groups per network interface: default 5, adjustable up to 16 "
        "(rules per group times groups per interface stays within 1,000).",
    )
    outbound_rules_per_security_group: int = Field(
        default=60,
        ge=1,
        le=1000,
        description="Outbound rules per security group: default 60, adjustable (as inbound).",
    )
    route_tables_per_transit_gateway: int = Field(
        default=20,
        ge=1,
        description="Transit Gateway route tables (segments) per Transit Gateway: default 20, "
        "adjustable.",
    )
    routes_per_transit_gateway: int = Field(
        default=10000,
        ge=1,
        description="Routes (propagated and static) across all route tables of one Transit "
        "Gateway: default 10,000, adjustable.",
    )


class NetworkConfig(Model):
    """The whole estate: what ``load_config`` returns once every rule holds."""

    name: Name
    accounts: dict[Name, AccountId] = Field(min_length=1)
    defaults: Defaults = Field(default_factory=Defaults)
    vpcs: list[Vpc] = Field(min_length=1)
    organization_id: str | None = Field(
        default=None,
        pattern=r"^o-[a-z0-9]{10,32}$",
        description="The AWS Organizations id (o-...): restricted endpoint policies then admit "
        "principals of the organization (aws:PrincipalOrgID) instead of the config's accounts.",
    )
    address_pools: list[AddressPool] = Field(
        default_factory=list,
        description="Ranges that VPCs with pool + size are allocated from (recorded in the "
        "lock file beside the config, <config>.lock.yaml).",
    )
    transit_gateways: list[TransitGateway] = Field(default_factory=list)
    transit_gateway_peerings: list[TransitGatewayPeering] = Field(
        default_factory=list,
        description="Peerings between Transit Gateways of transit_gateways (across regions or "
        "accounts), with static routes between the segments they join.",
    )
    peerings: list[VpcPeering] = Field(
        default_factory=list,
        description="VPC peering connections between VPCs of vpcs (any account or region), "
        "with routes on both sides.",
    )
    quotas: Quotas = Field(
        default_factory=Quotas,
        description="The AWS quotas of your accounts that the rules check before deploy: "
        "AWS's defaults unless you declare what AWS raised for you.",
    )
    tags: Tags = Field(
        default_factory=dict,
        description="Tags on every resource of every stack (VPC and group tags win).",
    )
    nag_packs: list[NagPack] = Field(
        default_factory=list,
        description=(
            "cdk-nag compliance packs to run at synth besides AwsSolutions (always on): "
            "nist-800-53-r5, hipaa-security, pci-dss-3.2.1."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _moved_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and "peering_quota" in data:
            raise ValueError(
                "peering_quota: this key moved under quotas; write quotas: "
                "{vpc_peerings_per_vpc: N} instead"
            )
        return data

    @model_validator(mode="before")
    @classmethod
    def _apply_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("defaults"), dict):
            return data
        defaults = data["defaults"]
        filled = dict(data)
        for collection in ("vpcs", "transit_gateways"):
            items = data.get(collection)
            if not isinstance(items, list):
                continue
            filled[collection] = [_with_defaults(item, defaults) for item in items]
        return filled


def _with_defaults(item: Any, defaults: dict[str, Any]) -> Any:
    if not isinstance(item, dict):
        return item
    item = dict(item)
    for key in ("account", "region"):
        if key not in item and defaults.get(key) is not None:
            item[key] = defaults[key]
    return item
