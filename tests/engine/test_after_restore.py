"""After `lockgw restore`, each lock's first pass reads every slot and checks the restored slot
map against it: what the lock holds is never overwritten on the word of an old backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from drivers.virtual import VirtualLock, make_lock
from gateway.domain.models import CodeStatus
from gateway.service.restore import restore
from gateway.store import access_codes
from gateway.store.db import DB_FILE
from tests.support.harness import Harness


def _backup(hub: Harness, target: Path) -> None:
    copy = sqlite3.connect(target)
    with copy:
        hub.store.conn.backup(copy)
    copy.close()


async def _restart_after_restore(hub: Harness, backup: Path, lock: VirtualLock) -> Harness:
    hub.close()
    restore(backup, hub.data_dir, hub.clock.now())
    restarted = Harness(hub.data_dir, clock=hub.clock)
    restarted.add_lock(lock=lock)
    return restarted


def _unmanaged_pins(hub: Harness, device_id: str) -> list[str | None]:
    return [c.code for c in access_codes.for_device(hub.store.conn, device_id) if not c.is_managed]


async def test_the_first_pass_after_a_restore_reads_every_slot_though_the_checksum_agrees(
    tmp_path: Path,
) -> None:
    lock = make_lock("zwave-250", "front", "Front")
    hub = Harness(tmp_path / "data")
    device_id, _ = hub.add_lock(lock=lock)
    hub.create(device_id, code="4817")
    await hub.settle(device_id)
    _backup(hub, tmp_path / "backup.sqlite3")
    hub.close()
    restarted = Harness(hub.data_dir, clock=hub.clock)
    restarted.add_lock(lock=lock)
    lock.operations.clear()
    await restarted.settle(device_id)
    assert lock.operations["read_slots"] == 0, "a plain restart trusts the checksum"

    restored = await _restart_after_restore(restarted, tmp_path / "backup.sqlite3", lock)
    lock.operations.clear()
    await restored.settle(device_id)
    assert lock.operations["read_slots"] == 1
    assert lock.operations["write_slot"] == 0
    restored.close()


async def test_a_code_deleted_since_the_backup_is_programmed_again_without_a_keypad_event(
    tmp_path: Path,
) -> None:
    lock = make_lock("zwave-250", "front", "Front")
    hub = Harness(tmp_path / "data")
    device_id, _ = hub.add_lock(lock=lock)
    code = hub.create(device_id, code="4817")
    await hub.settle(device_id)
    _backup(hub, tmp_path / "backup.sqlite3")
    hub.delete(code.access_code_id)
    await hub.settle(device_id)
    assert lock.codes() == {}

    restored = await _restart_after_restore(hub, tmp_path / "backup.sqlite3", lock)
    await restored.settle(device_id)
    assert list(lock.codes().values()) == ["4817"]
    back = restored.code(code.access_code_id)
    assert back is not None and back.status is CodeStatus.SET and back.errors == []
    assert "access_code.deleted_external_to_seam" not in restored.events(code.access_code_id)
    assert _unmanaged_pins(restored, device_id) == []
    restored.close()


async def test_a_code_the_backup_had_not_placed_yet_is_found_on_the_lock_not_duplicated(
    tmp_path: Path,
) -> None:
    lock = make_lock("zwave-250", "front", "Front")
    hub = Harness(tmp_path / "data")
    device_id, _ = hub.add_lock(lock=lock)
    await hub.settle(device_id)
    code = hub.create(device_id, code="4817")
    _backup(hub, tmp_path / "backup.sqlite3")  # declared, not yet on the lock
    await hub.settle(device_id)
    slot = next(iter(lock.codes()))

    restored = await _restart_after_restore(hub, tmp_path / "backup.sqlite3", lock)
    await restored.settle(device_id)
    assert lock.codes() == {slot: "4817"}
    found = restored.code(code.access_code_id)
    assert found is not None and found.status is CodeStatus.SET and found.errors == []
    assert _unmanaged_pins(restored, device_id) == []
    restored.close()


async def test_a_keypad_code_in_a_restored_slot_becomes_unmanaged_and_stays(
    tmp_path: Path,
) -> None:
    lock = make_lock("zwave-30", "front", "Front")
    hub = Harness(tmp_path / "data")
    device_id, _ = hub.add_lock(lock=lock)
    code = hub.create(device_id, code="4817")
    await hub.settle(device_id)
    _backup(hub, tmp_path / "backup.sqlite3")
    slot = next(iter(lock.codes()))
    lock.keypad_set(slot, "9031", notify=False)  # the code replaced while the hub was down

    restored = await _restart_after_restore(hub, tmp_path / "backup.sqlite3", lock)
    await restored.settle(device_id)
    held = lock.codes()
    assert held[slot] == "9031"
    assert sorted(held.values()) == ["4817", "9031"]
    assert _unmanaged_pins(restored, device_id) == ["9031"]
    back = restored.code(code.access_code_id)
    assert back is not None and back.status is CodeStatus.SET
    restored.close()


def test_the_restored_database_is_the_backup(tmp_path: Path) -> None:
    hub = Harness(tmp_path / "data")
    hub.add_lock()
    workspace = hub.store.workspace_id
    _backup(hub, tmp_path / "backup.sqlite3")
    hub.close()
    assert restore(tmp_path / "backup.sqlite3", tmp_path / "data", hub.clock.now()) == 1
    assert not (tmp_path / "data" / (DB_FILE + ".restoring")).exists()
    again = Harness(tmp_path / "data")
    assert again.store.workspace_id == workspace
    again.close()
