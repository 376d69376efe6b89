"""The known-services file's AWS-owned resources: every entry names its AWS source page,
and every bucket name it gives is a valid S3 bucket name in every region of the longest
and shortest names, with the region in it where AWS keeps one bucket per region."""

from __future__ import annotations

import re

import pytest

from multivpc.endpoint_services import AWS_OWNED_BUCKETS, SSM_AWS_OWNED

BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
"""S3's rule for bucket names (general purpose buckets): 3-63 lowercase letters, digits,
dots and hyphens, starting and ending with a letter or digit."""


@pytest.mark.parametrize("region", ["us-east-1", "ap-southeast-5", "us-gov-west-1"])
def test_aws_owned_buckets_are_valid_bucket_names(region: str) -> None:
    for _, _, buckets in AWS_OWNED_BUCKETS:
        for bucket in buckets:
            name = bucket.format(region=region)
            assert BUCKET.match(name), name


def test_each_group_names_its_aws_source() -> None:
    for purpose, source, buckets in AWS_OWNED_BUCKETS:
        assert purpose and buckets
        assert source.startswith("https://docs.aws.amazon.com/"), source
    names = [b for _, _, buckets in AWS_OWNED_BUCKETS for b in buckets]
    assert len(names) == len(set(names))
    # One bucket is global; every other is per region.
    assert [b for b in names if "{region}" not in b] == ["amazoncloudwatch-agent"]


def test_ssm_exceptions_are_read_and_run_actions_on_aws_owned_resources_only() -> None:
    actions, resources = SSM_AWS_OWNED
    assert all(a.startswith("ssm:") for a in actions)
    assert "ssm:*" not in actions and "ssm:Put*" not in actions and "ssm:Delete*" not in actions
    assert resources == ("parameter/aws/*", "document/*")
