"""A clock that never goes backwards, does not believe a brief jump ahead, and knows when it
cannot be trusted.

A Pi has no real-time clock: it boots with the time it last saved (or 1970) and jumps when NTP
syncs; a wrong `date -s` or a bad time source can move it too. Trusting such a clock would
re-program an expired guest code, or delete a valid one. So time is the trusted time advanced
by the monotonic clock, and the wall clock is followed only while it agrees with that:
- the last trusted time is persisted; after a restart the clock never reads earlier than it;
- a wall clock behind the trusted time (it went backwards, or has not synced yet) is ignored
  until it catches up;
- a wall clock that jumped ahead is believed once the system says the clock is synchronised
  (NTP stepped it), or once the jump has held steady for HOLD (5 minutes): a mistaken jump
  put right within that time never removes a valid code, and never leaves the hub ahead of
  real time, refusing codes for the next hour. Five minutes covers an NTP client's re-sync
  after a step (timesyncd re-syncs as soon as the clock is set; chrony polls within about a
  minute at first) and an owner undoing a typo, while a genuine correction on a hub without
  NTP delays a check-in or check-out by no more than that. LOCKGW_CLOCK_HOLD_SECONDS sets it.

The decision is `read`, a pure function of the previous state and one look at the sources.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from gateway.clock.sync import kernel_clock_synchronised
from gateway.domain.timefmt import parse_iso, to_iso
from gateway.store.db import Store

log = logging.getLogger(__name__)

__all__ = ["HOLD", "TOLERANCE", "ClockSample", "TrustedClock", "kernel_clock_synchronised"]

TOLERANCE = timedelta(seconds=2)
HOLD = timedelta(minutes=5)
HOLD_ENV = "LOCKGW_CLOCK_HOLD_SECONDS"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Verdict(StrEnum):
    WALL = "follows the wall clock"
    BEHIND = "wall clock behind the trusted time: ignored"
    HOLDING = "wall clock jumped ahead: not believed yet"


@dataclass(frozen=True)
class ClockState:
    anchor: datetime  # the trusted time ...
    anchor_mono: float  # ... at this monotonic reading
    last: datetime  # the latest time answered: never answer earlier
    jump: float | None = None  # seconds the wall clock is ahead, while that is not believed
    jump_seen: float | None = None  # monotonic reading when that jump was first seen


@dataclass(frozen=True)
class Reading:
    time: datetime
    verdict: Verdict
    state: ClockState


def start(floor: datetime, wall: datetime, mono: float) -> ClockState:
    """At start-up the wall clock is believed, unless it reads earlier than the floor."""
    anchor = max(wall, floor)
    return ClockState(anchor=anchor, anchor_mono=mono, last=anchor)


def read(
    state: ClockState,
    wall: datetime,
    mono: float,
    synchronised: Callable[[], bool | None],
    hold: timedelta = HOLD,
) -> Reading:
    """The time now, given one look at the wall and monotonic clocks (`synchronised` is asked
    only about a jump ahead)."""
    predicted = state.anchor + timedelta(seconds=mono - state.anchor_mono)
    ahead = (wall - predicted).total_seconds()
    tolerance = TOLERANCE.total_seconds()
    if ahead < -tolerance:
        held = replace(state, jump=None, jump_seen=None)
        return _answer(held, predicted, Verdict.BEHIND)
    if ahead > tolerance:
        steady = state.jump is not None and abs(ahead - state.jump) <= tolerance
        seen = state.jump_seen if steady and state.jump_seen is not None else mono
        if mono - seen < hold.total_seconds() and synchronised() is not True:
            held = replace(state, jump=ahead, jump_seen=seen)
            return _answer(held, predicted, Verdict.HOLDING)
    followed = replace(state, anchor=wall, anchor_mono=mono, jump=None, jump_seen=None)
    return _answer(followed, wall, Verdict.WALL)


def _answer(state: ClockState, moment: datetime, verdict: Verdict) -> Reading:
    moment = max(moment, state.last)
    return Reading(moment, verdict, replace(state, last=moment))


@dataclass(frozen=True)
class ClockSample:
    """One look at the sources and the time they gave."""

    wall: datetime
    mono: float
    now: datetime


def hold_from_env() -> timedelta:
    value = os.environ.get(HOLD_ENV)
    if not value:
        return HOLD
    try:
        return timedelta(seconds=max(0.0, float(value)))
    except ValueError:
        log.warning("%s=%r is not a number of seconds; using %s", HOLD_ENV, value, HOLD)
        return HOLD


class TrustedClock:
    def __init__(
        self,
        store: Store,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        synchronised: Callable[[], bool | None] = kernel_clock_synchronised,
        hold: timedelta | None = None,
    ) -> None:
        self._store = store
        self._wall = wall
        self._monotonic = monotonic
        self._synchronised = synchronised
        self._hold = hold_from_env() if hold is None else hold
        saved = store.get_meta("last_trusted_time")
        floor = parse_iso(saved) if saved else _EPOCH
        self._state = start(floor, wall(), monotonic())
        self.verdict = Verdict.WALL

    def now(self) -> datetime:
        return self.sample().now

    def sample(self) -> ClockSample:
        wall, mono = self._wall(), self._monotonic()
        reading = read(self._state, wall, mono, self._synchronised, self._hold)
        if reading.verdict is not self.verdict:
            self._tell(reading, wall, mono)
        self._state, self.verdict = reading.state, reading.verdict
        return ClockSample(wall=wall, mono=mono, now=reading.time)

    def _tell(self, reading: Reading, wall: datetime, mono: float) -> None:
        if reading.verdict is Verdict.WALL:
            before = self._state.anchor + timedelta(seconds=mono - self._state.anchor_mono)
            moved = (reading.time - before).total_seconds()
            believed = moved > TOLERANCE.total_seconds()
            what = f"a jump ahead of {moved:+.0f} s believed" if believed else "back in line"
            log.info(
                "hub clock follows the wall clock again (%s); time is %s",
                what,
                to_iso(reading.time),
            )
            return
        offset = (wall - reading.time).total_seconds()
        log.warning(
            "hub clock: %s (%+.0f s); time is %s",
            reading.verdict.value,
            offset,
            to_iso(reading.time),
        )

    def trusted(self) -> bool:
        """Whether the wall clock can be believed right now."""
        self.sample()
        return self.verdict is Verdict.WALL and self._synchronised() is not False

    def save(self) -> None:
        """Persist the current time as trusted (called periodically and at shutdown)."""
        moment = self.now()
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('last_trusted_time', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (to_iso(moment),),
            )
