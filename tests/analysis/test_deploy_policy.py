"""`multivpc bootstrap-policy`: a CloudFormation execution policy that covers what the
resource providers of the synthesized stacks call, and nothing of other services."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from multivpc.analysis import Assembly, StackTemplate
from multivpc.analysis.deploy_policy import (
    MANAGED_POLICY_CHARACTERS,
    DeployPolicy,
    DeployPolicyError,
    deploy_policy,
    fold,
)
from multivpc.diff_sides import read_side
from multivpc.feature_flags import FEATURE_FLAGS
from tests.conftest import ROOT, run_multivpc

EXAMPLES = ["single-vpc", "hub-and-spoke", "local-endpoints", "multi-account", "peering"]


@pytest.fixture(scope="module")
def assemblies() -> dict[str, Assembly]:
    return {
        name: read_side(str(ROOT / "examples" / f"{name}.yaml"), context=FEATURE_FLAGS).assembly
        for name in EXAMPLES
    }


def _statements(policy: DeployPolicy) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in policy.document["Statement"]}


def _allows(patterns: list[str], action: str) -> bool:
    return any(fnmatchcase(action.lower(), p.lower()) for p in patterns)


def _handler_actions(resource_type: str) -> set[str]:
    """The oracle: the provider schema read with cfn-lint's own loader."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER  # type: ignore[import-untyped]

    handlers = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema[
        "handlers"
    ]
    return {
        a
        for h in ("create", "read", "update", "delete")
        for a in handlers.get(h, {}).get("permissions", [])
    }


def _accounts(assembly: Assembly) -> set[str]:
    return {str(s.account) for s in assembly.stacks.values()}


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_provider_action_of_every_account_is_allowed(
    assemblies: dict[str, Assembly], example: str
) -> None:
    assembly = assemblies[example]
    for account in _accounts(assembly):
        policy = deploy_policy(assembly, account=account)
        assert policy.unknown_types == ()
        assert policy.size <= MANAGED_POLICY_CHARACTERS, (example, account, policy.size)
        statements = _statements(policy)
        allowed = [a for s in statements.values() for a in _listed(s["Action"])]
        types = {
            r["Type"]
            for s in assembly.stacks.values()
            if s.account == account
            for r in s.resources.values()
            if not r["Type"].startswith("Custom::")
        }
        missing = {(t, a) for t in types for a in _handler_actions(t) if not _allows(allowed, a)}
        assert missing == set()
        # No write action by wildcard: only reads are folded.
        wild = [a for a in allowed if "*" in a]
        assert all(re.fullmatch(r"[\w-]+:(Describe|Get|List)\*", a) for a in wild), wild


