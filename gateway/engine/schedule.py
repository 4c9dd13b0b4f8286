"""Waking reconcilers at schedule boundaries (starts_at, ends_at, retries) with APScheduler.

Nothing about "when" lives only here: each reconciler pass computes its lock's next boundary
from the store and hands it over, so the schedule is rebuilt by the first pass after start-up,
and anything that fell due while the daemon was down is done by that pass at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


class Boundaries:
    def __init__(self, wake: Callable[[str], None]) -> None:
        self._wake = wake
        self._scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def schedule(self, device_id: str, when: datetime | None) -> None:
        job_id = f"boundary:{device_id}"
        if when is None:
            if self._scheduler.get_job(job_id) is not None:
                self._scheduler.remove_job(job_id)
            return
        self._scheduler.add_job(
            self._wake,
            "date",
            run_date=when,
            args=[device_id],
            id=job_id,
            replace_existing=True,
            misfire_grace_time=None,
        )
