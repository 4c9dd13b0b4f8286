"""A virtual lock whose gateway "dies" at a chosen radio operation (a kill -9 stand-in).

The exception is a BaseException, so nothing in the gateway catches it: the store is left
exactly as a killed process leaves it (whatever transactions had committed), and the lock keeps
whatever it had done.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.base import SlotReading, Window
from drivers.virtual import VirtualLock


class SimulatedCrash(BaseException):
    pass


@dataclass
class CrashingLock(VirtualLock):
    crash_at: int | None = None  # crash on the Nth write/clear/read from now
    crash_after_effect: bool = True

    def _tick(self) -> None:
        if self.crash_at is None:
            return
        self.crash_at -= 1
        if self.crash_at <= 0:
            self.crash_at = None
            raise SimulatedCrash

    async def write_slot(
        self, slot: int, code: str, name: str | None, window: Window | None = None
    ) -> None:
        if not self.crash_after_effect:
            self._tick()
        await super().write_slot(slot, code, name, window)
        if self.crash_after_effect:
            self._tick()

    async def clear_slot(self, slot: int) -> None:
        if not self.crash_after_effect:
            self._tick()
        await super().clear_slot(slot)
        if self.crash_after_effect:
            self._tick()

    async def read_slot(self, slot: int) -> SlotReading:
        reading = await super().read_slot(slot)
        self._tick()
        return reading
