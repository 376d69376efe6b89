"""Deploy a config to the emulator through the real CDK CLI, as a platform team would.

Each account is bootstrapped with its own credentials; accounts other than the one we
deploy from trust it (``cdk bootstrap --trust``, as the README describes). The bootstrap
stack is the CLI's own template (``cdk bootstrap --show-template``, read once per
process) created through CloudFormation with the parameters the CLI passes for
``--trust`` and ``--cloudformation-execution-policies``: the same stack as ``cdk
bootstrap`` makes, without a CLI process per account and region (4-5 s each). Then one
``cdk deploy --all`` from the deploying account (the first stack's) deploys every stack in
dependency order, assuming each account's CDK deploy role for that account's stacks.
moto maps an access key to the account of the role it was issued for, so every request
lands in the right account without any process-wide switch, and the in-process shims
(tests/deploy/emulator.py) can act in other accounts at the same time.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from multivpc.plan import NetworkPlan, StackPlan
from tests.conftest import cdk_cli_env
from tests.deploy.emulator import Emulator, credentials_in

ROOT = Path(__file__).resolve().parents[2]
TOOLKIT_STACK = "CDKToolkit"
TIMEOUT = 300  # seconds for one CLI call; nothing waits unbounded
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


class DeployError(AssertionError):
    pass


class Deployer:
    def __init__(self, emulator: Emulator, workdir: Path) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.env = {
            **cdk_cli_env(workdir),
            "AWS_ENDPOINT_URL": emulator.endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            # The end-to-end test keeps CDK's template validation on; here it only costs time.
            "CDK_VALIDATION": "false",
        }
        self._bootstrapped: set[tuple[str, str]] = set()

    _bootstrap_template: str | None = None
    """The CLI's bootstrap template, shared by every deployer of this process."""

    def _cdk(self, *args: str, account: str | None = None, quiet: bool = False) -> str:
        command = ["npx", "--no-install", "cdk", *args, "--no-notices"]
        if account is None:  # synth needs no credentials
            credentials = {"AWS_ACCESS_KEY_ID": "synth", "AWS_SECRET_ACCESS_KEY": "synth"}
        else:
            issued = credentials_in(
                self.emulator.endpoint,
                f"arn:aws:iam::{account}:role/multivpc-deploy-test",
                account,
                "us-east-1",
            )
            credentials = {key.upper(): value for key, value in issued.items()}
        result = subprocess.run(
            command,
            cwd=ROOT,
            env={**self.env, **credentials},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise DeployError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout if quiet else result.stdout + result.stderr

    def deploy(self, config: Path, network: NetworkPlan) -> list[str]:
        """Synthesize once, bootstrap each environment once, deploy every stack; returns
        the stacks in the order the CLI deployed them."""
        assembly = self.workdir / f"cdk.out-{config.stem}"
        self._cdk("synth", "--quiet", "--output", str(assembly), "-c", f"config={config}")
        deploying = network.stacks[0].account_id
        for account, region in dict.fromkeys((s.account_id, s.region) for s in network.stacks):
            if (account, region) in self._bootstrapped:
                continue
            self._bootstrap(account, region, trusting=None if account == deploying else deploying)
            self._bootstrapped.add((account, region))
        try:
            # --previous-parameters=false: on updates the CLI would send UsePreviousValue
            # for BootstrapVersion, which moto 5.2 cannot resolve (KeyError in
            # _resolve_update_parameters). Our stacks take no parameters of their own.
            output = self._cdk(
                "deploy",
                "--app",
                str(assembly),
                "--all",
                "--require-approval",
                "never",
                "--method=direct",
                "--previous-parameters=false",
                account=deploying,
            )
        except DeployError as error:
            raise DeployError(f"{error}\n{self.stack_events(network.stacks)}") from None
        return re.findall(r"^(\S+): deploying\.\.\. \[\d+/\d+\]", output, re.MULTILINE)

    def _bootstrap(self, account: str, region: str, *, trusting: str | None) -> None:
        """``cdk bootstrap aws://ACCOUNT/REGION [--trust TRUSTING]
        --cloudformation-execution-policies ADMIN``, as the CLI would create it."""
        if Deployer._bootstrap_template is None:
            Deployer._bootstrap_template = self._cdk("bootstrap", "--show-template", quiet=True)
        parameters = {
            "TrustedAccounts": trusting or "",
            "CloudFormationExecutionPolicies": ADMIN,
            "FileAssetsBucketKmsKeyId": "AWS_MANAGED_KEY",  # the CLI's default
        }
        cloudformation = self.emulator.client("cloudformation", region, account)
        try:
            cloudformation.create_stack(
                StackName=TOOLKIT_STACK,
                TemplateBody=Deployer._bootstrap_template,
                Parameters=[
                    {"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()
                ],
                Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
            )
        except Exception as error:
            raise DeployError(f"bootstrap of {account}/{region} failed: {error}") from None

    def stack_events(self, stacks: Iterable[StackPlan]) -> str:
        """The events of these stacks, oldest first."""
        lines = ["stack events:"]
        for stack in stacks:
            client = self.emulator.client("cloudformation", stack.region, stack.account_id)
            try:
                events: list[dict[str, Any]] = client.describe_stack_events(StackName=stack.name)[
                    "StackEvents"
                ]
            except Exception as error:  # the stack may not exist at all
                lines.append(f"  {stack.name}: no events ({error})")
                continue
            lines += [
                f"  {e['Timestamp']} {e['LogicalResourceId']} {e['ResourceType']} "
                f"{e['ResourceStatus']} {e.get('ResourceStatusReason', '')}"
                for e in reversed(events)
            ]
        return "\n".join(lines)
