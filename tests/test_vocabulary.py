"""The shared vocabulary is consistent with itself and with aws-cdk-lib."""

from __future__ import annotations

from typing import get_args

from aws_cdk import aws_logs as logs

from multivpc.vocabulary import RETENTION_DAY_NAMES, RetentionDays


def test_every_retention_period_has_its_aws_logs_name() -> None:
    assert tuple(RETENTION_DAY_NAMES) == get_args(RetentionDays)
    for name in RETENTION_DAY_NAMES.values():
        assert name in logs.RetentionDays.__members__, name


def test_retention_names_mean_their_days() -> None:
    # Spot checks written down by hand: the name must say the number of days.
    assert RETENTION_DAY_NAMES[1] == "ONE_DAY"
    assert RETENTION_DAY_NAMES[365] == "ONE_YEAR"
    assert RETENTION_DAY_NAMES[731] == "TWO_YEARS"
    assert RETENTION_DAY_NAMES[3653] == "TEN_YEARS"
