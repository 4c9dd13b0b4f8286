"""Carrying out one planned slot operation on a lock and recording its outcome.

Intent is committed before the radio is touched and the outcome after it, so a crash (or a
store fault) anywhere in between is finished by a later pass: an unconfirmed write is read
again or re-sent to the same slot, never written into a second one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from drivers.base import DuplicateCode, InvalidCode, LockDriver, NoSpace, PermanentDriverError
from gateway.clock import Clock
from gateway.domain.models import Device
from gateway.engine import outcomes
from gateway.engine.plan import Op, OpKind
from gateway.store import devices
from gateway.store.db import Store

log = logging.getLogger(__name__)

ERROR_FOR_REFUSAL: dict[type[PermanentDriverError], str] = {
    DuplicateCode: "duplicate_code_on_device",
    NoSpace: "no_space_for_access_code_on_device",
    InvalidCode: "failed_to_set_on_device",
}

Count = Callable[[str, str, str], None]  # (lock, operation, outcome): metrics


@dataclass(frozen=True)
class Done:
    frames: int  # radio frames spent (writes and reads)
    retry_soon: bool = False  # the lock did not keep the change: retry with backoff


def _device(store: Store, device_id: str) -> Device:
    device = devices.get(store.conn, device_id)
    assert device is not None
    return device


async def execute(
    driver: LockDriver, store: Store, device_id: str, op: Op, clock: Clock, count: Count
) -> Done:
    now = clock.now()
    workspace_id = store.workspace_id
    if op.kind is OpKind.NO_SPACE:
        assert op.access_code_id is not None
        with store.transaction() as conn:
            outcomes.no_space(conn, _device(store, device_id), op.access_code_id, workspace_id, now)
        return Done(0)
    assert op.slot is not None
    with store.transaction() as conn:
        outcomes.intend(conn, device_id, op, now)
    log.info(
        "lock %s slot %d: %s access_code %s", device_id, op.slot, op.kind.value, op.access_code_id
    )
    if op.kind is OpKind.CLEAR:
        await driver.clear_slot(op.slot)
        reading = await driver.read_slot(op.slot)
        count(device_id, "clear", "not_kept" if reading.occupied else "ok")
        with store.transaction() as conn:
            if reading.occupied:
                # Not cleared: the slot stays pending and is retried with backoff; a slot that
                # keeps refusing trips its breaker (failed_to_remove_from_device).
                outcomes.clear_not_kept(conn, _device(store, device_id), op, clock.now())
                return Done(2, retry_soon=True)
            outcomes.confirm_clear(conn, _device(store, device_id), op, workspace_id, now)
        return Done(2)
    assert op.pin is not None
    try:
        await driver.write_slot(op.slot, op.pin, op.name, op.window)
    except PermanentDriverError as exc:
        count(device_id, "write", "refused")
        reading = await driver.read_slot(op.slot)
        error = ERROR_FOR_REFUSAL.get(type(exc), "failed_to_set_on_device")
        log.warning(
            "lock %s slot %d refused access_code %s: %s",
            device_id,
            op.slot,
            op.access_code_id,
            error,
        )
        with store.transaction() as conn:
            outcomes.write_failed(
                conn, _device(store, device_id), op, error, str(exc), reading, workspace_id, now
            )
        return Done(2)
    confirmed = await _confirm_write(driver, store, device_id, op, clock, count)
    return Done(1 + confirmed.frames, confirmed.retry_soon)


async def _confirm_write(
    driver: LockDriver, store: Store, device_id: str, op: Op, clock: Clock, count: Count
) -> Done:
    """Read the slot back; a lock that reports a stale "available" right after a set gets one
    more read before the write counts as not kept."""
    assert op.slot is not None
    reads = 0
    for _ in range(2):
        reading = await driver.read_slot(op.slot)
        reads += 1
        shows = reading.masked or (reading.code == op.pin and reading.window == op.window)
        if reading.occupied and shows:
            count(device_id, "write", "ok")
            with store.transaction() as conn:
                outcomes.confirm_write(
                    conn,
                    _device(store, device_id),
                    op,
                    reading.masked,
                    store.workspace_id,
                    clock.now(),
                )
            return Done(reads)
    count(device_id, "write", "not_kept")
    with store.transaction() as conn:
        outcomes.write_not_kept(
            conn, _device(store, device_id), op, store.workspace_id, clock.now()
        )
    return Done(reads, retry_soon=True)
