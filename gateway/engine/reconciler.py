"""One reconciler per lock: observe, plan, act, record. Serial per lock; locks in parallel.

The reconciler is the only code that talks to its lock. It wakes on an API change, a schedule
boundary, a lock event, a retry timer or the slow drift check, and each pass converges the lock
towards the declared state with the fewest slot operations.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from drivers.base import (
    LockDriver,
    LockEvent,
    LockEventKind,
    LockOffline,
    TransientDriverError,
)
from gateway.clock import Clock
from gateway.domain.lifetime import is_leaving
from gateway.domain.models import Device
from gateway.engine import lock_events, outcomes, statuses
from gateway.engine.lock_actions import run_lock_actions
from gateway.engine.lock_view import DRIFT_CHECK_EVERY, LockView, current_device
from gateway.engine.plan import hands_off, next_boundary, plan
from gateway.engine.slot_ops import execute
from gateway.engine.snapshot import LockSnapshot, load, refresh
from gateway.ledger import pool
from gateway.store import access_codes, slot_health
from gateway.store.db import Store
from gateway.store.faults import classify

log = logging.getLogger(__name__)

BACKOFF_BASE = 2.0
BACKOFF_MAX = 600.0
# A store fault (full disk, another process's write lock) is retried sooner: nothing on the
# radio is hammered, and a commit by the API (the store works again) wakes the lock at once.
STORE_BACKOFF_MAX = 30.0
QUIET = 0.025
MAX_COALESCE = 0.25
# A pass of more operations than this reads its lock's codes again afterwards instead of
# keeping its snapshot (and refreshing what the operations touched) while they run.
REFRESH_AT_MOST = 32


@dataclass
class PassResult:
    operations: int = 0
    failed: bool = False
    next_wake: datetime | None = None


@dataclass
class Reconciler:
    device_id: str
    driver: LockDriver
    store: Store
    clock: Clock
    schedule: Callable[[str, datetime | None], None] = lambda device_id, when: None
    rng: random.Random = field(default_factory=random.Random)
    # (lock, operation, outcome) for each slot operation: metrics
    count: Callable[[str, str, str], None] = lambda lock, operation, outcome: None
    monotonic: Callable[[], float] = time.monotonic
    # Shared by a hub's reconcilers (engine.locks): how many first passes run at once.
    first_passes: asyncio.Semaphore = field(default_factory=asyncio.Semaphore)

    def __post_init__(self) -> None:
        self._wake = asyncio.Event()
        self._view = LockView(self.device_id, self.driver, self.store, self.clock)
        self._failures = 0
        self._retry_soon = False
        self._after_ops: LockSnapshot | None = None
        self._stopping = False
        self._store_failures = 0
        self.passes = 0
        # Liveness, for the supervisor: since when work has waited for a successful pass
        # (None: nothing waits), and why the latest pass failed.
        self.work_since: float | None = None
        self.last_error: str | None = None

    # -- waking ------------------------------------------------------------------------------

    def wake(self) -> None:
        """The declared state changed. While the lock is unreachable (backing off), this waits
        for the retry timer or the lock's own "I am back": calls to the API never hammer a lock
        that does not answer."""
        self._work()
        if self._failures == 0:
            self._wake.set()

    def _work(self) -> None:
        if self.work_since is None:
            self.work_since = self.monotonic()

    def read_again(self) -> None:
        """What it knew in memory may be wrong (its task died, or a lock event could not be
        recorded): the next pass reads the lock again."""
        self._view.needs_full_read = True
        self._work()
        self._wake.set()

    def on_lock_event(self, event: LockEvent) -> None:
        if event.kind is LockEventKind.SLOT_CHANGED:
            self._view.slot_changed(event.slot)
        elif event.kind is LockEventKind.ONLINE:
            self._view.needs_full_read = True
            self._failures = 0
            self._work()
        elif event.kind in (LockEventKind.LOCKED, LockEventKind.UNLOCKED, LockEventKind.CODE_USED):
            with self.store.transaction() as conn:
                lock_events.record_bolt(conn, self.device_id, event, self.clock.now())
            return
        elif event.kind is LockEventKind.BATTERY and event.battery_level is not None:
            with self.store.transaction() as conn:
                lock_events.record_battery(
                    conn, self.device_id, event.battery_level, self.clock.now()
                )
            return
        self._wake.set()

    def backoff_delay(self) -> float:
        """Exponential backoff with jitter, per lock (radio and store faults apart)."""
        delay = 0.0
        if self._failures:
            delay = min(BACKOFF_MAX, BACKOFF_BASE * 2.0 ** (self._failures - 1))
        if self._store_failures:
            delay = max(delay, min(STORE_BACKOFF_MAX, 2.0 ** (self._store_failures - 1)))
        return delay * self.rng.uniform(0.5, 1.5)

    # -- the loop ----------------------------------------------------------------------------

    def stop(self) -> None:
        """Finish the slot operation in flight, record it, and stop (SIGTERM)."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Reconcile whenever woken; after a failure, retry on the backoff timer. The first
        pass (at start-up, or when the supervisor restarts this task) waits its turn among the
        hub's locks (`first_passes`)."""
        if self._stopping:
            return
        async with self.first_passes:
            result = await self.reconcile_once()
        while not self._stopping:
            timeout = self.backoff_delay() if result.failed else DRIFT_CHECK_EVERY.total_seconds()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            await self._until_quiet()
            if self._stopping:
                return
            result = await self.reconcile_once()

    async def _until_quiet(self) -> None:
        """Coalesce a burst of changes into one pass: wait until the lock's declared state has
        been still for QUIET seconds (at most MAX_COALESCE). Radio work takes far longer than
        this, and a bulk import then costs one pass instead of one per call."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_COALESCE
        while loop.time() < deadline:
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), min(QUIET, deadline - loop.time()))
            except TimeoutError:
                return

    async def reconcile_once(self) -> PassResult:
        """One pass. A store fault (full disk, busy, I/O) fails the pass like an unreachable
        lock: every transaction rolled back, and the next pass reads the lock again."""
        started = self.monotonic()
        try:
            result = await self._pass()
        except sqlite3.Error as exc:
            if classify(exc) is None:
                raise  # a bug, not a fault of the moment: the supervisor logs and restarts
            self._store_failures += 1
            self._view.needs_full_read = True
            self.last_error = f"store: {exc}"
            log.warning(
                "lock %s: store fault (%s); retry %d", self.device_id, exc, self._store_failures
            )
            return PassResult(failed=True)
        self._store_failures = 0
        if not result.failed:
            self.last_error = None
            if self.work_since is not None and self.work_since <= started:
                self.work_since = None
        return result

    async def _pass(self) -> PassResult:
        self._wake.clear()
        self.passes += 1
        self._retry_soon = False
        self._after_ops = None
        result = PassResult()
        try:
            async with self.driver.batch():  # one BLE connection per pass, where it matters
                await self._view.observe()
                await asyncio.sleep(0)  # each phase is a short slice: the API never waits long
                result.operations = await self._act()
                await self._lock_actions()
        except TransientDriverError as exc:
            self.count(self.device_id, "any", "unreachable")
            self._failures += 1
            result.failed = True
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("lock %s unreachable (%s); retry %d", self.device_id, exc, self._failures)
            self._record_unreachable(isinstance(exc, LockOffline))
        else:
            if self._failures or not self._device().online:
                self._record_online()
            self._failures = 0
            if self._retry_soon:
                self._failures = 1
                result.failed = True
                self.last_error = "the lock did not keep a change; retrying"
        await asyncio.sleep(0)
        snapshot = self._sweep(delayed=result.failed)
        self._after_ops = None  # not kept between passes: 50 idle locks hold no snapshots
        result.next_wake = self._next_boundary(snapshot)
        self.schedule(self.device_id, result.next_wake)
        return result

    # -- act ---------------------------------------------------------------------------------

    async def _act(self) -> int:
        now = self.clock.now()
        with self.store.transaction() as conn:
            slot_health.close_expired_breakers(conn, self.device_id, now)
            device = self._device()
            pool.refill(conn, device, now)
            pool.mark_health(conn, device, now)  # visible while a long refill runs
            snapshot = load(conn, self.device_id, now)
        await asyncio.sleep(0)
        caps = self.driver.info.capabilities
        pool_size = device.pool_size_in_use
        ops = plan(snapshot.wants, snapshot.views, caps.slots, pool_size, now)
        if not device.is_managed:
            leaving = {i for i, row in snapshot.rows.items() if is_leaving(row, now)}
            ops = hands_off(ops, leaving)
        # A long pass keeps only its operations while they run, and its snapshot is read
        # again afterwards (by the sweep): 50 locks programming hundreds of codes at once (a
        # restart of simulated locks) then hold no 50 snapshots of every code.
        kept = snapshot if len(ops) <= REFRESH_AT_MOST else None
        del snapshot
        count = 0
        for op in ops:
            if self._stopping:
                break  # shutting down: the operation in flight was finished and recorded
            done = await execute(
                self.driver, self.store, self.device_id, op, self.clock, self.count
            )
            count += done.frames
            self._retry_soon = self._retry_soon or done.retry_soon
            await asyncio.sleep(0)  # let the API and other locks run between operations
        if kept is not None:
            codes = {op.access_code_id for op in ops if op.access_code_id is not None}
            slot_numbers = {op.slot for op in ops if op.slot is not None}
            self._after_ops = refresh(
                kept, self.store.conn, self.device_id, self.clock.now(), codes, slot_numbers
            )
        return count

    async def _lock_actions(self) -> None:
        await run_lock_actions(self.store, self.driver, self.device_id, self.clock)

    # -- record ------------------------------------------------------------------------------

    def _device(self) -> Device:
        return current_device(self.store, self.device_id)

    def _record_unreachable(self, offline: bool) -> None:
        if not offline:
            return
        with self.store.transaction() as conn:
            outcomes.set_online(conn, self._device(), False, self.clock.now())

    def _record_online(self) -> None:
        with self.store.transaction() as conn:
            outcomes.set_online(conn, self._device(), True, self.clock.now())

    def mark_delayed(self) -> None:
        """Its work is stalled: the codes waiting on it say so (no radio work)."""
        self._sweep(delayed=True)

    def _sweep(self, *, delayed: bool) -> LockSnapshot:
        now = self.clock.now()
        with self.store.transaction() as conn:
            snapshot = self._after_ops or load(conn, self.device_id, now)
            statuses.sweep(conn, self._device(), snapshot, now, delayed=delayed)
            pool.mark_health(conn, self._device(), now)
        return snapshot

    def _next_boundary(self, snapshot: LockSnapshot) -> datetime | None:
        now = self.clock.now()
        conn = self.store.conn
        moments = [
            m
            for m in (
                next_boundary(snapshot.wants, now),
                statuses.next_lateness(snapshot, now),
                access_codes.next_unblock(conn, self.device_id, now),
                slot_health.next_breaker_close(conn, self.device_id),
            )
            if m is not None
        ]
        return min(moments, default=None)
