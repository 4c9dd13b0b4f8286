"""The Settings page's hub health: the doctor's checks run in a thread, at most once per
FRESH_FOR seconds, and checks that cannot run are shown as a failed check, not a broken page."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gateway.service.dashboard_health import HealthReport, HubHealth
from gateway.service.doctor import Check


def _in_a_thread(work: Coroutine[Any, Any, list[HealthReport]]) -> list[HealthReport]:
    """asyncio.run in a thread of its own: Playwright's loop may be running in this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, work).result()


class Now:
    def __init__(self) -> None:
        self.seconds = 100.0

    def __call__(self) -> float:
        return self.seconds


def test_the_checks_run_again_only_once_their_result_is_stale() -> None:
    runs: list[int] = []
    now = Now()

    def checks() -> list[Check]:
        runs.append(1)
        return [Check("disk space", True, "plenty"), Check("clock", False, "NOT synchronised")]

    health = HubHealth(checks, fresh_for=30, monotonic=now)

    async def three_looks() -> list[HealthReport]:
        first = await health.report()
        now.seconds += 10
        second = await health.report()
        now.seconds += 30
        return [first, second, await health.report()]

    first, second, third = _in_a_thread(three_looks())
    assert first is second and third is not first
    assert len(runs) == 2
    assert first.failed == 1 and [c.name for c in first.checks] == ["disk space", "clock"]


def test_checks_that_cannot_run_show_as_one_failed_check() -> None:
    def broken() -> list[Check]:
        raise OSError("no such file")

    async def look() -> list[HealthReport]:
        return [await HubHealth(broken).report()]

    (report,) = _in_a_thread(look())
    assert report.failed == 1
    assert report.checks[0].ok is False and "no such file" in report.checks[0].detail
