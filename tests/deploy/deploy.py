"""Deploy a config to the emulator through the real CDK CLI, as a platform team would."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from multivpc.plan import NetworkPlan
from tests.conftest import cdk_cli_env
from tests.deploy.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 300  # seconds for one CLI call; nothing waits unbounded


class DeployError(AssertionError):
    pass


class Deployer:
    def __init__(self, emulator: Emulator, workdir: Path) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.env = {
            **cdk_cli_env(workdir),
            "AWS_ENDPOINT_URL": emulator.endpoint,
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            # The end-to-end test keeps CDK's template validation on; here it only costs time.
            "CDK_VALIDATION": "false",
        }
        self._bootstrapped: set[tuple[str, str]] = set()

    def _cdk(self, *args: str, account: str = "") -> str:
        command = ["npx", "--no-install", "cdk", *args, "--no-notices"]
        # The CLI caches the account behind an access key (~/.cdk/cache), so each
        # emulated account gets its own key.
        env = {**self.env, "AWS_ACCESS_KEY_ID": f"MOTOKEY{account or 'SYNTH'}"}
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise DeployError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout + result.stderr

    def deploy(self, config: Path, network: NetworkPlan) -> None:
        """Synthesize once, bootstrap each environment once, deploy every stack.

        The emulator's account is chosen per request through MOTO_ACCOUNT_ID (it runs in
        this process), so stacks are deployed one account at a time.
        """
        assembly = self.workdir / f"cdk.out-{config.stem}"
        self._cdk("synth", "--quiet", "--output", str(assembly), "-c", f"config={config}")
        by_account: dict[str, list[str]] = {}
        for vpc in network.vpcs:
            by_account.setdefault(vpc.account_id, []).append(vpc.stack_name)
        for account, stacks in by_account.items():
            os.environ["MOTO_ACCOUNT_ID"] = account
            regions = sorted({v.region for v in network.vpcs if v.account_id == account})
            try:
                for region in regions:
                    if (account, region) not in self._bootstrapped:
                        self._cdk(
                            "bootstrap",
                            "--app",
                            str(assembly),
                            f"aws://{account}/{region}",
                            account=account,
                        )
                        self._bootstrapped.add((account, region))
                try:
                    # --previous-parameters=false: on updates the CLI would send
                    # UsePreviousValue for BootstrapVersion, which moto 5.2 cannot resolve
                    # (KeyError in _resolve_update_parameters). Our stacks take no
                    # parameters of their own, so nothing else changes.
                    self._cdk(
                        "deploy",
                        "--app",
                        str(assembly),
                        "--require-approval",
                        "never",
                        "--method=direct",
                        "--previous-parameters=false",
                        *stacks,
                        account=account,
                    )
                except DeployError as error:
                    raise DeployError(f"{error}\n{self.stack_events(network, stacks)}") from None
            finally:
                os.environ.pop("MOTO_ACCOUNT_ID", None)

    def stack_events(self, network: NetworkPlan, stacks: Sequence[str]) -> str:
        lines = ["stack events:"]
        for vpc in network.vpcs:
            if vpc.stack_name not in stacks:
                continue
            client = self.emulator.client("cloudformation", vpc.region)
            try:
                events: list[dict[str, Any]] = client.describe_stack_events(
                    StackName=vpc.stack_name
                )["StackEvents"]
            except Exception as error:  # the stack may not exist at all
                lines.append(f"  {vpc.stack_name}: no events ({error})")
                continue
            lines += [
                f"  {e['Timestamp']} {e['LogicalResourceId']} {e['ResourceType']} "
                f"{e['ResourceStatus']} {e.get('ResourceStatusReason', '')}"
                for e in reversed(events)
            ]
        return "\n".join(lines)
