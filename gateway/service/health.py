"""`/health`: what a monitoring system (or the owner) needs to see; no secrets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.clock import Clock
from gateway.clock.trusted import TrustedClock
from gateway.store import devices, webhooks
from gateway.store.db import FileGone, Store
from gateway.store.faults import MESSAGES


def component_health(
    store: Store, clock: Clock, stalled_locks: Callable[[], frozenset[str]]
) -> dict[str, Any]:
    conn = store.conn
    stalled = len(stalled_locks())
    try:
        conn.execute("SELECT 1").fetchone()
        store.check_still_there()
    except FileGone as exc:
        store.faults.saw(exc)
    except Exception:
        return {"ok": False, "status": "down", "components": {"store": "error"}}
    # Reads work, but the latest write may have failed (full disk, busy, I/O).
    fault = store.faults.current()
    store_state = "ok" if fault is None else fault.kind.value
    all_devices = devices.all_devices(conn)
    online = sum(1 for d in all_devices if d.online)
    trusted = clock.trusted() if isinstance(clock, TrustedClock) else True
    backlogs = webhooks.status(conn)
    backlog = sum(item.pending for item in backlogs)
    failed = sum(item.failed for item in backlogs)
    degraded = online < len(all_devices) or not trusted or stalled > 0 or fault is not None
    return {
        "ok": True,
        "status": "degraded" if degraded else "up",
        "components": {
            "store": store_state,
            **({} if fault is None else {"store_problem": MESSAGES[fault.kind]}),
            "locks": {
                "online": online,
                "offline": len(all_devices) - online,
                "stalled": stalled,
            },
            "clock": "synchronised" if trusted else "not synchronised",
            "webhooks": {"pending": backlog, "failed": failed},
        },
    }
