"""Webhooks through the API: create, get, list, update, delete.

One store holds every webhook, whoever declared it (the config file, `lockgw webhooks add`, the
API), and the outbox delivers to each alike. A URL is registered once: creating it again sets
its event types and answers the same webhook and secret (an app that registers at start-up
keeps working). The config file's webhooks are listed but read-only here: changed or removed
only in the file, which the daemon applies at every start. So are a fleet hub's `fleet`
webhooks: the fleet's fronts declare them (docs/FLEET.md), and the hub follows their document.

URLs follow the rule the config file and the CLI follow (`gateway.config.check_webhook_url`);
event types must be ones the hub emits, so no endpoint silently never fires.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from gateway.clock import Clock
from gateway.config import check_webhook_url
from gateway.domain.event_types import EVENT_TYPES, closest_event_type, unknown_event_types
from gateway.store import webhooks
from gateway.store.db import Store
from gateway.store.webhooks import FleetChanges, Webhook
from gateway.webhooks.signing import new_secret
from gateway.wire.errors import NotFound, invalid
from gateway.wire.fleet_webhooks import FleetWebhook
from gateway.wire.webhooks import ALL_EVENTS, CreateWebhook, UpdateWebhook, WebhookRef

DECLARED_IN_CONFIG = (
    "is declared in the hub's config file ([[webhooks]]): the hub's owner changes or removes "
    "it there"
)
DECLARED_BY_FLEET = (
    "is a fleet webhook (declared through the fleet's front, in its webhooks document): it is "
    "changed or removed through the front"
)


def _declared_elsewhere(hook: Webhook) -> str:
    return DECLARED_BY_FLEET if hook.origin == webhooks.FLEET else DECLARED_IN_CONFIG


class Webhooks:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def create(self, p: CreateWebhook) -> Webhook:
        url = _checked_url(p.url)
        types = _checked_types(p.event_types)
        with self.store.transaction() as conn:
            known = webhooks.by_url(conn, url)
            if known is None:
                now = self.clock.now()
                return webhooks.add(conn, url, new_secret(), types, now, origin=webhooks.API)
            if known.read_only:
                raise invalid("url", f"{_declared_elsewhere(known)} (webhook {known.webhook_id})")
            webhooks.set_event_types(conn, known.webhook_id, types)
            return _webhook(conn, known.webhook_id)

    def get(self, p: WebhookRef) -> Webhook:
        return _webhook(self.store.conn, p.webhook_id)

    def list(self) -> list[Webhook]:
        return webhooks.all_webhooks(self.store.conn)

    def update(self, p: UpdateWebhook) -> None:
        types = _checked_types(p.event_types)
        with self.store.transaction() as conn:
            _writable(conn, p.webhook_id)
            webhooks.set_event_types(conn, p.webhook_id, types)

    def delete(self, p: WebhookRef) -> None:
        with self.store.transaction() as conn:
            _writable(conn, p.webhook_id)
            webhooks.remove(conn, p.webhook_id)  # its queued deliveries go with it

    def follow_fleet(self, wanted: Sequence[FleetWebhook]) -> FleetChanges:
        """The fleet's document as the `fleet` webhooks, in one transaction: from the next
        event on, the outbox delivers to exactly these (signed with their secrets)."""
        with self.store.transaction() as conn:
            return webhooks.follow_fleet(conn, wanted, self.clock.now())


def _webhook(conn: sqlite3.Connection, webhook_id: str) -> Webhook:
    found = webhooks.get(conn, webhook_id)
    if found is None:
        raise NotFound("webhook", f"No webhook with webhook_id {webhook_id}")
    return found


def _writable(conn: sqlite3.Connection, webhook_id: str) -> Webhook:
    found = _webhook(conn, webhook_id)
    if found.read_only:
        raise invalid("webhook_id", _declared_elsewhere(found))
    return found


def _checked_url(url: str) -> str:
    try:
        return check_webhook_url(url)
    except ValueError as exc:
        raise invalid("url", str(exc)) from None


def _checked_types(types: list[str] | None) -> tuple[str, ...] | None:
    """The event types asked for; None for every event ("*", the cloud's default)."""
    if types is None:
        return None
    named = tuple(dict.fromkeys(t for t in types if t != ALL_EVENTS))
    unknown = unknown_event_types(named)
    if unknown:
        close = closest_event_type(unknown[0])
        hint = f" (did you mean {close}?)" if close else ""
        raise invalid(
            "event_types",
            f"unknown event type {unknown[0]!r}{hint}: the hub emits "
            f'{", ".join(sorted(EVENT_TYPES))}, or "{ALL_EVENTS}" for every event',
        )
    if ALL_EVENTS in types:
        return None
    if not named:
        raise invalid(
            "event_types",
            f'is empty: a webhook would never fire; name event types or "{ALL_EVENTS}"',
        )
    return named
