"""Keeping every lock's reconciler alive, and saying so when a lock makes no progress.

A lock must never silently stop. Each lock's reconciler and event pump run under a keeper
that restarts them (with backoff, and an ERROR line naming the cause) whenever they end by
anything but shutdown. A watch looks at every lock's work: work that waited longer than the
deadline for a successful pass is a stalled lock, shown to the owner everywhere they look: a
device warning, `delay_in_*` warnings on the codes, `/health` degraded, a metric, an ERROR log
with the cause, and `lockgw doctor` (which reads the device warning).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from gateway.clock import Clock
from gateway.domain.issues import STALL_WARNING, with_issue, without
from gateway.engine.reconciler import Reconciler
from gateway.host.background import keep_running
from gateway.store import devices
from gateway.store.db import Store

log = logging.getLogger(__name__)

STALL_AFTER = 300.0  # seconds of waiting work with no successful pass


def stall_message(seconds: float, cause: str | None) -> str:
    return (
        f"Changes for this lock have made no progress for {seconds:.0f} s"
        + (f": {cause}" if cause else "")
        + ". The hub keeps retrying."
    )


@dataclass(frozen=True)
class LockLiveness:
    device_id: str
    stalled: bool
    waiting_seconds: float  # how long work has waited (0: none)
    last_error: str | None
    restarts: int


class Supervisor:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        stall_after: float = STALL_AFTER,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.clock = clock
        self.stall_after = stall_after
        self.monotonic = monotonic
        self.reconcilers: dict[str, Reconciler] = {}
        self.restarts: dict[str, int] = {}
        self.stalled: set[str] = set()
        self.on_restart: Callable[[str, str], None] = lambda device_id, what: None
        self._stopping = False

    # -- keeping tasks alive -------------------------------------------------------------------

    async def keep(
        self,
        device_id: str,
        what: str,
        run: Callable[[], Awaitable[None]],
        restart_on_return: bool = True,
    ) -> None:
        """Run `run` until shutdown; restart it whenever it ends by anything else."""

        def restarted() -> None:
            self.restarts[device_id] = self.restarts.get(device_id, 0) + 1
            self.on_restart(device_id, what)
            reconciler = self.reconcilers.get(device_id)
            if reconciler is not None and what == "reconciler":
                reconciler.read_again()  # what it knew in memory may be wrong

        await keep_running(
            f"lock {device_id}: {what}",
            run,
            stopping=lambda: self._stopping,
            restart_on_return=restart_on_return,
            restarted=restarted,
            monotonic=self.monotonic,
        )

    def stop(self) -> None:
        self._stopping = True

    # -- watching progress ---------------------------------------------------------------------

    def liveness(self, device_id: str) -> LockLiveness:
        reconciler = self.reconcilers[device_id]
        since = reconciler.work_since
        waiting = 0.0 if since is None else max(0.0, self.monotonic() - since)
        return LockLiveness(
            device_id=device_id,
            stalled=waiting > self.stall_after,
            waiting_seconds=waiting,
            last_error=reconciler.last_error,
            restarts=self.restarts.get(device_id, 0),
        )

    def stalled_now(self) -> frozenset[str]:
        """Locks stalled right now (read live: the store may be what is failing)."""
        return frozenset(d for d in self.reconcilers if self.liveness(d).stalled)

    def check(self) -> None:
        """One look at every lock: raise or clear the stall warning where it changed."""
        for device_id in list(self.reconcilers):
            state = self.liveness(device_id)
            if state.stalled and device_id not in self.stalled:
                cause = state.last_error or "no error reported"
                log.error(
                    "lock %s: no progress for %.0f s with work waiting (%s)",
                    device_id,
                    state.waiting_seconds,
                    cause,
                )
                if self._flag(device_id, state):
                    self.stalled.add(device_id)
            elif not state.stalled and device_id in self.stalled:
                log.info("lock %s: making progress again", device_id)
                if self._flag(device_id, state):
                    self.stalled.discard(device_id)

    def _flag(self, device_id: str, state: LockLiveness) -> bool:
        """The device warning, and the codes' delay warnings; False when the store failed
        (the next check tries again; `/health` shows the stall meanwhile)."""
        now = self.clock.now()
        try:
            with self.store.transaction() as conn:
                device = devices.get(conn, device_id)
                if device is None:
                    return True
                warnings = without(device.warnings, STALL_WARNING)
                if state.stalled:
                    message = stall_message(state.waiting_seconds, state.last_error)
                    warnings = with_issue(warnings, STALL_WARNING, message, now)
                if warnings != device.warnings:
                    devices.save(conn, replace(device, warnings=warnings))
            if state.stalled:
                self.reconcilers[device_id].mark_delayed()
        except sqlite3.Error as exc:
            log.warning("lock %s: recording its stall failed (%s)", device_id, exc)
            return False
        return True

    async def watch(self, every: float | None = None) -> None:
        interval = every if every is not None else max(0.5, min(10.0, self.stall_after / 4))
        while not self._stopping:
            await asyncio.sleep(interval)
            try:
                self.check()
            except Exception:  # the watch itself must outlive anything it looks at
                log.exception("checking the locks' progress failed")
