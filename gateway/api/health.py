"""`/health`: what a monitoring system (or the owner) needs to see; no secrets."""

from __future__ import annotations

from typing import Any

from gateway.service.bundle import Services
from gateway.store import devices, webhooks
from gateway.trusted_clock import TrustedClock


def component_health(services: Services) -> dict[str, Any]:
    conn = services.store.conn
    try:
        conn.execute("SELECT 1").fetchone()
        store = "ok"
    except Exception:
        return {"ok": False, "status": "down", "components": {"store": "error"}}
    all_devices = devices.all_devices(conn)
    online = sum(1 for d in all_devices if d.online)
    clock = services.clock
    trusted = clock.trusted() if isinstance(clock, TrustedClock) else True
    backlogs = webhooks.status(conn)
    backlog = sum(item.pending for item in backlogs)
    failed = sum(item.failed for item in backlogs)
    degraded = online < len(all_devices) or not trusted
    return {
        "ok": True,
        "status": "degraded" if degraded else "up",
        "components": {
            "store": store,
            "locks": {"online": online, "offline": len(all_devices) - online},
            "clock": "synchronised" if trusted else "not synchronised",
            "webhooks": {"pending": backlog, "failed": failed},
        },
    }