def _listed(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def test_single_vpc_gets_no_transit_gateway_or_ram(assemblies: dict[str, Assembly]) -> None:
    actions = _statements(deploy_policy(assemblies["single-vpc"]))["ResourceProviders"]["Action"]
    assert {"ec2:CreateVpc", "ec2:CreateNatGateway", "logs:CreateLogGroup"} <= set(actions)
    assert not [a for a in actions if "TransitGateway" in a or a.startswith("ram:")]
    hub = deploy_policy(assemblies["hub-and-spoke"], account="111111111111")
    hub_actions = _statements(hub)["ResourceProviders"]["Action"]
    assert {"ec2:CreateTransitGateway", "ram:CreateResourceShare"} <= set(hub_actions)


def test_roles_are_passed_only_to_the_services_that_trust_them(
    assemblies: dict[str, Assembly],
) -> None:
    single = _statements(deploy_policy(assemblies["single-vpc"]))["PassTheTemplatesRoles"]
    assert single["Action"] == "iam:PassRole"
    assert single["Resource"] == ["arn:aws:iam::111111111111:role/*"]
    assert single["Condition"] == {
        "StringEquals": {
            "iam:PassedToService": ["lambda.amazonaws.com", "vpc-flow-logs.amazonaws.com"]
        }
    }
    ssm = _statements(deploy_policy(assemblies["local-endpoints"]))["PassTheTemplatesRoles"]
    assert "ec2.amazonaws.com" in ssm["Condition"]["StringEquals"]["iam:PassedToService"]
    providers = _statements(deploy_policy(assemblies["single-vpc"]))["ResourceProviders"]
    assert "iam:PassRole" not in providers["Action"]


def test_code_invocation_and_parameters_are_named_by_account_and_region(
    assemblies: dict[str, Assembly],
) -> None:
    statements = _statements(deploy_policy(assemblies["hub-and-spoke"], account="222222222222"))
    assert statements["FunctionCode"]["Resource"] == [
        "arn:aws:s3:::cdk-hnb659fds-assets-222222222222-us-east-1/*"
    ]
    assert statements["InvokeCustomResources"]["Resource"] == [
        "arn:aws:lambda:us-east-1:222222222222:function:*"
    ]
    assert statements["TemplateParameters"]["Resource"] == [
        "arn:aws:ssm:us-east-1:222222222222:parameter/cdk-bootstrap/hnb659fds/version"
    ]
    # multivpc's own ids, one parameter per spoke and route table, as the network's folder.
    network = _statements(deploy_policy(assemblies["multi-account"], account="111111111111"))
    assert network["TemplateParameters"]["Resource"] == [
        "arn:aws:ssm:us-east-1:111111111111:parameter/cdk-bootstrap/hnb659fds/version",
        "arn:aws:ssm:us-east-1:111111111111:parameter/multivpc/multi-account/*",
    ]


def test_a_whole_estate_over_the_quota_asks_for_one_account_at_a_time(tmp_path: Path) -> None:
    done = run_multivpc("bootstrap-policy", "examples/multi-account.yaml")
    assert done.returncode == 2
    assert done.stdout == ""
    assert re.search(
        r"examples/multi-account.yaml: the policy has [\d,]+ characters, over IAM's 6,144 for "
        r"a managed policy; print one per account with --account ID",
        done.stderr,
    ), done.stderr
    one = run_multivpc(
        "bootstrap-policy", "examples/multi-account.yaml", "--account", "222222222222"
    )
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["Version"] == "2012-10-17"


def test_bad_input_exits_2_naming_it(tmp_path: Path) -> None:
    unknown = run_multivpc("bootstrap-policy", "examples/single-vpc.yaml", "--account", "999")
    assert unknown.returncode == 2
    assert unknown.stderr.strip().endswith(
        "no stack deploys to account 999; the stacks' accounts are 111111111111"
    )
    missing = run_multivpc("bootstrap-policy", str(tmp_path / "none.yaml"))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert "none.yaml" in missing.stderr


def test_a_type_without_a_schema_is_reported_not_guessed() -> None:
    stack = StackTemplate(
        "s",
        {"Resources": {"X": {"Type": "AWS::Nothing::Here"}, "V": {"Type": "AWS::EC2::VPC"}}},
        "111111111111",
        "us-east-1",
    )
    policy = deploy_policy(Assembly.of(stack))
    assert policy.unknown_types == ("AWS::Nothing::Here",)
    assert [s["Sid"] for s in policy.document["Statement"]] == ["ResourceProviders"]
    with pytest.raises(DeployPolicyError):
        deploy_policy(Assembly.of(stack), account="222222222222")


def test_fold_keeps_writes_and_folds_reads_per_service() -> None:
    assert fold(["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:CreateVpc", "iam:GetRole"]) == [
        "ec2:CreateVpc",
        "ec2:Describe*",
        "iam:Get*",
    ]
    assert fold(["ssm:GetParameters", "ssm:ListTagsForResource", "ssm:PutParameter"]) == [
        "ssm:Get*",
        "ssm:List*",
        "ssm:PutParameter",
    ]


def test_partitions_follow_the_region() -> None:
    from multivpc.analysis.deploy_policy import partition

    assert [partition(r) for r in ("us-east-1", "cn-north-1", "us-gov-west-1", None)] == [
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws",
    ]
