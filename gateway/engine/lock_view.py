"""How a reconciler looks at its lock: the observe phase of a pass, and what it knows it must
look at again.

Usually a pass reads nothing: one checksum frame says the lock holds exactly what the store
says. A slot the lock reported changed is read alone. A full read (the first pass, the lock
back online, "all user codes deleted" at the keypad, a checksum that disagrees, a store fault)
reads every slot and takes them into the store a slice at a time (`observe.py` decides what
each reading means)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from drivers.base import LockDriver, LockState, SlotReading
from gateway.clock import Clock
from gateway.domain.issues import INSECURE_LOCK_WARNING, with_driver_warning
from gateway.domain.models import Device
from gateway.engine import outcomes
from gateway.engine.observe import observe
from gateway.store import devices, slots, unverified
from gateway.store.db import Store

DRIFT_CHECK_EVERY = timedelta(hours=6)
# Slots taken in per transaction when a full read is recorded (see _take_in_slices).
TAKE_IN_SLICE = 10


def current_device(store: Store, device_id: str) -> Device:
    device = devices.get(store.conn, device_id)
    assert device is not None
    return device


@dataclass
class LockView:
    device_id: str
    driver: LockDriver
    store: Store
    clock: Clock
    needs_full_read: bool = True
    # Slots the lock reported changed since they were last read.
    dirty_slots: set[int] = field(default_factory=set)
    last_drift_check: datetime | None = None

    def slot_changed(self, slot: int | None) -> None:
        """The lock reported a slot changed (None: all of them, e.g. "all user codes deleted"
        at the keypad)."""
        if slot is None:
            self.needs_full_read = True
            return
        self.dirty_slots.add(slot)
        # Behind masked read-back the report is the only evidence of the change: keep it in
        # the store, so a restart before the next pass still puts our code back.
        with self.store.transaction() as conn:
            slots.forget_masked_value(conn, self.device_id, slot)

    async def observe(self) -> None:
        now = self.clock.now()
        due = self.last_drift_check is None or now - self.last_drift_check >= DRIFT_CHECK_EVERY
        # One checksum frame answers both the periodic drift check and a requested full read
        # (start-up, back online): when it says the lock holds exactly what the store says,
        # no slot is read (250 frames on a v2 lock). Slots the lock reported are read anyway.
        ask_checksum = not self.dirty_slots if self.needs_full_read else due
        if ask_checksum:
            self.last_drift_check = now
            if not await self._checksum_agrees():
                self.needs_full_read = True
                await asyncio.sleep(0)  # a full read follows: the API and other locks first
            elif self.needs_full_read:
                self._record_state(await self.driver.state())
                self.needs_full_read = False
                return
        if self.needs_full_read:
            state = await self.driver.state()
            readings = await self.driver.read_slots()
            reported = frozenset(self.dirty_slots)
            self._record_state(state)
            # Cleared before the slices yield: a lock event or read_again() meanwhile asks
            # for another read, which must not be lost (nor the slots reported meanwhile).
            self.needs_full_read = False
            try:
                await self._take_in_slices(readings, reported)
            except BaseException:
                self.needs_full_read = True
                raise
            self.dirty_slots -= reported
            self.last_drift_check = now
            return
        while self.dirty_slots:
            slot = min(self.dirty_slots)
            reading = await self.driver.read_slot(slot)
            self.dirty_slots.discard(slot)
            self._take_in([reading], reported=frozenset({slot}))

    async def _checksum_agrees(self) -> bool:
        expected = self._expected_checksum()
        return expected is not None and await self.driver.checksum() == expected

    def _expected_checksum(self) -> int | None:
        """What the lock's checksum should be if it holds what the store says (None when the
        store cannot know, e.g. masked slots or a restored store: then only a full read tells)."""
        if unverified.is_unverified(self.store.conn, self.device_id):
            return None
        known: dict[int, str] = {}
        for slot, row in slots.for_device(self.store.conn, self.device_id).items():
            if row.code is None:
                return None
            known[slot] = row.code
        return self.driver.expected_checksum(known)

    async def _take_in_slices(self, readings: list[SlotReading], reported: frozenset[int]) -> None:
        """A full read taken in TAKE_IN_SLICE slots per transaction, yielding between them:
        a lock whose every slot changed (a simulated lock after a restart, a lock reset at the
        keypad) costs the API and the other locks a slice at a time, not the whole read. The
        check of a restored store's slot map needs the whole read in one go, as before."""
        if unverified.is_unverified(self.store.conn, self.device_id):
            self._take_in(readings, reported=reported)
            return
        for start in range(0, len(readings), TAKE_IN_SLICE):
            await asyncio.sleep(0)
            self._take_in(readings[start : start + TAKE_IN_SLICE], reported=reported)

    def _take_in(
        self, readings: list[SlotReading], *, reported: frozenset[int] = frozenset()
    ) -> None:
        """`reported`: slots the lock itself said changed (so a masked, occupied slot that we
        own holds something else now, even though the value cannot be read)."""
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = current_device(self.store, self.device_id)
            observe(conn, device, readings, self.store.workspace_id, now, reported=reported)

    def _record_state(self, state: LockState) -> None:
        with self.store.transaction() as conn:
            device = current_device(self.store, self.device_id)
            device.locked = state.locked if state.locked is not None else device.locked
            if state.battery_level is not None:
                device.battery_level = state.battery_level
            device.warnings = with_driver_warning(
                device.warnings,
                INSECURE_LOCK_WARNING,
                self.driver.info.extra.get("security_warning"),
                self.clock.now(),
            )
            devices.save(conn, device)
            outcomes.set_online(conn, device, state.online, self.clock.now())
