"""The lock-API parity tests (issue #17) run a daemon of their own (one per module): they
unmanage devices and report code lengths, which would disturb the tests sharing the session's
daemon. `seam` and `locks` here replace tests/e2e/conftest.py's for this directory."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from seam import Seam

from tests.e2e.parity.lockset import LOCKS
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam


@pytest.fixture(scope="module")
def parity_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    data_dir = tmp_path_factory.mktemp("parity")
    config = data_dir / "lockgw.toml"
    config.write_text(
        "".join(
            f'[[virtual_locks]]\nname = "{name}"\nprofile = "{profile}"\nref = "parity-{n}"\n\n'
            for n, (name, profile) in enumerate(LOCKS.items())
        )
    )
    gateway = Daemon(data_dir, config=config, sim=False)
    gateway.start()
    yield gateway
    assert gateway.stop() == 0, gateway.log()


@pytest.fixture
def seam(parity_daemon: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(parity_daemon.url, parity_daemon.key, openapi) as client:
        yield client


@pytest.fixture
def raw(parity_daemon: Daemon) -> Iterator[httpx.Client]:
    """For status codes and bodies the SDK does not show."""
    headers = {"Authorization": f"Bearer {parity_daemon.key}"}
    with httpx.Client(base_url=parity_daemon.url, headers=headers) as client:
        yield client


@pytest.fixture
def locks(seam: Seam) -> dict[str, str]:
    """Lock name -> device_id, of the managed and the unmanaged devices alike."""
    found = {d.display_name: d.device_id for d in seam.devices.list()}
    found |= {d.properties.name: d.device_id for d in seam.devices.unmanaged.list()}
    return found
