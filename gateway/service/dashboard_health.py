"""The hub's health on the dashboard's Settings page, as `lockgw doctor` sees it: the same
checks (gateway.service.doctor.run_checks), on a connection of their own, in a worker thread
(a zwave-js server that never answers costs seconds; the event loop must not wait for it).

The composition root, which holds the config, hands the dashboard `doctor_checks(config)`: the
dashboard itself never sees the config."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from gateway.config import Config
from gateway.service.doctor import Check, run_checks
from gateway.store.db import Store

DoctorChecks = Callable[[], list[Check]]
log = logging.getLogger(__name__)

FRESH_FOR = 30.0  # seconds a result is shown again before the checks run anew


def doctor_checks(config: Config) -> DoctorChecks:
    """`lockgw doctor`'s checks of this hub; blocking (run them in a thread)."""

    def checks() -> list[Check]:
        store = Store(config.data_dir)  # like the CLI's: a connection of its own
        try:
            return run_checks(config, store)
        finally:
            store.close()

    return checks


@dataclass(frozen=True)
class HealthReport:
    checks: list[Check]
    failed: int
    taken_at: float  # monotonic seconds


class HubHealth:
    """The doctor's checks, run at most once per FRESH_FOR seconds and one run at a time."""

    def __init__(
        self,
        checks: DoctorChecks,
        *,
        fresh_for: float = FRESH_FOR,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._checks = checks
        self.fresh_for = fresh_for
        self.monotonic = monotonic
        self._last: HealthReport | None = None
        self._running = asyncio.Lock()

    async def report(self) -> HealthReport:
        async with self._running:
            last = self._last
            if last is not None and self.monotonic() - last.taken_at < self.fresh_for:
                return last
            try:
                found = await asyncio.to_thread(self._checks)
            except Exception as exc:  # the page still shows, saying the checks could not run
                log.exception("the doctor's checks failed")
                found = [Check("doctor", False, f"the checks could not run: {exc}")]
            report = HealthReport(found, sum(1 for c in found if c.ok is False), self.monotonic())
            self._last = report
            return report
