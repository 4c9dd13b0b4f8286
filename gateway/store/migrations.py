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
    # the owner's dashboard: its password (a memory-hard hash), sessions, and what it revealed
    """
    CREATE TABLE owner_password (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        password_hash TEXT NOT NULL,   -- scrypt$ln=..,r=..,p=..$salt$hash (parameters kept)
        set_at TEXT NOT NULL
    );
    CREATE TABLE owner_sessions (
        token_hash TEXT PRIMARY KEY,   -- SHA-256 of the cookie's random token
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE owner_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        action TEXT NOT NULL,          -- pin_revealed
        device_id TEXT,
        access_code_id TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX owner_audit_created ON owner_audit (created_at);
    -- the overview's counts and last activity per lock, without reading whole rows
    CREATE INDEX access_codes_overview
        ON access_codes (device_id, is_managed, pool_state, status, errors);
    CREATE INDEX events_device_occurred ON events (device_id, occurred_at);
    """,
    # a lock's auto-lock setting, and what each pending CONFIGURE_AUTO_LOCK attempt asks for
    """
    ALTER TABLE devices ADD COLUMN auto_lock_enabled INTEGER;
    ALTER TABLE devices ADD COLUMN auto_lock_delay_seconds REAL;
    CREATE TABLE auto_lock_requests (
        action_attempt_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        delay_seconds REAL
    );
    """,
    # who declared each webhook: the config file (read-only elsewhere), the CLI or the API
    """
    ALTER TABLE webhooks ADD COLUMN origin TEXT NOT NULL DEFAULT 'cli';
    """,
    # Access Grants: user identities, spaces, grants, their access methods (one PIN each) and
    # the access code that carries a method's PIN on each lock
    """
    CREATE TABLE user_identities (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user_identity_id TEXT NOT NULL UNIQUE,
        user_identity_key TEXT UNIQUE,
        email_address TEXT UNIQUE,
        phone_number TEXT UNIQUE,
        full_name TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE user_identity_devices (
        user_identity_id TEXT NOT NULL
            REFERENCES user_identities(user_identity_id) ON DELETE CASCADE,
        device_id TEXT NOT NULL,          -- no FK: a removed lock leaves grants intact
        PRIMARY KEY (user_identity_id, device_id)
    );
    CREATE TABLE spaces (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space_id TEXT NOT NULL UNIQUE,
        space_key TEXT UNIQUE,
        name TEXT NOT NULL,
        customer_key TEXT,
        customer_data TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    CREATE TABLE space_devices (
        space_id TEXT NOT NULL REFERENCES spaces(space_id) ON DELETE CASCADE,
        device_id TEXT NOT NULL,          -- no FK: a removed lock leaves grants intact
        seq INTEGER NOT NULL,
        PRIMARY KEY (space_id, device_id)
    );
    CREATE TABLE access_grants (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        access_grant_id TEXT NOT NULL UNIQUE,
        access_grant_key TEXT UNIQUE,
        reservation_key TEXT,
        user_identity_id TEXT NOT NULL REFERENCES user_identities(user_identity_id),
        name TEXT,
        starts_at TEXT NOT NULL,
        ends_at TEXT,
        requested_access_methods TEXT NOT NULL DEFAULT '[]',
        errors TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL
    );
    CREATE INDEX access_grants_user ON access_grants (user_identity_id);
    -- The locks and spaces a grant names; `revoked` locks are taken away from it.
    CREATE TABLE access_grant_targets (
        access_grant_id TEXT NOT NULL
            REFERENCES access_grants(access_grant_id) ON DELETE CASCADE,
        kind TEXT NOT NULL,            -- device | space | revoked
        target_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (access_grant_id, kind, target_id)
    );
    CREATE INDEX access_grant_targets_target ON access_grant_targets (kind, target_id);
    CREATE TABLE access_methods (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        access_method_id TEXT NOT NULL UNIQUE,
        access_grant_id TEXT NOT NULL
            REFERENCES access_grants(access_grant_id) ON DELETE CASCADE,
        mode TEXT NOT NULL,
        code TEXT,
        issued_at TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX access_methods_grant ON access_methods (access_grant_id);
    -- The access code carrying a method's PIN on one lock (the code row may be gone already:
    -- a code is forgotten once its lock no longer holds it).
    CREATE TABLE access_method_codes (
        access_method_id TEXT NOT NULL
            REFERENCES access_methods(access_method_id) ON DELETE CASCADE,
        device_id TEXT NOT NULL,
        access_code_id TEXT NOT NULL,
        PRIMARY KEY (access_method_id, device_id)
    );
    CREATE INDEX access_method_codes_code ON access_method_codes (access_code_id);
    """,
    # a device's custom_metadata (the cloud's), and the code lengths a client reported for a
    # lock whose own report leaves a choice (/access_codes/report_device_constraints)
    """
    ALTER TABLE devices ADD COLUMN custom_metadata TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE devices ADD COLUMN reported_code_lengths TEXT;  -- JSON list, NULL: none
    """,
    # the MQTT broker as one more destination of the event outbox (#22): while [mqtt] is
    # configured (the one row of mqtt_destination), every event also queues here in the
    # transaction that records it; the MQTT surface publishes the queue in order at QoS 1 and
    # deletes each entry once the broker has acknowledged it
    """
    CREATE TABLE mqtt_destination (id INTEGER PRIMARY KEY CHECK (id = 1), since TEXT NOT NULL);
    CREATE TABLE mqtt_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # the dashboard's wrong passwords, so the login rate limit holds across a restart
    """
    CREATE TABLE owner_login_failures (
        address TEXT NOT NULL,          -- the client's address, or '*' for every address
        failed_at REAL NOT NULL         -- seconds since the epoch
    );
    CREATE INDEX owner_login_failures_address ON owner_login_failures (address, failed_at);
    """,
    # the answers of idempotent API requests (docs/FLEET.md): a request carrying a request_id
    # is run in the transaction that records its answer here; the same id again gets this
    # answer without running anything. Kept 24 hours (service/retention.py)
    """
    CREATE TABLE api_answers (
        request_id TEXT PRIMARY KEY,
        route TEXT NOT NULL,
        fingerprint TEXT NOT NULL,      -- sha256 of the request's parameters
        status INTEGER NOT NULL,
        body TEXT NOT NULL,             -- the answer's JSON body
        answered_at TEXT NOT NULL
    );
    CREATE INDEX api_answers_answered_at ON api_answers (answered_at);
    """,
    # a revision per access code, counted up by every change of its row (the trigger: an
    # UPDATE that does not set rev itself), so a list reuses what it rendered of an unchanged
    # code (gateway/wire/rendered.py); recursive triggers are off, so the trigger's own UPDATE
    # does not fire it again
    """
    ALTER TABLE access_codes ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
    CREATE TRIGGER access_codes_rev AFTER UPDATE ON access_codes
    FOR EACH ROW WHEN NEW.rev = OLD.rev
    BEGIN
        UPDATE access_codes SET rev = OLD.rev + 1 WHERE seq = OLD.seq;
    END;
    """,
    # fewer index pages written per commit (each one more to write to the WAL and fsync
    # before a change answers): most codes have no common_code_key and are not backup pool
    # codes, and most action attempts are not pending, so those indexes hold only the rows
    # that have one (every query of them names a value, so the partial index still serves
    # it); a lock's codes by PIN (a create's duplicate check read every code of the lock)
    """
    DROP INDEX access_codes_common_key;
    CREATE INDEX access_codes_common_key ON access_codes (common_code_key)
        WHERE common_code_key IS NOT NULL;
    DROP INDEX access_codes_pool;
    CREATE INDEX access_codes_pool ON access_codes (device_id, pool_state)
        WHERE pool_state IS NOT NULL;
    DROP INDEX action_attempts_pending;
    CREATE INDEX action_attempts_pending ON action_attempts (access_code_id)
        WHERE status = 'pending';
    CREATE INDEX access_codes_pin ON access_codes (device_id, code);
    """,
]
