"""The hub's clock never runs backwards, across jumps and restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from gateway.store.db import Store
from gateway.trusted_clock import TrustedClock

T0 = datetime(2026, 7, 1, 12, tzinfo=UTC)


class Sources:
    def __init__(self) -> None:
        self.wall = T0
        self.mono = 1000.0
        self.synced: bool | None = True

    def tick(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


def _clock(store: Store, src: Sources) -> TrustedClock:
    return TrustedClock(
        store, wall=lambda: src.wall, monotonic=lambda: src.mono, synchronised=lambda: src.synced
    )


def test_a_wall_clock_jumping_back_is_ignored_until_it_catches_up(tmp_path: Path) -> None:
    src = Sources()
    clock = _clock(Store(tmp_path), src)
    assert clock.now() == T0
    src.tick(60)
    src.wall -= timedelta(days=1)  # the clock is set back a day
    assert clock.now() == T0 + timedelta(seconds=60)
    assert not clock.trusted()
    src.tick(30)
    assert clock.now() == T0 + timedelta(seconds=90)
    src.wall = T0 + timedelta(seconds=200)  # NTP puts it right
    assert clock.now() == T0 + timedelta(seconds=200)
    assert clock.trusted()


def test_after_a_restart_time_never_reads_earlier_than_it_last_did(tmp_path: Path) -> None:
    src = Sources()
    store = Store(tmp_path)
    _clock(store, src).save()
    store.close()
    booted = Sources()
    booted.wall = datetime(1970, 1, 1, tzinfo=UTC)  # a Pi without RTC, before NTP
    booted.mono = 5.0
    clock = _clock(Store(tmp_path), booted)
    assert clock.now() == T0
    booted.tick(10)
    assert clock.now() == T0 + timedelta(seconds=10)
    assert not clock.trusted()


def test_an_unsynchronised_kernel_clock_is_not_trusted(tmp_path: Path) -> None:
    src = Sources()
    src.synced = False
    clock = _clock(Store(tmp_path), src)
    assert clock.now() == T0
    assert not clock.trusted()
