"""`lockgw doctor`: everything an owner checks first when the hub misbehaves."""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from gateway.clock.trusted import kernel_clock_synchronised
from gateway.config import Config
from gateway.domain.issues import STALL_WARNING
from gateway.domain.models import Device
from gateway.host.data_dir_lock import LOCK_FILE
from gateway.store import access_codes, devices
from gateway.store.db import DB_FILE, Store
from gateway.store.soundness import DatabaseUnusable, check_not_lost

ZWAVE_GREETING_SECONDS = 3.0
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
    # A server that accepts the connection but never speaks is not healthy: ask for its
    # greeting (its version), in a thread of its own so any caller's event loop is left alone.
    with ThreadPoolExecutor(1) as pool:
        problem = pool.submit(asyncio.run, _zwave_greeting(url)).result()
    if problem is None:
        return Check("zwave-js server", True, f"{url} answers")
    return Check("zwave-js server", False, f"{url} {problem}")


async def _zwave_greeting(url: str, seconds: float = ZWAVE_GREETING_SECONDS) -> str | None:
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=seconds)) as session,
            session.ws_connect(url, heartbeat=None) as ws,
        ):
            message = await ws.receive(timeout=seconds)
    except TimeoutError:
        return f"accepted the connection but said nothing in {seconds:.0f} s (hung?)"
    except (aiohttp.ClientError, OSError) as exc:
        return f"unreachable: {getattr(exc, 'strerror', None) or exc}"
    if message.type is not aiohttp.WSMsgType.TEXT or '"version"' not in message.data:
        return "answered, but not as a zwave-js server"
    return None


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


def _lock(device: Device, store: Store) -> Check:
    # A code the lock refused (no room, a duplicate, ...) is a guest locked out: the lock is not
    # ok while one has an error. "The lock is not answering" is OFFLINE, said once for the lock.
    codes, _ = access_codes.page(
        store.conn, managed=True, device_ids=[device.device_id], limit=10_000
    )
    why = Counter(e.message for c in codes for e in c.errors if e.code != "device_offline")
    failed = sum(1 for c in codes if any(e.code != "device_offline" for e in c.errors))
    stall = next((w for w in device.warnings if w.code == STALL_WARNING), None)
    if stall is not None:  # the daemon's supervisor raised it: work is not progressing
        state, ok = f"STALLED: {stall.message}", False
    else:
        state, ok = ("online", device.online) if device.online else ("OFFLINE", False)
    if failed:
        reasons = ", ".join(f"{message} ({n})" for message, n in why.most_common())
        plural = "code has" if failed == 1 else "codes have"
        state, ok = f"{state}; {failed} {plural} errors: {reasons}", False
    return Check(f"lock {device.name}", ok, state)


def _locks(store: Store) -> list[Check]:
    return [_lock(d, store) for d in devices.all_devices(store.conn)]


def _no_database(data_dir: Path) -> Check:
    try:  # the same rule `serve` refuses by
        check_not_lost(data_dir, DB_FILE, LOCK_FILE)
    except DatabaseUnusable as lost:
        return Check("database", False, f"MISSING: {lost}")
    return Check("database", None, "none yet (a fresh install: `lockgw init`)")


def run_checks(config: Config, store: Store | None, sysfs: Path = BLUETOOTH) -> list[Check]:
    """Every check; `store` None: there is no database file (doctor never creates one)."""
    common = [_zwave(config), _bluetooth(sysfs), _clock(), _disk(config.data_dir)]
    if store is None:
        return [*common, _no_database(config.data_dir)]
    return [*common, _database(store), *_locks(store)]
