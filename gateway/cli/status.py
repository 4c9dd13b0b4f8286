"""`lockgw status`: the dashboard's Locks overview as a table, for a headless hub."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gateway.cli.data_dir import no_database
from gateway.clock import SystemClock
from gateway.config import Config
from gateway.domain.timefmt import to_iso
from gateway.service.dashboard import DashboardReads, LockSummary
from gateway.store.db import Store

COLUMNS = ("name", "online", "battery", "lock", "set", "setting", "failed", "pool", "warnings")


def add_status_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = commands.add_parser("status", help="every lock at a glance (the dashboard's overview)")
    status.add_argument("--data-dir", type=Path, help="default: the --config's [store] data_dir")
    status.add_argument("--config", type=Path)
    status.add_argument("--json", action="store_true", help="machine-readable output")


def _row(lock: LockSummary) -> dict[str, str]:
    device = lock.device
    battery = "-" if device.battery_level is None else f"{round(device.battery_level * 100)}%"
    return {
        "name": device.name,
        "online": "online" if device.online else "OFFLINE",
        "battery": battery,
        "lock": {True: "locked", False: "unlocked", None: "-"}[device.locked],
        "set": str(lock.counts.set),
        "setting": str(lock.counts.setting),
        "failed": str(lock.counts.failed),
        "pool": f"{lock.pool_ready}/{lock.pool_size}" if lock.pool_size else "off",
        "warnings": "; ".join(lock.warnings) or "-",
    }


def run_status(args: argparse.Namespace, config: Config) -> int:
    missing = no_database(config.data_dir)
    if missing is not None:
        print(missing, file=sys.stderr)
        return 1
    store = Store(config.data_dir)
    try:
        locks = DashboardReads(store, SystemClock()).locks()
    finally:
        store.close()
    if args.json:
        body = [
            {
                **_row(lock),
                "device_id": lock.device.device_id,
                "scheduled": lock.counts.scheduled,
                "warnings": list(lock.warnings),
                "last_activity": None if lock.last_activity is None else to_iso(lock.last_activity),
            }
            for lock in locks
        ]
        print(json.dumps(body, indent=2))
        return 0
    rows = [_row(lock) for lock in locks]
    widths = {c: max([len(c), *(len(r[c]) for r in rows)]) for c in COLUMNS[:-1]}
    print("  ".join([*(c.upper().ljust(widths[c]) for c in COLUMNS[:-1]), "WARNINGS"]))
    for row in rows:
        print("  ".join([*(row[c].ljust(widths[c]) for c in COLUMNS[:-1]), row["warnings"]]))
    if not rows:
        print("(no locks yet)")
    return 0
