"""What happened: action attempts and the event log, as the API lists them."""

from __future__ import annotations

from datetime import datetime

from gateway.domain.models import ActionAttempt, Event
from gateway.store import action_attempts, devices, events
from gateway.store.db import Store
from gateway.wire.errors import InvalidInput, NotFound
from gateway.wire.pagination import DEFAULT_LIMIT, decode_cursor
from gateway.wire.requests import GetActionAttempt, GetEvent, ListActionAttempts, ListEvents
from gateway.wire.views import connected_account_id

EVENTS_DEFAULT_LIMIT = 500


class Activity:
    def __init__(self, store: Store) -> None:
        self.store = store

    def action_attempt(self, p: GetActionAttempt) -> ActionAttempt:
        attempt = action_attempts.get(self.store.conn, p.action_attempt_id)
        if attempt is None:
            raise NotFound("action_attempt", f"No action attempt {p.action_attempt_id}")
        return attempt

    def action_attempts(self, p: ListActionAttempts) -> tuple[list[ActionAttempt], int | None]:
        """One page of the attempts asked for (by id and/or device), oldest first, and the next
        page's cursor position (None: last page)."""
        return action_attempts.page(
            self.store.conn,
            action_attempt_ids=p.action_attempt_ids,
            device_id=p.device_id,
            after=decode_cursor(p.page_cursor),
            limit=p.limit or DEFAULT_LIMIT,
        )

    def event(self, p: GetEvent) -> tuple[Event, str | None]:
        """One event by id (or the newest of a type and/or device), with its device's driver."""
        if p.event_id is None and p.event_type is None and p.device_id is None:
            raise InvalidInput({"event_id": ["Required (or give event_type or device_id)"]})
        conn = self.store.conn
        found = events.latest(
            conn, event_id=p.event_id, event_type=p.event_type, device_id=p.device_id
        )
        if found is None:
            raise NotFound("event", "Event not found")
        device = None if found.device_id is None else devices.get(conn, found.device_id)
        return found, None if device is None else device.driver

    def events(self, p: ListEvents) -> list[tuple[Event, str | None]]:
        """The events asked for, each with the driver of its device (the cloud's provider)."""
        since, until = _period(p)
        drivers = {d.device_id: d.driver for d in devices.all_devices(self.store.conn)}
        device_ids = _merge(p.device_id, p.device_ids)
        if p.connected_account_id is not None:  # the devices of that radio, among those named
            of_account = [
                device_id
                for device_id, driver in drivers.items()
                if connected_account_id(driver) == p.connected_account_id
            ]
            device_ids = [d for d in of_account if device_ids is None or d in device_ids]
        found = events.query(
            self.store.conn,
            since=since,
            until=until,
            device_ids=device_ids,
            access_code_ids=_merge(p.access_code_id, p.access_code_ids),
            event_types=_merge(p.event_type, p.event_types),
            event_ids=p.event_ids,
            payload_ids=_payload_ids(p),
            limit=p.limit or EVENTS_DEFAULT_LIMIT,
            offset=p.unstable_offset or 0,
        )
        return [(e, drivers.get(e.device_id or "")) for e in found]


def _payload_ids(p: ListEvents) -> dict[str, list[str]]:
    """Filters on ids only the events' bodies carry (access grants and methods)."""
    wanted = {
        "access_grant_id": _merge(p.access_grant_id, p.access_grant_ids),
        "access_method_id": _merge(p.access_method_id, p.access_method_ids),
    }
    return {key: ids for key, ids in wanted.items() if ids is not None}


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
