"""The hub's clock never runs backwards and does not believe a brief jump ahead, across jumps
and restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.clock.trusted import HOLD, TrustedClock, Verdict, read, start
from gateway.store.db import Store

T0 = datetime(2026, 7, 1, 12, tzinfo=UTC)
HOUR = 3600.0


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


@dataclass(frozen=True)
class Look:
    """`after` seconds of real time later the wall clock reads real time + `wall_off`, and
    the system says `synced`; the hub must answer real time + `answer_off`."""

    after: float
    wall_off: float
    synced: bool | None
    answer_off: float
    verdict: Verdict


WALL, BEHIND, HOLDING = Verdict.WALL, Verdict.BEHIND, Verdict.HOLDING
HOLD_S = HOLD.total_seconds()

CASES: dict[str, list[Look]] = {
    "a wall clock in step is followed": [
        Look(10, 0, None, 0, WALL),
        Look(10, 0, False, 0, WALL),
    ],
    "a jump ahead put right within the hold never moves the time": [
        Look(1, 2 * HOUR, None, 0, HOLDING),
        Look(20, 2 * HOUR, None, 0, HOLDING),
        Look(1, 0, None, 0, WALL),
    ],
    "an unsynchronised system does not make a jump ahead believable": [
        Look(1, 2 * HOUR, False, 0, HOLDING),
        Look(HOLD_S - 2, 2 * HOUR, False, 0, HOLDING),
    ],
    "a jump ahead is believed at once when the system says the clock is synchronised": [
        Look(1, 1800, True, 1800, WALL),
        Look(10, 1800, True, 1800, WALL),
    ],
    "a jump ahead is believed when the system says so later": [
        Look(1, 1800, None, 0, HOLDING),
        Look(30, 1800, True, 1800, WALL),
    ],
    "a jump ahead that holds steady for the hold time is believed": [
        Look(1, 1800, None, 0, HOLDING),
        Look(HOLD_S - 1, 1800, None, 0, HOLDING),
        Look(1, 1800, None, 1800, WALL),
        Look(60, 1800, None, 1800, WALL),
    ],
    "a jump ahead that keeps moving starts its hold again": [
        Look(1, 1800, None, 0, HOLDING),
        Look(HOLD_S - 60, HOUR, None, 0, HOLDING),
        Look(120, HOUR, None, 0, HOLDING),
        Look(HOLD_S - 120, HOUR, None, HOUR, WALL),
    ],
    "a wall clock jumping back is ignored until it catches up": [
        Look(1, -86400, True, 0, BEHIND),
        Look(30, -86400, True, 0, BEHIND),
        Look(1, 0, True, 0, WALL),
    ],
    "a jump back after a believed jump ahead never takes time back": [
        Look(1, 1800, True, 1800, WALL),
        Look(10, 0, True, 1800, BEHIND),
    ],
    "a wall clock a little behind is followed, yet time never reads earlier": [
        Look(1, -1.5, None, -1, WALL),
        Look(1, -1.5, None, -1.5, WALL),
    ],
}


@pytest.mark.parametrize("looks", CASES.values(), ids=CASES.keys())
def test_what_the_hub_believes_when_the_wall_clock_moves(looks: list[Look]) -> None:
    real, mono = T0, 1000.0
    state = start(T0, T0, mono)
    for n, look in enumerate(looks):
        real += timedelta(seconds=look.after)
        mono += look.after
        wall = real + timedelta(seconds=look.wall_off)
        reading = read(state, wall, mono, lambda synced=look.synced: synced)
        answered = (reading.time - real).total_seconds()
        assert (answered, reading.verdict) == (look.answer_off, look.verdict), f"look {n}"
        state = reading.state


def test_the_system_is_asked_only_about_a_jump_ahead() -> None:
    asked: list[int] = []

    def synchronised() -> bool:
        asked.append(1)
        return True

    state = start(T0, T0, 0.0)
    read(state, T0 + timedelta(seconds=1), 1.0, synchronised)
    read(state, T0 - timedelta(days=1), 1.0, synchronised)
    assert asked == []
    read(state, T0 + timedelta(hours=2), 1.0, synchronised)
    assert asked == [1]


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


def test_a_clock_ahead_of_the_saved_time_at_start_up_is_believed(tmp_path: Path) -> None:
    src = Sources()
    store = Store(tmp_path)
    _clock(store, src).save()
    store.close()
    src.tick(86400)  # the hub was off for a day
    src.synced = None
    clock = _clock(Store(tmp_path), src)
    assert clock.now() == T0 + timedelta(days=1)
    assert clock.trusted()


def test_when_ntp_syncs_after_boot_the_jump_ahead_is_believed_at_once(tmp_path: Path) -> None:
    src = Sources()
    store = Store(tmp_path)
    _clock(store, src).save()
    store.close()
    booted = Sources()
    booted.wall = datetime(1970, 1, 1, tzinfo=UTC)
    booted.synced = False
    clock = _clock(Store(tmp_path), booted)
    booted.tick(5)
    assert clock.now() == T0 + timedelta(seconds=5)
    booted.wall, booted.synced = T0 + timedelta(hours=8), True  # NTP: the hub was off 8 hours
    assert clock.now() == T0 + timedelta(hours=8)
    assert clock.trusted()


def test_a_brief_jump_ahead_is_not_trusted_and_never_saved(tmp_path: Path) -> None:
    src = Sources()
    src.synced = None
    store = Store(tmp_path)
    clock = _clock(store, src)
    src.tick(1)
    src.wall += timedelta(hours=2)
    assert clock.now() == T0 + timedelta(seconds=1)
    assert not clock.trusted()
    clock.save()
    store.close()
    src.wall -= timedelta(hours=2)
    restarted = _clock(Store(tmp_path), src)
    assert restarted.now() == T0 + timedelta(seconds=1)
    assert restarted.trusted()


def test_the_hold_time_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCKGW_CLOCK_HOLD_SECONDS", "3")
    src = Sources()
    src.synced = None
    clock = _clock(Store(tmp_path), src)
    src.wall += timedelta(minutes=30)
    assert clock.now() == T0
    src.tick(3)
    assert clock.now() == T0 + timedelta(minutes=30, seconds=3)


def test_an_unsynchronised_kernel_clock_is_not_trusted(tmp_path: Path) -> None:
    src = Sources()
    src.synced = False
    clock = _clock(Store(tmp_path), src)
    assert clock.now() == T0
    assert not clock.trusted()
