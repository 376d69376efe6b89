"""One small builder for test configs: ``network().vpc("app").group("db", ...).build()``.

Every call returns the builder, so a test states only what differs from a small valid
network: accounts ``network`` (111111111111) and ``apps`` (222222222222), defaults
``network`` / us-east-1, and VPCs that by default span us-east-1a and us-east-1b with a
public group (first /20 of the VPC, /24 per zone), a private group (second /20, /24 per
zone) and a NAT gateway per AZ. ``network_from(data)`` starts from existing config data
instead (an example's, say).

``set``, ``group`` and ``drop_group`` edit the current VPC: the last one added, or the
one picked with ``at(name)``.
"""

from __future__ import annotations

import copy
import ipaddress
from typing import Any

import yaml

from multivpc.config import ConfigError, NetworkConfig
from multivpc.load import LoadedNetwork, parse_network

Data = dict[str, Any]
SOURCE = "test.yaml"


def standard_groups(cidr: str) -> list[Data]:
    """public and private groups in the first two /20 blocks of a /16 VPC."""
    vpc = ipaddress.IPv4Network(cidr)
    first, second = list(vpc.subnets(new_prefix=vpc.prefixlen + 4))[:2]
    return [
        {"name": "public", "tier": "public", "cidr": str(first), "prefix_length": 24},
        {"name": "private", "tier": "private", "cidr": str(second), "prefix_length": 24},
    ]


def sized_groups(size: int) -> list[Data]:
    """public and private groups that give only a size (allocated per zone and locked)."""
    return [
        {"name": "public", "tier": "public", "size": size},
        {"name": "private", "tier": "private", "size": size},
    ]


class NetworkBuilder:
    def __init__(self, name: str) -> None:
        self._data: Data = {
            "name": name,
            "accounts": {"network": "111111111111", "apps": "222222222222"},
            "defaults": {"account": "network", "region": "us-east-1"},
            "vpcs": [],
        }
        self._current = -1  # index in vpcs of the VPC that set/group/drop_group edit

    # -- building ---------------------------------------------------------------------
    def vpc(
        self,
        name: str,
        *,
        cidr: str | None = "10.0.0.0/16",
        groups: list[Data] | None = None,
        **keys: Any,
    ) -> NetworkBuilder:
        """Add a VPC; ``groups`` default to ``standard_groups(cidr)`` (with ``cidr=None``,
        for ``pool`` + ``size`` in ``keys``: public and private groups of ``size: 24``);
        ``keys`` add or override any VPC key (``nat``, ``availability_zones``, ...)."""
        if groups is None:
            groups = standard_groups(cidr) if cidr is not None else sized_groups(24)
        vpc: Data = {
            "name": name,
            **({"cidr": cidr} if cidr is not None else {}),
            "availability_zones": ["us-east-1a", "us-east-1b"],
            "nat": "per-az",
            "subnets": groups,
        }
        vpc.update(keys)
        self._data["vpcs"].append(vpc)
        self._current = -1
        return self

    def at(self, name: str) -> NetworkBuilder:
        """Make VPC ``name`` the current VPC, the one the next edits apply to."""
        names = [vpc["name"] for vpc in self._data["vpcs"]]
        self._current = names.index(name)
        return self

    def set(self, **keys: Any) -> NetworkBuilder:
        """Set keys of the current VPC (a value of None removes the key)."""
        _update(self._current_vpc(), keys)
        return self

    def group(self, name: str, /, **keys: Any) -> NetworkBuilder:
        """Update the current VPC's group ``name`` (None removes a key), or add it."""
        groups: list[Data] = self._current_vpc()["subnets"]
        for group in groups:
            if group["name"] == name:
                _update(group, keys)
                return self
        groups.append({"name": name, **keys})
        return self

    def drop_group(self, name: str) -> NetworkBuilder:
        vpc = self._current_vpc()
        vpc["subnets"] = [g for g in vpc["subnets"] if g["name"] != name]
        return self

    def top(self, **keys: Any) -> NetworkBuilder:
        """Set top-level keys (``accounts``, ``defaults``, ``name``, ...)."""
        _update(self._data, keys)
        return self

    # -- results ----------------------------------------------------------------------
    def data(self) -> Data:
        return copy.deepcopy(self._data)

    def yaml(self) -> str:
        return yaml.safe_dump(self._data, sort_keys=False)

    def load(
        self, *, strict: bool = False, lock: str | None = None, forget_released: bool = False
    ) -> LoadedNetwork:
        """Through the whole loading pipeline; raises ``ConfigError`` as users see it.
        ``lock``: the text of the address lock file (``test.lock.yaml``), if any."""
        return parse_network(
            self.yaml(), SOURCE, strict=strict, lock_text=lock, forget_released=forget_released
        )

    def build(self) -> NetworkConfig:
        return self.load().config

    def findings(self) -> list[str]:
        """Every finding, errors and warnings, as ``RULE LINE`` where LINE is what a user
        reads; empty when the config loads without any."""
        try:
            loaded = self.load(strict=True)
        except ConfigError as error:
            return [f"{f.rule} {f.format(SOURCE)}" for f in error.findings]
        assert not loaded.warnings
        return []

    def _current_vpc(self) -> Data:
        vpc: Data = self._data["vpcs"][self._current]
        return vpc


def network(name: str = "test") -> NetworkBuilder:
    return NetworkBuilder(name)


def network_from(data: Data) -> NetworkBuilder:
    """A builder holding a copy of existing config data, to edit (its last VPC is current)."""
    builder = NetworkBuilder(data["name"])
    builder._data = copy.deepcopy(data)
    return builder


def base() -> NetworkBuilder:
    """The network most tests start from: one VPC ``app``, 10.0.0.0/16, standard groups."""
    return network().vpc("app")


def _update(target: Data, keys: dict[str, Any]) -> None:
    for key, value in keys.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
