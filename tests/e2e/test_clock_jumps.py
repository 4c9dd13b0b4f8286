"""The hub's wall clock jumping while it runs: codes follow real time, not a wrong jump.

The jump is made for the daemon's process only (libfaketime, monotonic clock untouched); the
locks live in another process with the real clock. The daemon runs with the kernel's clock
query refused (as under a sandbox) and no systemd-timesyncd to ask instead: the hub has no
word from the system on whether a jump is genuine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from tests.support.daemon import Daemon
from tests.support.faketime import WallClockOffset
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.seccomp import SITE
from tests.support.virtual_server import VirtualLockServer
from tests.support.wait import eventually

pytestmark = pytest.mark.e2e

DOOR = "clock-door"


def _real(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


@dataclass
class Hub:
    seam: Seam
    daemon: Daemon
    wall: WallClockOffset
    locks: VirtualLockServer
    device_id: str

    def on_lock(self) -> set[str]:
        """The PINs the lock itself holds (asked of the lock, not of the hub)."""
        return set(self.locks.codes(DOOR).values())

    def clock_health(self) -> str:
        body = httpx.get(f"{self.daemon.url}/health").json()
        return str(body["components"]["clock"])

    def status(self, access_code_id: str) -> str:
        return str(self.seam.access_codes.get(access_code_id=access_code_id).status)


@pytest.fixture
def lock_server() -> Iterator[VirtualLockServer]:
    server = VirtualLockServer({DOOR: "zwave-250"})
    yield server
    server.stop()


@contextmanager
def _hub(
    tmp_path: Path, locks: VirtualLockServer, openapi: SeamOpenApi, hold: float | None = None
) -> Iterator[Hub]:
    config = tmp_path / "lockgw.toml"
    config.write_text(f'[virtual_server]\nurl = "{locks.url}"\n')
    wall = WallClockOffset(tmp_path)
    python_path = os.pathsep.join(p for p in (str(SITE), os.environ.get("PYTHONPATH")) if p)
    env = {
        **os.environ,
        **wall.env(),
        "PYTHONPATH": python_path,
        "LOCKGW_TIMESYNC_FILE": str(tmp_path / "no-timesyncd" / "synchronized"),
    }
    if hold is not None:
        env["LOCKGW_CLOCK_HOLD_SECONDS"] = str(hold)
    daemon = Daemon(tmp_path, config=config, sim=False, env=env)
    daemon.start()
    try:
        with checked_seam(daemon.url, daemon.key, openapi) as seam:
            device_id = seam.locks.list()[0].device_id
            yield Hub(seam, daemon, wall, locks, device_id)
        assert daemon.stop() == 0, daemon.log()
    finally:
        daemon.kill()


def _holds_for(seconds: float, check: Callable[[], None]) -> None:
    """`check` passes at every look for `seconds` (an invariant watched over time)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check()
        time.sleep(0.5)


def test_a_brief_forward_jump_neither_removes_a_valid_code_nor_blocks_new_ones(
    tmp_path: Path, lock_server: VirtualLockServer, openapi: SeamOpenApi
) -> None:
    with _hub(tmp_path, lock_server, openapi) as hub:
        guest = hub.seam.access_codes.create(
            device_id=hub.device_id,
            name="Guest",
            code="482913",
            starts_at=_real(timedelta(hours=-1)),
            ends_at=_real(timedelta(hours=1)),
        )
        eventually(lambda: hub.status(guest.access_code_id) == "set" and "482913" in hub.on_lock())
        assert hub.clock_health() == "synchronised"

        hub.wall.set("+2h")
        eventually(lambda: hub.clock_health() == "not synchronised")  # seen, not believed
        # Activity on the lock meanwhile: another code comes and goes.
        cleaner = hub.seam.access_codes.create(
            device_id=hub.device_id, name="Cleaner", code="739164"
        )
        eventually(lambda: "739164" in hub.on_lock())
        hub.seam.access_codes.delete(access_code_id=cleaner.access_code_id)
        eventually(lambda: "739164" not in hub.on_lock())

        def guest_still_in() -> None:
            assert hub.status(guest.access_code_id) == "set"
            assert "482913" in hub.on_lock()

        _holds_for(20.0, guest_still_in)
        hub.wall.set("+0")
        eventually(lambda: hub.clock_health() == "synchronised")

        next_guest = hub.seam.access_codes.create(
            device_id=hub.device_id,
            name="Next guest",
            code="561728",
            starts_at=_real(timedelta(0)),
            ends_at=_real(timedelta(hours=1)),
        )
        eventually(lambda: hub.status(next_guest.access_code_id) == "set")
        assert {"482913", "561728"} <= hub.on_lock()
        assert hub.status(guest.access_code_id) == "set"
        log = hub.daemon.log()
        assert "wall clock jumped ahead: not believed yet" in log
        assert not [pin for pin in ("482913", "739164", "561728") if pin in log]


def test_a_jump_that_persists_is_believed_and_the_lock_follows_it_without_any_api_call(
    tmp_path: Path, lock_server: VirtualLockServer, openapi: SeamOpenApi
) -> None:
    with _hub(tmp_path, lock_server, openapi, hold=2.0) as hub:
        leaving = hub.seam.access_codes.create(
            device_id=hub.device_id,
            name="Leaving guest",
            code="615283",
            starts_at=_real(timedelta(hours=-1)),
            ends_at=_real(timedelta(minutes=15)),
        )
        arriving = hub.seam.access_codes.create(
            device_id=hub.device_id,
            name="Arriving guest",
            code="847261",
            starts_at=_real(timedelta(minutes=15)),
            ends_at=_real(timedelta(hours=3)),
        )
        eventually(lambda: hub.status(leaving.access_code_id) == "set")
        assert hub.status(arriving.access_code_id) == "unset"
        assert hub.on_lock() == {"615283"}

        hub.wall.set("+30m")
        # Only the lock is watched until it has changed: no call reaches the hub's API.
        eventually(lambda: hub.on_lock() == {"847261"}, timeout=30)

        assert hub.status(arriving.access_code_id) == "set"
        with pytest.raises(SeamHttpApiError) as gone:
            hub.seam.access_codes.get(access_code_id=leaving.access_code_id)
        assert gone.value.code == "access_code_not_found"
        assert hub.clock_health() == "synchronised"
        assert not [pin for pin in ("615283", "847261") if pin in hub.daemon.log()]
