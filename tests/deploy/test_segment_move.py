"""Moving a spoke to another segment in one deploy: the association moves in place (the
attachment and every other resource keep their physical ids), and the deployed routing
matches the edited config's segment intent."""

from __future__ import annotations

from pathlib import Path

import pytest

from multivpc.load import load_config
from tests.conftest import ROOT
from tests.conftest import plan_of as plan
from tests.deploy.deploy import Deployer
from tests.deploy.emulator import Emulator
from tests.deploy.test_deploy_examples import _check_matches, _check_order, write_with_lock
from tests.support.builder import network_from

pytestmark = pytest.mark.deploy

EXAMPLE = ROOT / "examples" / "hub-and-spoke.yaml"


def test_a_spoke_moves_to_another_segment_in_one_deploy(emulator: Emulator, tmp_path: Path) -> None:
    config = load_config(EXAMPLE)
    network = plan(config)
    deployer = Deployer(emulator, tmp_path)
    _check_order(deployer.deploy(EXAMPLE, network), network)
    before = _check_matches(emulator, network, EXAMPLE)

    moved = network_from(config.model_dump(mode="json", exclude_none=True)).at("dev-tools")
    moved.set(transit_gateway={"name": "hub", "segment": "prod", "subnet_group": "transit"})
    moved_path = tmp_path / "moved.yaml"
    write_with_lock(EXAMPLE, moved.yaml(), moved_path)
    moved_network = plan(load_config(moved_path))
    _check_order(deployer.deploy(moved_path, moved_network), moved_network)
    # The oracle reads the edited file: dev-tools is now associated with prod, propagates
    # into prod and shared, and prod-app routes to it.
    after = _check_matches(emulator, moved_network, moved_path)

    assert before["dev-tools"] == after["dev-tools"], "the moved VPC's resources were replaced"
    routing = "transit gateway hub"
    kept = {key: after[routing].get(key) for key in before[routing]}
    assert kept == before[routing], "routing resources were replaced"
