"""Webhook endpoints and the outbox of deliveries (written in the same transaction as the event,
so a delivery is never lost: at least once, in order per endpoint)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from gateway.store import mqtt_outbox
from gateway.store.rows import iso, moment
from gateway.wire.fleet_webhooks import FleetWebhook

# Who declared a webhook. One store serves them all: the outbox delivers to each alike.
CONFIG = "config"  # a [[webhooks]] entry of the config file, applied at every start
CLI = "cli"  # `lockgw webhooks add`
API = "api"  # /webhooks/create
FLEET = "fleet"  # the fleet's webhooks document (docs/FLEET.md), followed by a fleet hub


@dataclass(frozen=True)
class Webhook:
    webhook_id: str
    url: str
    secret: str
    event_types: tuple[str, ...] | None  # None: every event
    created_at: datetime
    origin: str = CLI

    def wants(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types

    @property
    def declared_in_config(self) -> bool:
        """The config file owns it: changed or removed there, never through the API."""
        return self.origin == CONFIG

    @property
    def read_only(self) -> bool:
        """Declared elsewhere (the config file, the fleet's document): the hub's API lists it
        but never changes it."""
        return self.origin in (CONFIG, FLEET)


@dataclass(frozen=True)
class Delivery:
    seq: int
    webhook_id: str
    event_id: str
    attempts: int
    created_at: datetime


def _webhook(row: sqlite3.Row) -> Webhook:
    created_at = moment(row["created_at"])
    assert created_at is not None
    types = None if row["event_types"] is None else tuple(json.loads(row["event_types"]))
    return Webhook(row["webhook_id"], row["url"], row["secret"], types, created_at, row["origin"])


def _types(event_types: tuple[str, ...] | None) -> str | None:
    return None if event_types is None else json.dumps(list(event_types))


def add(
    conn: sqlite3.Connection,
    url: str,
    secret: str,
    event_types: tuple[str, ...] | None,
    now: datetime,
    *,
    origin: str = CONFIG,
) -> Webhook:
    """Add an endpoint, or update the one with this URL. The default origin is the config
    file's, which the daemon applies at every start: a URL it declares becomes the config's,
    whoever added it first (the CLI and the API pass their own)."""
    webhook_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO webhooks (webhook_id, url, secret, event_types, created_at, origin) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET secret = excluded.secret, "
        "event_types = excluded.event_types, origin = excluded.origin",
        (webhook_id, url, secret, _types(event_types), iso(now), origin),
    )
    row = conn.execute("SELECT * FROM webhooks WHERE url = ?", (url,)).fetchone()
    return _webhook(row)


def by_url(conn: sqlite3.Connection, url: str) -> Webhook | None:
    row = conn.execute("SELECT * FROM webhooks WHERE url = ?", (url,)).fetchone()
    return None if row is None else _webhook(row)


def get(conn: sqlite3.Connection, webhook_id: str) -> Webhook | None:
    row = conn.execute("SELECT * FROM webhooks WHERE webhook_id = ?", (webhook_id,)).fetchone()
    return None if row is None else _webhook(row)


def set_event_types(
    conn: sqlite3.Connection, webhook_id: str, event_types: tuple[str, ...] | None
) -> bool:
    """What the endpoint hears from now on (deliveries already queued still go out)."""
    return (
        conn.execute(
            "UPDATE webhooks SET event_types = ? WHERE webhook_id = ?",
            (_types(event_types), webhook_id),
        ).rowcount
        > 0
    )


def remove(conn: sqlite3.Connection, webhook_id: str) -> bool:
    return conn.execute("DELETE FROM webhooks WHERE webhook_id = ?", (webhook_id,)).rowcount > 0


def all_webhooks(conn: sqlite3.Connection) -> list[Webhook]:
    return [_webhook(r) for r in conn.execute("SELECT * FROM webhooks ORDER BY created_at, rowid")]


@dataclass
class FleetChanges:
    added: int = 0
    changed: int = 0
    removed: int = 0
    # Fleet webhooks left out: their URL (or id) is one of the hub's own webhooks already.
    clashing: list[str] = field(default_factory=list)


def follow_fleet(
    conn: sqlite3.Connection, wanted: Sequence[FleetWebhook], now: datetime
) -> FleetChanges:
    """Make the `fleet` webhooks exactly `wanted` (by webhook id): new ones added, others given
    their URL, secret and event types, those no longer wanted removed with their queued
    deliveries. A URL or id the hub's own webhooks (config, CLI, API) hold already stays theirs.
    """
    changes = FleetChanges()
    held = {w.webhook_id: w for w in all_webhooks(conn) if w.origin == FLEET}
    ids = {w.webhook_id for w in wanted}
    for gone in held.keys() - ids:
        remove(conn, gone)
        changes.removed += 1
    # URLs may move between fleet webhooks: free every URL that changes first (unique URLs).
    for hook in wanted:
        known = held.get(hook.webhook_id)
        if known is not None and known.url != hook.url:
            conn.execute(
                "UPDATE webhooks SET url = ? WHERE webhook_id = ?",
                (f"fleet-moving:{hook.webhook_id}", hook.webhook_id),
            )
    for hook in wanted:
        owner = by_url(conn, hook.url)
        same_id = get(conn, hook.webhook_id)
        if (owner is not None and owner.webhook_id != hook.webhook_id) or (
            same_id is not None and same_id.origin != FLEET
        ):
            changes.clashing.append(hook.webhook_id)
            if hook.webhook_id in held and same_id is not None and same_id.origin == FLEET:
                remove(conn, hook.webhook_id)  # it cannot have the URL it now names
                changes.removed += 1
            continue
        if same_id is None:
            conn.execute(
                "INSERT INTO webhooks (webhook_id, url, secret, event_types, created_at, origin) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (hook.webhook_id, hook.url, hook.secret, _types(hook.event_types), iso(now), FLEET),
            )
            changes.added += 1
        elif (same_id.url, same_id.secret, same_id.event_types) != (
            hook.url,
            hook.secret,
            hook.event_types,
        ):
            conn.execute(
                "UPDATE webhooks SET url = ?, secret = ?, event_types = ? WHERE webhook_id = ?",
                (hook.url, hook.secret, _types(hook.event_types), hook.webhook_id),
            )
            changes.changed += 1
    return changes


def enqueue(conn: sqlite3.Connection, event_id: str, event_type: str, now: datetime) -> None:
    """Queue the event for every endpoint that wants it, and for the MQTT broker if one is
    configured (one more destination of the same outbox, in the same transaction)."""
    mqtt_outbox.enqueue(conn, event_id, event_type, now)
    for webhook in all_webhooks(conn):
        if webhook.wants(event_type):
            conn.execute(
                "INSERT INTO webhook_deliveries (webhook_id, event_id, state, next_attempt_at, "
                "created_at) VALUES (?, ?, 'pending', ?, ?)",
                (webhook.webhook_id, event_id, iso(now), iso(now)),
            )


def head(conn: sqlite3.Connection, webhook_id: str) -> tuple[Delivery, datetime] | None:
    """The oldest pending delivery of an endpoint (deliveries go out in order), and when it is
    due."""
    row = conn.execute(
        "SELECT seq, webhook_id, event_id, attempts, created_at, next_attempt_at "
        "FROM webhook_deliveries WHERE state = 'pending' AND webhook_id = ? ORDER BY seq LIMIT 1",
        (webhook_id,),
    ).fetchone()
    if row is None:
        return None
    created_at, due = moment(row["created_at"]), moment(row["next_attempt_at"])
    assert created_at is not None and due is not None
    delivery = Delivery(row["seq"], row["webhook_id"], row["event_id"], row["attempts"], created_at)
    return delivery, due


def delivered(conn: sqlite3.Connection, seq: int, now: datetime) -> None:
    conn.execute(
        "UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, "
        "done_at = ?, last_error = NULL WHERE seq = ?",
        (iso(now), seq),
    )


def retry_later(conn: sqlite3.Connection, seq: int, error: str, when: datetime) -> None:
    conn.execute(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, "
        "next_attempt_at = ? WHERE seq = ?",
        (error[:500], iso(when), seq),
    )


def give_up(conn: sqlite3.Connection, seq: int, error: str, now: datetime) -> None:
    conn.execute(
        "UPDATE webhook_deliveries SET state = 'failed', attempts = attempts + 1, "
        "last_error = ?, done_at = ? WHERE seq = ?",
        (error[:500], iso(now), seq),
    )


@dataclass(frozen=True)
class Backlog:
    webhook: Webhook
    pending: int
    failed: int
    delivered: int
    last_error: str | None


def status(conn: sqlite3.Connection) -> list[Backlog]:
    result = []
    for webhook in all_webhooks(conn):
        counts = dict(
            conn.execute(
                "SELECT state, COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? "
                "GROUP BY state",
                (webhook.webhook_id,),
            ).fetchall()
        )
        error = conn.execute(
            "SELECT last_error FROM webhook_deliveries WHERE webhook_id = ? AND last_error "
            "IS NOT NULL ORDER BY seq DESC LIMIT 1",
            (webhook.webhook_id,),
        ).fetchone()
        result.append(
            Backlog(
                webhook,
                counts.get("pending", 0),
                counts.get("failed", 0),
                counts.get("delivered", 0),
                None if error is None else error[0],
            )
        )
    return result


def prune_delivered(conn: sqlite3.Connection, before: datetime, batch: int) -> int:
    return conn.execute(
        "DELETE FROM webhook_deliveries WHERE seq IN (SELECT seq FROM webhook_deliveries "
        "WHERE state != 'pending' AND done_at < ? LIMIT ?)",
        (iso(before), batch),
    ).rowcount
