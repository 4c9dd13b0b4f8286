"""The MQTT broker's share of the event outbox, as the MQTT surface publishes it: the webhook's
JSON for each event without any PIN, in the order the events were recorded; acknowledged
(dropped from the outbox) only once the broker has them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.clock import Clock
from gateway.service.mqtt_state import KEYPAD, UNLOCKED, code_name
from gateway.store import devices, events, mqtt_outbox
from gateway.store.db import Store
from gateway.wire import views

# Fields that carry a PIN in an event's body (`access_method.issued` has `code`): never on MQTT.
PIN_FIELDS = frozenset({"code", "pin"})


def without_pins(value: Any) -> Any:
    """`value` with every PIN field left out, at any depth."""
    if isinstance(value, dict):
        return {k: without_pins(v) for k, v in value.items() if k not in PIN_FIELDS}
    if isinstance(value, list):
        return [without_pins(v) for v in value]
    return value


@dataclass(frozen=True)
class KeypadUse:
    """A door opened at the keypad: who (by the code's name), for Home Assistant's event entity."""

    device_id: str
    code_name: str
    access_code_id: str | None


@dataclass(frozen=True)
class OutgoingEvent:
    seq: int
    event_type: str
    body: dict[str, Any] | None  # None: the event is no longer stored (nothing to send)
    keypad: KeypadUse | None = None


class MqttEvents:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def set_enabled(self, enabled: bool) -> None:
        with self.store.transaction() as conn:
            mqtt_outbox.set_enabled(conn, enabled, self.clock.now())

    def pending(self) -> int:
        return mqtt_outbox.pending(self.store.conn)

    def next_batch(self, limit: int = 100) -> list[OutgoingEvent]:
        return [self._outgoing(q) for q in mqtt_outbox.head(self.store.conn, limit)]

    def acknowledge(self, seq: int) -> None:
        """The broker has every event up to `seq`."""
        with self.store.transaction() as conn:
            mqtt_outbox.acknowledged(conn, seq)

    def _outgoing(self, queued: mqtt_outbox.Queued) -> OutgoingEvent:
        conn = self.store.conn
        event = events.get(conn, queued.event_id)
        if event is None:
            return OutgoingEvent(queued.seq, queued.event_type, None)
        device = devices.get(conn, event.device_id) if event.device_id else None
        body = views.event(event, self.store.workspace_id, device.driver if device else None)
        keypad = None
        if (
            event.event_type == UNLOCKED
            and event.payload.get("method") == KEYPAD
            and event.device_id
        ):
            code_id = event.access_code_id or event.payload.get("access_code_id")
            code_id = str(code_id) if code_id else None
            keypad = KeypadUse(event.device_id, code_name(self.store, code_id), code_id)
        return OutgoingEvent(queued.seq, event.event_type, without_pins(body), keypad)
