"""Timestamps as the cloud writes them: UTC, milliseconds, a Z (every answer carries several)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from gateway.domain.timefmt import parse_iso, to_iso

PLUS_2 = timezone(timedelta(hours=2))
CASES = [
    ("utc, millis", datetime(2026, 12, 3, 0, 41, 12, 67_000, UTC), "2026-12-03T00:41:12.067Z"),
    ("microseconds cut", datetime(2026, 1, 2, 3, 4, 5, 999_999, UTC), "2026-01-02T03:04:05.999Z"),
    ("a whole second", datetime(2026, 6, 14, 16, 54, 17, tzinfo=UTC), "2026-06-14T16:54:17.000Z"),
    ("other offset", datetime(2026, 3, 1, 1, 30, tzinfo=PLUS_2), "2026-02-28T23:30:00.000Z"),
    ("an early year", datetime(987, 5, 6, 7, 8, 9, tzinfo=UTC), "0987-05-06T07:08:09.000Z"),
]  # fmt: skip


@pytest.mark.parametrize(("moment", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_moment_is_written_the_way_the_cloud_writes_it(moment: datetime, text: str) -> None:
    assert to_iso(moment) == text
    assert to_iso(parse_iso(text)) == text
