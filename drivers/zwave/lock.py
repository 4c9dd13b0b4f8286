"""One Z-Wave lock node as slots, through zwave-js-server-python: the dispatcher between the
lock's two models. A lock of the current generation (User Credential CC) is driven through
`user_credential.py`; one with the User Code CC only, here. A lock that offers both is driven
through the User Credential CC alone, when zwave-js found PIN users on it.

User Code slots are read and written with `invoke_cc_api(..., wait_for_result=True)`, i.e. on
the radio: zwave-js's value cache is stale right after a set. A write is followed by one read of
the slot, which is both the lock's duplicate verdict (a refused PIN leaves the slot as it was and
the lock sends Access Control event 15) and the confirmation the reconciler asks for next.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from zwave_js_server.const import CommandClass, NodeStatus
from zwave_js_server.exceptions import (
    BaseZwaveJSServerError,
)
from zwave_js_server.model.node import Node
from zwave_js_server.model.notification import NotificationNotification

from drivers.base import (
    AutoLock,
    Capabilities,
    DuplicateCode,
    LockDriver,
    LockEvent,
    LockEventKind,
    LockInfo,
    LockOffline,
    LockState,
    LockTimeout,
    PermanentDriverError,
    SlotReading,
    Window,
)
from drivers.checksum import user_code_checksum
from drivers.zwave.door_lock import configure_auto_relock
from drivers.zwave.facts import insecure_reason, is_masked, occupied
from drivers.zwave.node_values import battery_from_cache, locked_from_cache, we_are_cancelled
from drivers.zwave.radio import guarded, reachable_node
from drivers.zwave.translate import Echoes, from_notification, from_value
from drivers.zwave.user_credential import UserCredentialSlots
from drivers.zwave.user_credential_translate import (
    CREDENTIAL_EVENTS,
    USER_EVENTS,
    CredentialFacts,
    from_access_control,
)
from drivers.zwave.windows import NO_OFFSET, slot_ref, window_from_fields, year_day_fields

log = logging.getLogger(__name__)

ENABLED = 1
SECURED, UNSECURED = 0xFF, 0x00
# How often the lock's clock and time offset are set again while windows are being written.
LOCK_TIME_EVERY = 24 * 3600.0
SCHEDULES = CommandClass.SCHEDULE_ENTRY_LOCK


class ZWaveLock(LockDriver):
    def __init__(
        self,
        ref: str,
        name: str,
        capabilities: Capabilities,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._info = LockInfo(driver="zwave", ref=ref, name=name, capabilities=capabilities)
        self.node: Node | None = None
        self.echoes = Echoes()
        self._monotonic = monotonic
        self._events: asyncio.Queue[LockEvent | None] = asyncio.Queue()
        self._unsubscribe: list[Callable[[], None]] = []
        self._fresh: dict[int, SlotReading] = {}
        self._duplicate = False
        # slot -> the window last written and the lock's minute-rounded form of it
        self._windows: dict[int, tuple[Window, dict[str, int]]] = {}
        self._lock_time_set_at: float | None = None
        # The User Credential CC model, when the lock is driven through it.
        self.credentials: UserCredentialSlots | None = None
        # Why PINs are not sent to this lock (included without S2 Access Control or S0), and
        # whether its owner allows it anyway ([zwave] allow_insecure_nodes).
        self.insecure: str | None = None
        self.allow_insecure = False

    @property
    def info(self) -> LockInfo:
        return self._info

    # -- the node, as the network hands it over -------------------------------------------------

    def bind(
        self,
        node: Node,
        capabilities: Capabilities,
        credentials: CredentialFacts | None = None,
        *,
        allow_insecure: bool = False,
    ) -> None:
        """A (re)connection to the zwave-js server found this lock's node."""
        self.unbind(announce=False)
        self.node = node
        self._info.capabilities = capabilities
        self.credentials = (
            None
            if credentials is None
            else UserCredentialSlots(self._send, node.node_id, credentials)
        )
        self.allow_insecure = allow_insecure
        self.insecure = insecure_reason(node.highest_security_class)
        if self.insecure is not None:
            self._info.extra["security_warning"] = self.insecure
        else:
            self._info.extra.pop("security_warning", None)
        self._info.extra["command_class"] = "user_credential" if credentials else "user_code"
        self._lock_time_set_at = None  # a new session: the lock's time is set again
        for event in ("value updated", "value added"):
            self._unsubscribe.append(node.on(event, self._on_value))
        for event in (*CREDENTIAL_EVENTS, *USER_EVENTS):
            self._unsubscribe.append(node.on(event, self._on_access_control))
        self._unsubscribe.append(node.on("notification", self._on_notification))
        self._unsubscribe.append(node.on("dead", lambda _: self._emit(LockEventKind.OFFLINE)))
        self._unsubscribe.append(node.on("alive", self._on_alive))
        # After a reconnect the lock may have changed while nobody listened: read it again.
        self._emit(
            LockEventKind.ONLINE if node.status is not NodeStatus.DEAD else LockEventKind.OFFLINE
        )

    def unbind(self, *, announce: bool = True) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._fresh.clear()
        if self.node is not None and announce:
            self._emit(LockEventKind.OFFLINE)
        self.node = None

    def _on_alive(self, _: dict[str, Any]) -> None:
        # Back from dead: perhaps new batteries, and with them a lost clock. Set it again.
        self._lock_time_set_at = None
        self._emit(LockEventKind.ONLINE)

    def _emit(self, kind: LockEventKind) -> None:
        self._events.put_nowait(LockEvent(kind))

    def _on_value(self, event: dict[str, Any]) -> None:
        args = event.get("args", {})
        if self.credentials is not None and args.get("commandClass") == CommandClass.USER_CODE:
            return  # the old CC's values on a lock driven through the new one
        lock_event = from_value(args, self.echoes, self._monotonic())
        if lock_event is not None:
            self._forward(lock_event)

    def _on_access_control(self, event: dict[str, Any]) -> None:
        """A User Credential lock reported a user or credential: a change at the keypad or by
        another client unless it is what we wrote or read last."""
        if self.credentials is None:
            return
        args = event.get("args")
        change = from_access_control(
            str(event.get("event")),
            getattr(args, "user_id", None),
            getattr(args, "credential_type", None),
            getattr(args, "credential_slot", None),
            getattr(args, "data", None),
        )
        if change is None:
            return
        slot, taken, pin = change
        if not self.echoes.explains(slot, taken, pin, self._monotonic()):
            self._forward(LockEvent(LockEventKind.SLOT_CHANGED, slot=slot))

    def _on_notification(self, event: dict[str, Any]) -> None:
        notification = event.get("notification")
        if not isinstance(notification, NotificationNotification):
            return
        lock_event = from_notification(
            notification.type_, notification.event, notification.parameters
        )
        if lock_event is None:
            return
        if lock_event.kind is LockEventKind.DUPLICATE_REJECTED:
            self._duplicate = True
            return
        self._forward(lock_event)

    def _forward(self, lock_event: LockEvent) -> None:
        """To the reconciler; a slot the lock says changed is no longer what we last read."""
        if lock_event.slot is not None:
            self._fresh.pop(lock_event.slot, None)
        self._events.put_nowait(lock_event)

    # -- the radio ---------------------------------------------------------------------------

    async def _reachable_node(self) -> Node:
        return await reachable_node(self.node)

    async def _call(self, cc: CommandClass, method: str, *args: Any) -> Any:
        node = await self._reachable_node()
        return await guarded(
            node, node.async_invoke_cc_api(cc, method, *args, wait_for_result=True)
        )

    async def _send(self, message: dict[str, Any]) -> dict[str, Any]:
        """A server command the client library has no wrapper for (Access Control API)."""
        node = await self._reachable_node()
        answer = await guarded(node, node.client.async_send_command(message))
        return answer if isinstance(answer, dict) else {}

    async def _get(self, slot: int) -> SlotReading:
        result = await self._call(CommandClass.USER_CODE, "get", slot)
        if not isinstance(result, dict):
            raise LockTimeout(f"slot {slot}: no User Code Report")
        status, code = result.get("userIdStatus"), result.get("userCode")
        text = code if isinstance(code, str) else None
        taken = occupied(status if isinstance(status, int) else None, text)
        masked = taken and text is not None and is_masked(text)
        window = await self._get_window(slot) if taken else None
        reading = SlotReading(
            slot=slot,
            occupied=taken,
            code=text if taken and not masked else None,
            masked=masked,
            window=window,
        )
        self.echoes.expect(slot, (text or "*") if taken else None, self._monotonic())
        return reading

    async def _get_window(self, slot: int) -> Window | None:
        if not self._info.capabilities.supports_schedules:
            return None
        fields = await self._call(SCHEDULES, "getYearDaySchedule", slot_ref(slot))
        if not isinstance(fields, dict) or "startYear" not in fields:
            return None
        written = self._windows.get(slot)
        if written is not None and written[1] == fields:
            return written[0]  # what was asked for, as the lock keeps it to the minute
        return window_from_fields(fields)

    async def _put_window(self, slot: int, window: Window | None) -> None:
        """Before the code: a code never works on the lock without the window it was given."""
        self._windows.pop(slot, None)
        if window is None:
            await self._call(SCHEDULES, "setEnabled", False, slot)
            await self._call(SCHEDULES, "setYearDaySchedule", slot_ref(slot))  # erase
            return
        await self._keep_lock_time()
        fields = year_day_fields(window)
        await self._call(SCHEDULES, "setYearDaySchedule", slot_ref(slot), fields)
        await self._call(SCHEDULES, "setEnabled", True, slot)
        self._windows[slot] = (window, fields)

    async def _keep_lock_time(self) -> None:
        """The lock's clock (Time Parameters, where it has them) and a zero time offset, so the
        windows' wall-clock fields mean UTC. Again after every reconnect and once a day."""
        now = self._monotonic()
        if self._lock_time_set_at is not None and now - self._lock_time_set_at < LOCK_TIME_EVERY:
            return
        node = await self._reachable_node()
        if any(cc.id == CommandClass.TIME_PARAMETERS for cc in node.command_classes):
            try:
                await node.async_set_date_and_time(datetime.now(UTC), wait_for_result=True)
            except BaseZwaveJSServerError as exc:
                raise LockTimeout(f"node {node.node_id}: setting its clock failed: {exc}") from None
            except asyncio.CancelledError:
                if we_are_cancelled():
                    raise
                raise LockOffline(f"node {node.node_id}: connection lost") from None
        await self._call(SCHEDULES, "setTimezone", NO_OFFSET)
        self._lock_time_set_at = now
        log.info("lock %s: clock and time offset set (UTC)", self._info.ref)

    async def state(self) -> LockState:
        node = self.node
        if node is None:
            return LockState(online=False)
        await self._reachable_node()
        locked, battery = locked_from_cache(node), battery_from_cache(node)
        return LockState(online=True, locked=locked, battery_level=battery)

    async def read_slots(self) -> list[SlotReading]:
        self._fresh.clear()
        if self.credentials is not None:
            found = await self.credentials.read_slots(self._info.capabilities.slots)
            for reading in found:
                self.echoes.expect(
                    reading.slot, reading.code if reading.occupied else None, self._monotonic()
                )
            return found
        return [await self._get(slot) for slot in self._info.capabilities.slots]

    async def read_slot(self, slot: int) -> SlotReading:
        fresh = self._fresh.pop(slot, None)
        if fresh is not None:
            return fresh
        if self.credentials is not None:
            reading = await self.credentials.read_slot(slot)
            self.echoes.expect(slot, reading.code if reading.occupied else None, self._monotonic())
            return reading
        return await self._get(slot)

    def _refuse_insecure(self) -> None:
        if self.insecure is not None and not self.allow_insecure:
            raise PermanentDriverError(
                f"{self.insecure}; codes are not programmed on it unless its owner allows it "
                f"([zwave] allow_insecure_nodes = [{self.node.node_id if self.node else '?'}])"
            )

    async def write_slot(
        self, slot: int, code: str, name: str | None, window: Window | None = None
    ) -> None:
        self._fresh.pop(slot, None)
        self._refuse_insecure()
        if self.credentials is not None:
            self.echoes.expect(slot, code, self._monotonic())
            self._fresh[slot] = await self.credentials.write(slot, code, name)
            return
        if self._info.capabilities.supports_schedules:
            await self._put_window(slot, window)
        self.echoes.expect(slot, code, self._monotonic())
        self._duplicate = False
        await self._call(CommandClass.USER_CODE, "set", slot, ENABLED, code)
        reading = await self._get(slot)
        kept = reading.occupied and (reading.masked or reading.code == code)
        if not kept and self._duplicate:
            raise DuplicateCode(f"slot {slot}: the lock holds this PIN in another slot")
        self._fresh[slot] = reading

    async def clear_slot(self, slot: int) -> None:
        self._fresh.pop(slot, None)
        self.echoes.expect(slot, None, self._monotonic())
        if self.credentials is not None:
            confirmed = await self.credentials.clear(slot)
            if confirmed is not None:
                self._fresh[slot] = confirmed
            return
        await self._call(CommandClass.USER_CODE, "clear", slot)

    async def checksum(self) -> int | None:
        if not self._info.capabilities.has_checksum:
            return None
        if self.credentials is not None:
            return await self.credentials.checksum()
        result = await self._call(CommandClass.USER_CODE, "getUserCodeChecksum")
        return int(result) if isinstance(result, int) else None

    def expected_checksum(self, codes: dict[int, str]) -> int | None:
        if self.credentials is not None:
            return self.credentials.expected_checksum(codes)
        return user_code_checksum(codes) if self._info.capabilities.has_checksum else None

    async def set_locked(self, locked: bool) -> None:
        await self._call(CommandClass.DOOR_LOCK, "set", SECURED if locked else UNSECURED)

    async def configure_auto_lock(self, setting: AutoLock) -> AutoLock:
        """Door Lock CC v4: the configuration is read, its auto-relock time changed (0 turns
        auto-relock off) and written back whole, then read again: what the lock reports is
        what it took."""
        if not self._info.capabilities.can_configure_auto_lock:
            raise PermanentDriverError("this lock has no auto-relock (Door Lock CC v4)")
        return await configure_auto_relock(self._call, setting)

    async def events(self) -> AsyncIterator[LockEvent]:
        while (event := await self._events.get()) is not None:
            yield event

    async def close(self) -> None:
        self.unbind(announce=False)
        self._events.put_nowait(None)
