"""The emulator for deploy tests: one moto server per session, reset before every test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.deploy.emulator import Emulator


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[Emulator]:
    if shutil.which("npx") is None:
        pytest.skip("deploy tests need Node.js (npx) for the CDK CLI")
    emulator = Emulator()
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def emulator(emulator_server: Emulator) -> Emulator:
    emulator_server.reset()
    return emulator_server
