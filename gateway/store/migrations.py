"""Versioned schema migrations. Append only: a released migration is never edited."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the foundation
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        driver TEXT NOT NULL,
        ref TEXT NOT NULL,
        display_name TEXT NOT NULL,
        nickname TEXT,
        capabilities TEXT NOT NULL,
        online INTEGER NOT NULL DEFAULT 0,
        locked INTEGER,
        battery_level REAL,
        is_managed INTEGER NOT NULL DEFAULT 1,
        backup_access_code_pool_enabled INTEGER NOT NULL DEFAULT 0,
        pool_size INTEGER NOT NULL DEFAULT 5,
        errors TEXT NOT NULL DEFAULT '[]',
        warnings TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        seq INTEGER NOT NULL,
        UNIQUE (driver, ref)
    );

    CREATE TABLE access_codes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        access_code_id TEXT NOT NULL UNIQUE,
        device_id TEXT NOT NULL REFERENCES devices(device_id),
        name TEXT,
        code TEXT,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        starts_at TEXT,
        ends_at TEXT,
        common_code_key TEXT,
        is_managed INTEGER NOT NULL,
        is_external_modification_allowed INTEGER NOT NULL DEFAULT 0,
        use_backup_access_code_pool INTEGER NOT NULL DEFAULT 0,
        prefer_native_scheduling INTEGER NOT NULL DEFAULT 1,
        is_backup INTEGER NOT NULL DEFAULT 0,
        pulled_backup_access_code_id TEXT,
        is_scheduled_on_device INTEGER NOT NULL DEFAULT 0,
        appearance_name TEXT,
        deleting INTEGER NOT NULL DEFAULT 0,
        errors TEXT NOT NULL DEFAULT '[]',
        warnings TEXT NOT NULL DEFAULT '[]',
        pending_mutations TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX access_codes_device ON access_codes (device_id, is_managed, seq);
    CREATE INDEX access_codes_common_key ON access_codes (common_code_key);

    -- What the gateway last observed in each slot of each lock, and who owns it.
    CREATE TABLE slots (
        device_id TEXT NOT NULL REFERENCES devices(device_id),
        slot INTEGER NOT NULL,
        owner TEXT NOT NULL,          -- managed | pool | unmanaged
        access_code_id TEXT,
        code TEXT,                    -- NULL when empty or masked
        masked INTEGER NOT NULL DEFAULT 0,
        name TEXT,
        observed_at TEXT NOT NULL,
        PRIMARY KEY (device_id, slot)
    );

    CREATE TABLE pool_codes (
        pool_code_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices(device_id),
        slot INTEGER NOT NULL,
        code TEXT NOT NULL,
        state TEXT NOT NULL,          -- pending | confirmed | pulled
        pulled_for TEXT,
        created_at TEXT NOT NULL
    );

    CREATE TABLE action_attempts (
        action_attempt_id TEXT PRIMARY KEY,
        action_type TEXT NOT NULL,
        status TEXT NOT NULL,
        device_id TEXT,
        access_code_id TEXT,
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX action_attempts_pending ON action_attempts (status, access_code_id);

    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        event_type TEXT NOT NULL,
        device_id TEXT,
        access_code_id TEXT,
        created_at TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_created ON events (created_at);

    CREATE TABLE api_keys (
        key_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    """,
    # 2: the reconciler's bookkeeping
    """
    ALTER TABLE slots ADD COLUMN pending TEXT;               -- write | clear | NULL (confirmed)
    ALTER TABLE slots ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE slots ADD COLUMN first_failure_at TEXT;
    ALTER TABLE slots ADD COLUMN suspended_until TEXT;
    ALTER TABLE access_codes ADD COLUMN blocked_until TEXT;  -- permanent failure: no retry loop
    """,
    # 3: backup pool codes are access codes (pool_state 'pool' until pulled, then 'pulled')
    """
    ALTER TABLE access_codes ADD COLUMN pool_state TEXT;
    DROP TABLE pool_codes;
    CREATE INDEX access_codes_pool ON access_codes (device_id, pool_state);
    """,
    # 4: webhooks and their durable outbox
    """
    CREATE TABLE webhooks (
        webhook_id TEXT PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        secret TEXT NOT NULL,
        event_types TEXT,              -- JSON list, NULL for every event
        created_at TEXT NOT NULL
    );
    CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        webhook_id TEXT NOT NULL REFERENCES webhooks(webhook_id) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        state TEXT NOT NULL,           -- pending | delivered | failed
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        done_at TEXT
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, webhook_id, seq);
    """,
    # 5: the window a slot's code was given on the lock itself (on-device scheduling)
    """
    ALTER TABLE slots ADD COLUMN window_starts_at TEXT;
    ALTER TABLE slots ADD COLUMN window_ends_at TEXT;
    """,
]
