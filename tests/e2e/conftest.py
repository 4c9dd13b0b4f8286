"""End-to-end fixtures: one daemon per session, the official SDK pointed at it, and every
response checked against Seam's OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from seam import Seam

from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam

E2E_CONFIG = """
[[virtual_locks]]
name = "Front door"
profile = "zwave-30"
ref = "e2e-front"
codes = [
    { slot = 1, code = "4711", name = "Owner" },
    { slot = 2, code = "8642" },
    { slot = 3, code = "5190" },
]

[[virtual_locks]]
name = "Back door"
profile = "zwave-250"
ref = "e2e-back"

[[virtual_locks]]
name = "Garage"
profile = "nuki"
ref = "e2e-garage"

[[virtual_locks]]
name = "Side door"
profile = "zwave-masked"
ref = "e2e-side"
"""


@pytest.fixture(scope="session")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    data_dir = tmp_path_factory.mktemp("daemon")
    config = data_dir / "lockgw.toml"
    config.write_text(E2E_CONFIG)
    gateway = Daemon(data_dir, config=config, sim=False)
    gateway.start()
    yield gateway
    assert gateway.stop() == 0, gateway.log()


@pytest.fixture
def seam(daemon: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(daemon.url, daemon.key, openapi) as client:
        yield client


@pytest.fixture
def locks(seam: Seam) -> dict[str, str]:
    """Lock name -> device_id."""
    return {d.display_name: d.device_id for d in seam.locks.list()}


@pytest.fixture
def tmp_data(tmp_path: Path) -> Path:
    return tmp_path
