"""Words shared by the config layer and the constructs, defined once.

This module imports nothing: the config models (which must stay free of aws-cdk so that
``multivpc validate`` is fast) and the constructs (which must stay free of the config
layer so that they work in any CDK app) can both depend on it.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable
from typing import Literal


def duplicates(names: Iterable[str]) -> list[str]:
    """Names that occur more than once, sorted (what the rules report and the constructs
    refuse)."""
    return sorted(name for name, count in Counter(names).items() if count > 1)


SecurityGroupProtocol = Literal["tcp", "udp", "icmp", "all"]
"""A security group rule's protocol; ``all`` is AWS's ``-1``."""
MAX_PORT = 65535
MAX_ICMP_TYPE = 255
"""The largest TCP/UDP port and ICMP type a security group rule takes."""

Tier = Literal["public", "private", "isolated"]
"""A subnet group's tier: public (routes to the internet gateway), private (egress through
NAT or another route the plan gives it) or isolated (no route out)."""

TrafficType = Literal["ALL", "ACCEPT", "REJECT"]
FlowLogDestination = Literal["cloud-watch-logs", "s3"]
BucketEncryption = Literal["s3-managed", "kms"]
"""How a log bucket encrypts: with S3-managed keys (SSE-S3) or a KMS key of its own (SSE-KMS)."""

RetentionDays = Literal[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
]  # fmt: skip
"""Retention periods CloudWatch Logs accepts, in days."""

RETENTION_DAY_NAMES: dict[int, str] = {
    1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS",
    30: "ONE_MONTH", 60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS",
    150: "FIVE_MONTHS", 180: "SIX_MONTHS", 365: "ONE_YEAR", 400: "THIRTEEN_MONTHS",
    545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS", 1827: "FIVE_YEARS",
    2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
    3653: "TEN_YEARS",
}  # fmt: skip
"""Each retention period by the member name ``aws_logs.RetentionDays`` gives it."""

NagPack = Literal["nist-800-53-r5", "hipaa-security", "pci-dss-3.2.1"]
"""cdk-nag compliance packs a network may ask for, besides AwsSolutions (always on)."""

SessionManagerPolicy = Literal["minimal", "managed"]
"""What the Session Manager instance role may do: ``minimal``, the Session Manager actions
only; ``managed``, AWS's AmazonSSMManagedInstanceCore."""


def cidr_id(cidr: object) -> str:
    """A construct ID from a CIDR (a string or an ``IPv4Network``): 10.99.0.0/16 ->
    10-99-0-0-16."""
    return str(cidr).replace(".", "-").replace("/", "-")


RESOURCES_PER_POLICY = 50
"""Resources one chunked managed policy of an SDK-call role names by ARN
(``multivpc.constructs.inline_function.allow_one_more``). A managed policy holds 6,144
characters (whitespace aside); a resource ARN of EC2 takes at most about 104 with its
quotes and comma (partition ``aws-iso-b``, a 14-character region, a 12-digit account, a
28-character id), so 50 with the actions and the statement's frame stay under it."""

ROLE_MANAGED_POLICIES = 10
"""IAM's default quota of managed policies attached to one role (adjustable to 20)."""

SDK_ROLE_PREFIX = "mvpc-sdk-"
"""Every SDK-call provider role (multivpc's custom-resource functions run as it) is named
``mvpc-sdk-<hash>``."""


def sdk_role_name(stack_name: str, region: str | None) -> str:
    """The name of a stack's SDK-call role: fixed by the stack's name and region, so that
    a role in another account can trust exactly it (by ``aws:PrincipalArn``) before it
    exists."""
    place = stack_name if region is None else f"{region}/{stack_name}"
    return f"{SDK_ROLE_PREFIX}{zlib.crc32(place.encode()):08x}"


WEB_PORTS = (80, 443)
"""What an internet-facing security group is meant to admit from anywhere (TCP): other
ports open to 0.0.0.0/0 are warned of (rules) and left to cdk-nag (constructs)."""
