"""Old events are pruned in small batches; recent ones stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from gateway.clock import ManualClock
from gateway.ledger.journal import record
from gateway.service.retention import BATCH, prune_once
from gateway.store import events
from gateway.store.db import Store

NOW = datetime(2026, 7, 1, tzinfo=UTC)


def test_events_older_than_the_retention_go_in_batches(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction() as conn:
        for n in range(BATCH + 10):
            record(conn, "device.connected", NOW - timedelta(days=40, minutes=n), device_id="d")
        record(conn, "device.connected", NOW - timedelta(days=1), device_id="d")
    clock = ManualClock(NOW)
    assert prune_once(store, clock, timedelta(days=30)) == BATCH
    assert prune_once(store, clock, timedelta(days=30)) == 10
    assert prune_once(store, clock, timedelta(days=30)) == 0
    left = events.query(store.conn, since=NOW - timedelta(days=365), limit=100)
    assert len(left) == 1
