"""The hub as the cloud's containers: one workspace (a sandbox when all its locks are
simulated), one connected account per kind of radio, matching every device's
`connected_account_id` and usable as a filter; what makes no sense on a hub is refused."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from drivers.virtual.profiles import PROFILES
from gateway.domain.models import Device
from gateway.engine.locks import device_id_for
from gateway.store import devices
from gateway.store.db import Store
from tests.support.api import client_for
from tests.support.daemon import Daemon, free_port
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.virtual_server import VirtualLockServer
from tests.support.wait import eventually

UNKNOWN_ACCOUNT = str(uuid.uuid4())


def test_the_hub_is_one_workspace_that_its_resources_name(seam: Seam) -> None:
    workspace = seam.workspaces.get()
    assert workspace.workspace_id == seam.devices.list()[0].workspace_id
    assert socket.gethostname() in workspace.name
    assert workspace.is_sandbox is True  # every lock of the e2e hub is simulated
    assert workspace.is_suspended is False
    assert [w.workspace_id for w in seam.workspaces.list()] == [workspace.workspace_id]


def test_each_radio_is_a_connected_account_matching_its_devices(seam: Seam) -> None:
    accounts = seam.connected_accounts.list()
    devices = seam.devices.list()
    assert {a.connected_account_id for a in accounts} == {d.connected_account_id for d in devices}
    (simulated,) = accounts  # the e2e hub's locks are all simulated: one account
    assert simulated.account_type == "virtual"
    assert simulated.display_name == "Simulated locks"
    got = seam.connected_accounts.get(connected_account_id=simulated.connected_account_id)
    assert got.connected_account_id == simulated.connected_account_id
    assert got.accepted_capabilities == ["lock"]
    assert seam.connected_accounts.list(search="simulated") == accounts
    assert seam.connected_accounts.list(search="z-wave") == []


def test_an_unknown_connected_account_is_not_found(seam: Seam) -> None:
    with pytest.raises(SeamHttpApiError) as err:
        seam.connected_accounts.get(connected_account_id=UNKNOWN_ACCOUNT)
    assert (err.value.status_code, err.value.code) == (404, "connected_account_not_found")


def test_syncing_an_unknown_account_is_not_found(seam: Seam) -> None:
    with pytest.raises(SeamHttpApiError) as err:
        seam.connected_accounts.sync(connected_account_id=UNKNOWN_ACCOUNT)
    assert (err.value.status_code, err.value.code) == (404, "connected_account_not_found")


@pytest.fixture
def remote_lock(tmp_path: Path) -> Iterator[tuple[Daemon, VirtualLockServer]]:
    """A hub whose lock lives in another process, which changes it without telling (a remote
    lock sends no events: the hub learns what it holds by reading it). One code is on it from
    the start."""
    server = VirtualLockServer({"sync-door": "zwave-30"})
    server.keypad("sync-door", 3, "1357", notify=False)
    config = tmp_path / "lockgw.toml"
    config.write_text(f'[virtual_server]\nurl = "{server.url}"\n')
    daemon = Daemon(tmp_path, config=config, sim=False)
    try:
        daemon.start()
        yield daemon, server
        assert daemon.stop() == 0, daemon.log()
    finally:
        daemon.kill()
        server.stop()


def test_syncing_an_account_reads_its_locks_again_now(
    remote_lock: tuple[Daemon, VirtualLockServer], openapi: SeamOpenApi
) -> None:
    daemon, server = remote_lock
    with checked_seam(daemon.url, daemon.key, openapi) as sdk:
        (door,) = eventually(sdk.devices.list)

        def unmanaged() -> list[str | None]:
            return sorted(c.code for c in sdk.access_codes.unmanaged.list(device_id=door.device_id))

        # Once the first code shows, the hub has read the lock (its first pass reads it all).
        eventually(lambda: unmanaged() == ["1357"])
        # Another, typed in at the keypad: the hub would learn of it at its next drift check
        # (hours away), or now, when the lock's account is synced.
        server.keypad("sync-door", 5, "2468", notify=False)
        assert unmanaged() == ["1357"]
        sdk.connected_accounts.sync(connected_account_id=door.connected_account_id)
        eventually(lambda: unmanaged() == ["1357", "2468"])


def test_devices_locks_and_events_filter_by_connected_account(seam: Seam) -> None:
    devices = seam.devices.list()
    account = devices[0].connected_account_id
    assert seam.devices.list(connected_account_id=account) == devices
    assert seam.devices.list(connected_account_ids=[account]) == devices
    assert seam.devices.list(connected_account_id=UNKNOWN_ACCOUNT) == []
    assert seam.devices.list(connected_account_ids=[UNKNOWN_ACCOUNT]) == []
    locks = seam.locks.list()
    assert seam.locks.list(connected_account_id=account) == locks
    assert seam.locks.list(connected_account_id=UNKNOWN_ACCOUNT) == []
    since = "2000-01-01T00:00:00Z"
    events = seam.events.list(since=since, connected_account_id=account)
    assert events and all(e.connected_account_id == account for e in events)
    assert seam.events.list(since=since, connected_account_id=UNKNOWN_ACCOUNT) == []


def test_accounts_and_workspaces_cannot_be_changed_on_a_hub(seam: Seam) -> None:
    account = seam.connected_accounts.list()[0].connected_account_id
    calls = {
        "/connected_accounts/update": lambda: seam.connected_accounts.update(
            connected_account_id=account, display_name="Renamed"
        ),
        "/connected_accounts/delete": lambda: seam.connected_accounts.delete(
            connected_account_id=account
        ),
        "/workspaces/create": lambda: seam.workspaces.create(name="Another"),
        "/workspaces/reset_sandbox": seam.workspaces.reset_sandbox,
    }
    for path, call in calls.items():
        with pytest.raises(SeamHttpApiError) as err:
            call()
        assert err.value.code == "not_available_on_local_hub", path
        assert path in str(err.value) and len(str(err.value)) > len(path) + 40, str(err.value)
    assert seam.connected_accounts.list()[0].display_name == "Simulated locks"
    assert len(seam.devices.list(connected_account_id=account)) > 0


@pytest.fixture
def empty_hub(tmp_path: Path) -> Iterator[Daemon]:
    daemon = Daemon(tmp_path, sim=False)  # no config, no radio: no locks at all
    daemon.start()
    yield daemon
    assert daemon.stop() == 0, daemon.log()


def test_a_hub_without_locks_is_no_sandbox_and_has_no_accounts(
    empty_hub: Daemon, openapi: SeamOpenApi
) -> None:
    with checked_seam(empty_hub.url, empty_hub.key, openapi) as sdk:
        assert sdk.workspaces.get().is_sandbox is False
        assert sdk.connected_accounts.list() == []


def _seed_zwave_lock(data_dir: Path, ref: str, name: str) -> str:
    """A Z-Wave lock the hub knew from an earlier run: it adopts it at start (offline until
    its zwave-js server answers), as after a reboot with the server still down."""
    device_id = device_id_for("zwave", ref)
    store = Store(data_dir)
    try:
        with store.transaction() as conn:
            found = Device(device_id, "zwave", ref, name, PROFILES["zwave-30"], datetime.now(UTC))
            devices.upsert(conn, found)
    finally:
        store.close()
    return device_id


@pytest.fixture
def mixed_hub(tmp_path: Path) -> Iterator[tuple[Daemon, str]]:
    """A hub with a Z-Wave lock (its server down) and a simulated lock."""
    config = tmp_path / "lockgw.toml"
    config.write_text(
        f'[zwave]\nurl = "ws://127.0.0.1:{free_port()}"\nconnect_wait_seconds = 0\n\n'
        '[[virtual_locks]]\nname = "Shed"\nprofile = "nuki"\nref = "mixed-shed"\n'
    )
    daemon = Daemon(tmp_path, config=config, sim=False)
    porch = _seed_zwave_lock(tmp_path, "zwave:7e57c0de:9", "Porch")
    daemon.start()
    yield daemon, porch
    assert daemon.stop() == 0, daemon.log()


def test_a_hub_with_two_radios_has_two_accounts_each_with_its_own_devices(
    mixed_hub: tuple[Daemon, str], openapi: SeamOpenApi
) -> None:
    daemon, porch = mixed_hub
    with checked_seam(daemon.url, daemon.key, openapi) as sdk:
        names = {d.device_id: d.display_name for d in sdk.devices.list()}
        assert sorted(names.values()) == ["Porch", "Shed"]
        accounts = {a.account_type: a.connected_account_id for a in sdk.connected_accounts.list()}
        assert set(accounts) == {"zwave", "virtual"}
        on_zwave = sdk.devices.list(connected_account_id=accounts["zwave"])
        assert [(d.device_id, d.connected_account_id) for d in on_zwave] == [
            (porch, accounts["zwave"])
        ]
        simulated = sdk.locks.list(connected_account_id=accounts["virtual"])
        assert [d.display_name for d in simulated] == ["Shed"]
        both = sdk.devices.list(connected_account_ids=list(accounts.values()))
        assert len(both) == 2
        assert sdk.workspaces.get().is_sandbox is False  # a real radio's lock is no simulation

        client = client_for(daemon)
        first = client.post("/connected_accounts/list", json={"limit": 1}).json()
        assert first["pagination"]["has_next_page"] is True
        cursor = first["pagination"]["next_page_cursor"]
        second = client.post(
            "/connected_accounts/list", json={"limit": 1, "page_cursor": cursor}
        ).json()
        assert second["pagination"]["has_next_page"] is False
        paged = [a["connected_account_id"] for a in first["connected_accounts"]]
        paged += [a["connected_account_id"] for a in second["connected_accounts"]]
        assert sorted(paged) == sorted(accounts.values())


def test_the_cloud_s_customer_filters_are_refused_naming_the_field(daemon: Daemon) -> None:
    client: httpx.Client = client_for(daemon)
    for field, value in (("customer_key", "c1"), ("user_identifier_key", "u1")):
        refused = client.post("/connected_accounts/list", json={field: value})
        assert refused.status_code == 400
        assert field in refused.json()["error"]["validation_errors"]
