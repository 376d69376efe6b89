"""The config layer: models, loading, cross-object rules and planning."""

from multivpc.config.findings import ConfigError, Finding
from multivpc.config.loader import load_config, parse_config
from multivpc.config.models import NetworkConfig
from multivpc.config.plan import NetworkPlan, VpcPlan, plan

__all__ = [
    "ConfigError",
    "Finding",
    "NetworkConfig",
    "NetworkPlan",
    "VpcPlan",
    "load_config",
    "parse_config",
    "plan",
]
