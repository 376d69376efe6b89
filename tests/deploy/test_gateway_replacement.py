"""A new ASN replaces the Transit Gateway: one `cdk deploy --all` of that edit ends with
every spoke, in every account, attached to the new gateway and routed by segment intent,
checked against the oracle, which reads the edited config. The old gateway is left behind
(AWS refuses to delete it while the spokes are still attached to it, when the hub stack's
cleanup runs), empty once the spokes' cleanups have deleted their old attachments."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from multivpc.load import load_config
from tests.conftest import ROOT
from tests.conftest import plan_of as plan
from tests.deploy.deploy import Deployer
from tests.deploy.emulator import ORPHANS, Emulator
from tests.deploy.test_deploy_examples import _check_matches, _check_order, write_with_lock
from tests.deploy.verify import physical_ids

pytestmark = pytest.mark.deploy

EXAMPLE = ROOT / "examples" / "hub-and-spoke.yaml"


def test_a_new_asn_moves_every_spoke_to_the_new_gateway(emulator: Emulator, tmp_path: Path) -> None:
    network = plan(load_config(EXAMPLE))
    deployer = Deployer(emulator, tmp_path)
    _check_order(deployer.deploy(EXAMPLE, network), network)
    before = _check_matches(emulator, network, EXAMPLE)
    hub = next(s for s in network.stacks if s.role == "hub")
    [old_gateway] = physical_ids(emulator, hub, "AWS::EC2::TransitGateway")

    data = yaml.safe_load(EXAMPLE.read_text())
    data["transit_gateways"][0]["amazon_side_asn"] = 64600
    edited_path = tmp_path / "new-asn.yaml"
    write_with_lock(EXAMPLE, yaml.safe_dump(data, sort_keys=False), edited_path)
    edited = plan(load_config(edited_path))
    _check_order(deployer.deploy(edited_path, edited), edited)
    # The oracle reads the edited file: the ASN, every attachment, association,
    # propagation and static route, on the hub stack's gateway.
    after = _check_matches(emulator, edited, edited_path)

    [new_gateway] = physical_ids(emulator, hub, "AWS::EC2::TransitGateway")
    assert new_gateway != old_gateway
    spokes = [vpc.name for vpc in edited.vpcs if vpc.attachment is not None]
    assert spokes == ["shared-services", "prod-app", "dev-app", "dev-tools"]
    for vpc in spokes:
        assert f"attachment {new_gateway}" in after[vpc], vpc
        assert f"attachment {old_gateway}" not in after[vpc], vpc
        assert after[vpc][f"attachment {new_gateway}"] != before[vpc][f"attachment {old_gateway}"]
        # Only the attachment is new in the VPC's stack: subnets, route tables, routes stay.
        kept = {k: v for k, v in after[vpc].items() if not k.startswith("attachment ")}
        assert kept == {k: v for k, v in before[vpc].items() if not k.startswith("attachment ")}

    # The old gateway and its three route tables stay, orphaned by the hub's cleanup; no
    # attachment is left on it.
    orphans = {(o.stack, o.physical_id) for o in ORPHANS}
    assert (hub.name, old_gateway) in orphans
    assert len([o for o in ORPHANS if o.stack == hub.name]) == 1 + len(
        data["transit_gateways"][0]["segments"]
    )
    ec2 = emulator.client("ec2", hub.region, hub.account_id)
    left = ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "transit-gateway-id", "Values": [old_gateway]}]
    )["TransitGatewayAttachments"]
    assert left == []
