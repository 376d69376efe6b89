"""The config layer: the typed models of a network estate, reading them from a file, and
the findings that report what is wrong. It imports nothing else of multivpc (except the
shared vocabulary) and no aws-cdk, so validating stays fast."""

from multivpc.config.findings import ConfigError, Finding, Level
from multivpc.config.loader import Document, parse_document, read_text
from multivpc.config.models import NetworkConfig

__all__ = [
    "ConfigError",
    "Document",
    "Finding",
    "Level",
    "NetworkConfig",
    "parse_document",
    "read_text",
]
