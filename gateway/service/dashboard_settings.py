"""The dashboard's Settings: API keys (a new one is shown once), webhook delivery status, and a
backup of the database to download (consistent while the daemon runs)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from gateway.clock import Clock
from gateway.store import api_keys, webhooks
from gateway.store.db import Store
from gateway.wire.errors import NotFound, invalid

KEY_NAME_MAX = 100


@dataclass(frozen=True)
class KeyLine:
    key_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class WebhookLine:
    webhook_id: str
    url: str
    event_types: tuple[str, ...] | None  # None: every event
    from_config: bool
    pending: int
    failed: int
    delivered: int
    last_error: str | None


class DashboardSettings:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def keys(self) -> list[KeyLine]:
        return [
            KeyLine(k.key_id, k.name, k.created_at, k.revoked_at)
            for k in api_keys.list_keys(self.store.conn)
        ]

    def create_key(self, name: str) -> tuple[str, str]:
        """(key_id, the key itself): shown to the owner once, only its hash is kept."""
        name = name.strip()
        if not name:
            raise invalid("name", "Required: say what the key is for")
        if len(name) > KEY_NAME_MAX:
            raise invalid("name", f"is too long (at most {KEY_NAME_MAX} characters)")
        with self.store.transaction() as conn:
            key, plain = api_keys.create(conn, name, self.clock.now())
        return key.key_id, plain

    def revoke_key(self, key_id: str) -> None:
        with self.store.transaction() as conn:
            if not api_keys.revoke(conn, key_id, self.clock.now()):
                raise NotFound("api_key", f"No active API key {key_id}")

    def webhooks(self) -> list[WebhookLine]:
        return [
            WebhookLine(
                b.webhook.webhook_id,
                b.webhook.url,
                b.webhook.event_types,
                b.webhook.declared_in_config,
                b.pending,
                b.failed,
                b.delivered,
                b.last_error,
            )
            for b in webhooks.status(self.store.conn)
        ]

    def backup(self) -> bytes:
        """A consistent copy of the whole database (PINs and secrets included: the owner's)."""
        copy = sqlite3.connect(":memory:")
        try:
            self.store.conn.backup(copy)
            return copy.serialize()
        finally:
            copy.close()
