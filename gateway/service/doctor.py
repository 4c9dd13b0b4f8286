"""`lockgw doctor`: everything an owner checks first when the hub misbehaves."""

from __future__ import annotations

import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from gateway.clock.trusted import kernel_clock_synchronised
from gateway.config import Config
from gateway.domain.issues import STALL_WARNING
from gateway.domain.models import Device
from gateway.store import devices
from gateway.store.db import Store

MIN_FREE_BYTES = 200 * 1024 * 1024
BLUETOOTH = Path("/sys/class/bluetooth")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool | None  # None: not applicable here
    detail: str


def _zwave(config: Config) -> Check:
    url = config.zwave_url
    if not url:
        return Check("zwave-js server", None, "not configured ([zwave] url)")
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 3000), 2):
            return Check("zwave-js server", True, f"{url} answers")
    except OSError as exc:
        return Check("zwave-js server", False, f"{url} unreachable: {exc.strerror or exc}")


def _bluetooth(sysfs: Path) -> Check:
    adapters = sorted(p.name for p in sysfs.glob("hci*")) if sysfs.exists() else []
    if adapters:
        return Check("BLE adapter", True, ", ".join(adapters))
    return Check("BLE adapter", False, "no Bluetooth adapter (BLE locks cannot be reached)")


def _clock() -> Check:
    from gateway.clock.sync import adjtimex_state  # the kernel's word, else timesyncd's

    synced = kernel_clock_synchronised()
    if synced is None:
        return Check("clock", None, "cannot ask the kernel (adjtimex refused) or systemd-timesyncd")
    source = "kernel" if adjtimex_state() is not None else "systemd-timesyncd"
    detail = (
        f"synchronised ({source})" if synced else f"NOT synchronised ({source}; is NTP reachable?)"
    )
    return Check("clock", synced, detail)


def _disk(data_dir: Path) -> Check:
    free = shutil.disk_usage(data_dir).free
    return Check("disk space", free >= MIN_FREE_BYTES, f"{free // (1024 * 1024)} MB free")


def _database(store: Store) -> Check:
    result = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
    return Check("database", result == "ok", f"integrity {result}")


def _lock(device: Device) -> Check:
    stall = next((w for w in device.warnings if w.code == STALL_WARNING), None)
    if stall is not None:  # the daemon's supervisor raised it: work is not progressing
        return Check(f"lock {device.name}", False, f"STALLED: {stall.message}")
    return Check(f"lock {device.name}", device.online, "online" if device.online else "OFFLINE")


def _locks(store: Store) -> list[Check]:
    return [_lock(d) for d in devices.all_devices(store.conn)]


def run_checks(config: Config, store: Store, sysfs: Path = BLUETOOTH) -> list[Check]:
    return [
        _zwave(config),
        _bluetooth(sysfs),
        _clock(),
        _disk(config.data_dir),
        _database(store),
        *_locks(store),
    ]
