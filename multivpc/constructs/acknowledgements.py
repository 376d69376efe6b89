"""Acknowledging cdk-nag findings a construct causes on purpose, in every pack at once.

cdk-nag's NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 packs share rule names (for
example ``VPCNoUnrestrictedRouteToIGW``); a construct states its reason once and the
acknowledgement holds whichever packs the app enables.
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
