"""Acknowledging findings a construct causes on purpose: cdk-nag's, in every pack at once,
and checkov's.

cdk-nag's NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 packs share rule names (for
example ``VPCNoUnrestrictedRouteToIGW``); a construct states its reason once and the
acknowledgement holds whichever packs the app enables. checkov reads skips from a
resource's ``Metadata``.
"""

from __future__ import annotations

import aws_cdk as cdk
from constructs import IConstruct

COMPLIANCE_PACKS = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
"""The plugin names of the compliance packs, as acknowledgement ids spell them."""


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge ``rule`` of every compliance pack on ``scope`` (and what it contains)."""
    validations = cdk.Validations.of(scope)
    for pack in COMPLIANCE_PACKS:
        validations.acknowledge(cdk.Acknowledgment(id=f"{pack}::{pack}-{rule}", reason=reason))


def skip_checkov(resource: cdk.CfnResource, check: str, reason: str) -> None:
    """Skip checkov's ``check`` on ``resource``, with ``reason`` as its comment."""
    resource.add_metadata("checkov", {"skip": [{"id": check, "comment": reason}]})
