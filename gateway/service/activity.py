"""What happened: action attempts and the event log, as the API lists them."""

from __future__ import annotations

from datetime import datetime

from gateway.domain.models import ActionAttempt, Event
from gateway.store import action_attempts, devices, events
from gateway.store.db import Store
from gateway.wire.errors import InvalidInput, NotFound
from gateway.wire.requests import GetActionAttempt, ListEvents

EVENTS_DEFAULT_LIMIT = 500


class Activity:
    def __init__(self, store: Store) -> None:
        self.store = store

    def action_attempt(self, p: GetActionAttempt) -> ActionAttempt:
        attempt = action_attempts.get(self.store.conn, p.action_attempt_id)
        if attempt is None:
            raise NotFound("action_attempt", f"No action attempt {p.action_attempt_id}")
        return attempt

    def events(self, p: ListEvents) -> list[tuple[Event, str | None]]:
        """The events asked for, each with the driver of its device (the cloud's provider)."""
        since, until = _period(p)
        found = events.query(
            self.store.conn,
            since=since,
            until=until,
            device_ids=_merge(p.device_id, p.device_ids),
            access_code_ids=_merge(p.access_code_id, p.access_code_ids),
            event_types=_merge(p.event_type, p.event_types),
            event_ids=p.event_ids,
            limit=p.limit or EVENTS_DEFAULT_LIMIT,
        )
        drivers = {d.device_id: d.driver for d in devices.all_devices(self.store.conn)}
        return [(e, drivers.get(e.device_id or "")) for e in found]


def _period(p: ListEvents) -> tuple[datetime, datetime | None]:
    if p.between is not None:
        since, until = p.between
        if until < since:
            raise InvalidInput({"between": ["the second time must not be before the first"]})
        return since, until
    if p.since is not None:
        return p.since, None
    raise InvalidInput({"since": ["Required (or give between)"]})


def _merge(one: str | None, many: list[str] | None) -> list[str] | None:
    if one is None and many is None:
        return None
    return [*(many or []), *([one] if one is not None else [])]
