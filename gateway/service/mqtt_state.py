"""What the MQTT surface publishes as retained state, per lock: read from the same overview the
owner's dashboard shows (service.dashboard), plus who last opened the lock at its keypad.

No PIN is in anything here: those topics are readable by anyone the broker lets in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.clock import Clock
from gateway.domain.battery import battery_status
from gateway.service.dashboard import DashboardReads, LockSummary
from gateway.store import access_codes, devices, events
from gateway.store.db import Store

UNLOCKED = "lock.unlocked"
KEYPAD = "keycode"
KEYPAD_LOOKBACK = 50  # recent unlocks searched for the last one made at the keypad
UNKNOWN_CODE = "unknown code"


@dataclass(frozen=True)
class LockState:
    device_id: str
    name: str
    manufacturer: str
    model: str
    online: bool
    locked: bool | None  # None: the lock has not said yet
    battery_percent: int | None
    battery_status: str | None
    codes_set: int
    codes_setting: int
    codes_failed: int
    pool_ready: int
    pool_size: int  # 0: the lock keeps no backup pool
    last_keypad_user: str | None
    last_keypad_at: datetime | None
    can_lock: bool

    @property
    def codes_in_sync(self) -> bool:
        """Every code the hub manages is on the lock as declared (none refused, none on the way)."""
        return self.codes_failed == 0 and self.codes_setting == 0

    @property
    def pool_fill_percent(self) -> int | None:
        if self.pool_size == 0:
            return None
        return round(100 * min(self.pool_ready, self.pool_size) / self.pool_size)


def code_name(store: Store, access_code_id: str | None) -> str:
    """The name a keypad user is shown by: the code's name (never its PIN)."""
    if not access_code_id:
        return UNKNOWN_CODE
    code = access_codes.get(store.conn, access_code_id)
    if code is None or code.in_pool:
        return UNKNOWN_CODE
    return code.name or f"code {access_code_id[:8]}"


class MqttState:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._reads = DashboardReads(store, clock)

    def locks(self) -> list[LockState]:
        return [self._state(summary) for summary in self._reads.locks()]

    def device_ids(self) -> set[str]:
        """The locks the hub has now (one query, no counts)."""
        return {device.device_id for device in devices.all_devices(self.store.conn)}

    def _state(self, summary: LockSummary) -> LockState:
        device = summary.device
        level = device.battery_level
        user, at = self._last_keypad_use(device.device_id)
        return LockState(
            device_id=device.device_id,
            name=device.name,
            manufacturer=device.capabilities.manufacturer,
            model=device.capabilities.model,
            online=device.online,
            locked=device.locked,
            battery_percent=None if level is None else round(level * 100),
            battery_status=None if level is None else battery_status(level),
            codes_set=summary.counts.set,
            codes_setting=summary.counts.setting,
            codes_failed=summary.counts.failed,
            pool_ready=summary.pool_ready,
            pool_size=summary.pool_size,
            last_keypad_user=user,
            last_keypad_at=at,
            can_lock=device.capabilities.can_lock,
        )

    def _last_keypad_use(self, device_id: str) -> tuple[str | None, datetime | None]:
        recent = events.query(
            self.store.conn,
            since=datetime.min.replace(tzinfo=self.clock.now().tzinfo),
            device_ids=[device_id],
            event_types=[UNLOCKED],
            limit=KEYPAD_LOOKBACK,
        )
        for event in recent:
            if event.payload.get("method") == KEYPAD:
                code_id = event.access_code_id or event.payload.get("access_code_id")
                return code_name(self.store, str(code_id) if code_id else None), event.occurred_at
        return None, None
