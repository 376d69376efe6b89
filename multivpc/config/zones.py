"""Zone names: what AWS calls an Availability Zone or a Local Zone, and which region owns it.

Zone names are explicit in the config (never looked up), so these patterns are the only
way multivpc can tell the kinds apart at synth time.
"""

from __future__ import annotations

import re

REGION_PATTERN = r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d"
_AVAILABILITY_ZONE = re.compile(rf"^(?P<region>{REGION_PATTERN})(?P<letter>[a-z])$")
# Local Zones: <region>-<metro code>-<number><letter>, such as us-east-1-bos-1a, us-west-2-lax-1b.
_LOCAL_ZONE = re.compile(
    rf"^(?P<region>{REGION_PATTERN})-(?P<metro>[a-z]{{3,}})-\d(?P<letter>[a-z])$"
)
# Wavelength Zones look similar (us-east-1-wl1-bos-wlz-1) but are not Local Zones.
_WAVELENGTH_ZONE = re.compile(rf"^{REGION_PATTERN}-wl\d-[a-z]+-wlz-\d+$")


def partition_of(region: str) -> str:
    """The AWS partition of a region: aws-cn for China, aws-us-gov for GovCloud, else aws
    (ARNs name it, and nothing is shared across partitions)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def is_availability_zone(name: str) -> bool:
    return _AVAILABILITY_ZONE.match(name) is not None


def is_local_zone(name: str) -> bool:
    return _LOCAL_ZONE.match(name) is not None


def is_wavelength_zone(name: str) -> bool:
    return _WAVELENGTH_ZONE.match(name) is not None


def region_of(zone: str) -> str | None:
    """The region a zone name belongs to, or None when the name is no zone name."""
    match = _AVAILABILITY_ZONE.match(zone) or _LOCAL_ZONE.match(zone)
    return match.group("region") if match else None


def availability_zone_slot(zone: str) -> int:
    """Position of an Availability Zone inside a subnet group's range: a=0, b=1, ...

    It depends on the zone's own letter, never on where the zone sits in a list, so
    adding or reordering zones leaves every other subnet where it is.
    """
    match = _AVAILABILITY_ZONE.match(zone)
    if match is None:
        raise ValueError(f"{zone!r} is not an Availability Zone name")
    return ord(match.group("letter")) - ord("a")
