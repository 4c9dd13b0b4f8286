"""One paired Nuki lock as slots, over short BLE sessions.

Every operation needs a link; inside a `batch()` (one reconcile pass) the operations share one,
opened on first use and closed at the end, so a pass costs one BLE connection and an idle lock
costs none. The lock's keypad list is read once per link and then kept up to date from the
lock's own acknowledgements (a code id for an add, STATUS complete for the rest).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta

from bleak.backends.device import BLEDevice

from drivers.base import (
    AutoLock,
    Capabilities,
    CodeRules,
    DriverError,
    InvalidCode,
    LockDriver,
    LockEvent,
    LockInfo,
    LockOffline,
    LockState,
    NoSpace,
    PermanentDriverError,
    SlotReading,
    Window,
)
from drivers.nuki import messages as m
from drivers.nuki.client import NukiSession, session
from drivers.nuki.files import LockFiles
from drivers.nuki.pairing import Credentials
from drivers.nuki.radio import Radio
from drivers.nuki.slot_map import SlotMap, rebuild
from drivers.timeunits import ceil_to, floor_to

log = logging.getLogger(__name__)

LOCK_TIME_EVERY = 24 * 3600.0
SECOND = timedelta(seconds=1)
CAPABILITIES = Capabilities(
    slot_count=100,
    code_rules=CodeRules(
        lengths=(6,), alphabet="123456789", constraints=("no_zeros", "cannot_start_with_12")
    ),
    manufacturer="nuki",
    model="Nuki Smart Lock with Keypad",
    name_max_length=m.NAME_LEN,
    keeps_names=True,
    supports_schedules=True,
    can_configure_auto_lock=True,
)


def inward(window: Window) -> Window:
    """The window as the lock keeps it (to the second), never longer than declared."""
    start, stop = ceil_to(window.starts_at, SECOND), floor_to(window.ends_at, SECOND)
    return Window(start, max(stop, start))


class NukiLock(LockDriver):
    def __init__(
        self,
        credentials: Credentials,
        name: str,
        files: LockFiles,
        radio: Radio,
        *,
        capabilities: Capabilities = CAPABILITIES,
        monotonic: Callable[[], float] = time.monotonic,
        find_timeout: float = 10.0,
        connect_timeout: float = 10.0,
    ) -> None:
        self._credentials = credentials
        self._info = LockInfo(
            driver="nuki", ref=credentials.address.upper(), name=name, capabilities=capabilities
        )
        self._files = files
        self._radio = radio
        self._monotonic = monotonic
        self._find_timeout = find_timeout
        self._connect_timeout = connect_timeout
        self._device: BLEDevice | None = None  # as last heard; scanned for again after a miss
        self._map: SlotMap = files.slot_map()
        self._events: asyncio.Queue[LockEvent | None] = asyncio.Queue()
        self._stack: AsyncExitStack | None = None
        self._session: NukiSession | None = None
        self._batching = False
        self._view: dict[int, m.KeypadCode] | None = None  # code id -> entry, this link only
        self._unreported: set[int] = set()  # slots given to codes the caller has not seen
        self._windows: dict[int, tuple[Window, Window]] = {}  # slot -> declared, as kept
        self._lock_time_set_at: float | None = None

    @property
    def info(self) -> LockInfo:
        return self._info

    # -- the link ----------------------------------------------------------------------------

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        if self._batching:
            yield
            return
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
            await self._hang_up()

    async def _link(self) -> NukiSession:
        if self._session is not None and self._session.alive:
            return self._session
        await self._hang_up()
        address = self._info.ref
        device = self._device or await self._radio.find(address, self._find_timeout)
        if device is None:
            raise LockOffline(f"Nuki {address} is not in range")
        stack = AsyncExitStack()
        try:
            link = await stack.enter_async_context(
                session(
                    device,
                    self._credentials,
                    self._radio.client_backend,
                    connect_timeout=self._connect_timeout,
                )
            )
        except LockOffline:
            self._device = None  # heard again before the next try
            raise
        self._device, self._stack, self._session = device, stack, link
        now = self._monotonic()
        if self._lock_time_set_at is None or now - self._lock_time_set_at >= LOCK_TIME_EVERY:
            await link.set_time(datetime.now(UTC))
            self._lock_time_set_at = now
            log.info("lock %s: clock set (UTC)", address)
        return link

    async def _hang_up(self) -> None:
        stack, self._stack, self._session, self._view = self._stack, None, None, None
        if stack is not None:
            await stack.aclose()

    @asynccontextmanager
    async def _using(self) -> AsyncIterator[NukiSession]:
        try:
            yield await self._link()
        except DriverError:
            self._view = None  # what the lock holds after a failure is read again
            if self._session is not None and not self._session.alive:
                await self._hang_up()
            raise
        finally:
            if not self._batching:
                await self._hang_up()

    # -- the lock's keypad list, as slots ----------------------------------------------------

    async def _codes(self, link: NukiSession) -> dict[int, m.KeypadCode]:
        if self._view is None:
            view = {entry.code_id: entry for entry in await link.list_codes()}
            listed = {code_id: entry.code for code_id, entry in view.items()}
            slot_map, new = rebuild(self._map, listed, self._info.capabilities.slots)
            self._save(slot_map)
            self._unreported |= new
            self._view = view
        return self._view

    def _save(self, slot_map: SlotMap) -> None:
        if slot_map != self._map:
            self._files.save_slot_map(slot_map)
            self._map = slot_map

    def _reading(self, view: dict[int, m.KeypadCode], slot: int) -> SlotReading:
        self._unreported.discard(slot)
        code_id = self._map.ids.get(slot)
        entry = view.get(code_id) if code_id is not None else None
        if entry is None:
            return SlotReading(slot, occupied=False)
        kept = entry.window
        written = self._windows.get(slot)
        if written is not None and written[1] == kept:
            kept = written[0]  # what was asked for, as the lock keeps it to the second
        return SlotReading(slot, True, code=str(entry.code), name=entry.name, window=kept)

    # -- the driver contract -----------------------------------------------------------------

    async def state(self) -> LockState:
        async with self._using() as link:
            state = await link.state()
        locked: dict[int, bool] = {m.LockStateCode.LOCKED: True, m.LockStateCode.UNLOCKED: False}
        battery = None if state.battery_percent is None else state.battery_percent / 100
        return LockState(online=True, locked=locked.get(state.lock_state), battery_level=battery)

    async def read_slots(self) -> list[SlotReading]:
        async with self._using() as link:
            self._view = None
            view = await self._codes(link)
            return [self._reading(view, slot) for slot in self._info.capabilities.slots]

    async def read_slot(self, slot: int) -> SlotReading:
        async with self._using() as link:
            return self._reading(await self._codes(link), slot)

    async def write_slot(
        self, slot: int, code: str, name: str | None, window: Window | None = None
    ) -> None:
        if not code.isdigit():
            raise InvalidCode(f"slot {slot}: a Nuki keypad code is digits only")
        pin = int(code)
        kept = inward(window) if window is not None else None
        async with self._using() as link:
            view = await self._codes(link)
            if slot in self._unreported:
                self._make_room(slot)
            self._windows.pop(slot, None)
            code_id = self._map.ids.get(slot)
            if code_id is not None and code_id in view:
                entry = m.KeypadCode(code_id, pin, name or "", True, kept)
                await link.update_code(entry)
            else:
                self._save(self._map.without(slot).adding(slot, pin))
                try:
                    code_id = await link.add_code(pin, name, kept)
                except PermanentDriverError:
                    self._save(self._map.without(slot))  # refused: nothing is in flight
                    raise
                self._save(self._map.added(slot, code_id))
                entry = m.KeypadCode(code_id, pin, name or "", True, kept)
            view[code_id] = entry
            if window is not None and kept is not None:
                self._windows[slot] = (window, kept)

    def _make_room(self, slot: int) -> None:
        """A code someone added in the Nuki app was given this slot, and the caller, not having
        seen it, believes it free: the app's code moves to another slot (slots are ours)."""
        to = self._map.free_slot(self._info.capabilities.slots, taken={slot})
        if to is None:
            raise NoSpace("every slot of the lock is taken")
        self._save(self._map.moved(slot, to))
        self._unreported.discard(slot)
        self._unreported.add(to)

    async def clear_slot(self, slot: int) -> None:
        async with self._using() as link:
            view = await self._codes(link)
            code_id = self._map.ids.get(slot)
            if code_id is not None and code_id in view:
                await link.remove_code(code_id)
                del view[code_id]
            self._save(self._map.without(slot))
            self._windows.pop(slot, None)

    async def set_locked(self, locked: bool) -> None:
        action = m.LockAction.LOCK if locked else m.LockAction.UNLOCK
        async with self._using() as link:
            await link.lock_action(action)

    async def configure_auto_lock(self, setting: AutoLock) -> AutoLock:
        """The advanced config is read, its auto-lock fields changed and written back whole,
        then read again: what the lock reports is what it took. Turning auto-lock off keeps
        the lock's timeout."""
        async with self._using() as link:
            reported = await link.advanced_config()
            timeout = m.auto_lock_of(reported).timeout_seconds
            if setting.enabled:
                timeout = min(0xFFFF, max(1, round(setting.delay_seconds or 1)))
            wanted = m.AutoLockConfig(enabled=setting.enabled, timeout_seconds=timeout)
            await link.set_advanced_config(m.with_auto_lock(reported, wanted))
            took = m.auto_lock_of(await link.advanced_config())
        if took != wanted:
            raise PermanentDriverError(
                f"the lock reports auto-lock {took.enabled} after {took.timeout_seconds} s "
                f"when {wanted.enabled} after {wanted.timeout_seconds} s was set"
            )
        return AutoLock(
            enabled=took.enabled,
            delay_seconds=float(took.timeout_seconds) if took.enabled else None,
        )

    async def events(self) -> AsyncIterator[LockEvent]:
        while (event := await self._events.get()) is not None:
            yield event

    async def close(self) -> None:
        await self._hang_up()
        self._events.put_nowait(None)
