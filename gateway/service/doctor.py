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
from gateway.domain.issues import INSECURE_LOCK_WARNING, STALL_WARNING
from gateway.domain.models import Device
from gateway.host.data_dir_lock import LOCK_FILE
from gateway.service.doctor_hub import SERVER_DIR, Finding, daemon_running, keys, stick
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
    fix: str | None = None  # what to do about a failure


def _found(finding: Finding) -> Check:
    return Check(finding.name, finding.ok, finding.detail, finding.fix)


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
    fix = (
        "the bundled server: `sudo systemctl restart zwave-js-server`, and `journalctl -u "
        "zwave-js-server -n 50` says why it stopped (often: the stick is missing)"
        if _local(url)
        else "that server (Home Assistant's Z-Wave JS, Z-Wave JS UI) must be running and "
        "publish its port 3000 to this hub (INSTALL.md, 3B)"
    )
    return Check("zwave-js server", False, f"{url} {problem}", fix)


def _local(url: str) -> bool:
    return any(host in url for host in ("//127.0.0.1", "//localhost", "//[::1]"))


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


def _mqtt(config: Config) -> Check:
    settings = config.mqtt
    if settings is None:
        return Check("MQTT broker", None, "not configured ([mqtt] url)")
    from gateway.host.mqtt_broker import can_connect

    with ThreadPoolExecutor(1) as pool:  # its own event loop, whatever the caller runs
        problem = pool.submit(asyncio.run, can_connect(settings)).result()
    if problem is None:
        return Check("MQTT broker", True, f"{settings.url} accepts {settings.client_id}")
    return Check("MQTT broker", False, f"{settings.url} refused or unreachable: {problem}")


def _bluetooth(sysfs: Path) -> Check:
    adapters = sorted(p.name for p in sysfs.glob("hci*")) if sysfs.exists() else []
    if adapters:
        return Check("BLE adapter", True, ", ".join(adapters))
    return Check(
        "BLE adapter",
        False,
        "no Bluetooth adapter (BLE locks cannot be reached)",
        "`sudo rfkill unblock bluetooth; sudo systemctl restart bluetooth`; "
        "`bluetoothctl list` must show the adapter",
    )


def _clock() -> Check:
    from gateway.clock.sync import adjtimex_state  # the kernel's word, else timesyncd's

    synced = kernel_clock_synchronised()
    if synced is None:
        return Check("clock", None, "cannot ask the kernel (adjtimex refused) or systemd-timesyncd")
    source = "kernel" if adjtimex_state() is not None else "systemd-timesyncd"
    detail = (
        f"synchronised ({source})" if synced else f"NOT synchronised ({source}; is NTP reachable?)"
    )
    fix = (
        None if synced else "`timedatectl` shows why; the hub needs NTP (internet or a LAN server)"
    )
    return Check("clock", synced, detail, fix)


def _disk(data_dir: Path) -> Check:
    free = shutil.disk_usage(data_dir).free
    ok = free >= MIN_FREE_BYTES
    fix = (
        None
        if ok
        else "free space on the SD card (`sudo journalctl --vacuum-size=50M`, old backups)"
    )
    return Check("disk space", ok, f"{free // (1024 * 1024)} MB free", fix)


def _database(store: Store) -> Check:
    result = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
    fix = None if result == "ok" else "stop lockgw and `lockgw restore` your latest backup"
    return Check("database", result == "ok", f"integrity {result}", fix)


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
    fix = (
        None
        if ok
        else "`lockgw zwave ping NODE` (Z-Wave) or move the hub closer; check its batteries"
    )
    if failed:
        reasons = ", ".join(f"{message} ({n})" for message, n in why.most_common())
        plural = "code has" if failed == 1 else "codes have"
        state, ok = f"{state}; {failed} {plural} errors: {reasons}", False
        fix = fix or "`lockgw codes list --device ID` shows each; free slots, or change the codes"
    insecure = next((w for w in device.warnings if w.code == INSECURE_LOCK_WARNING), None)
    if insecure is not None and "S2" in insecure.message:  # included without S2 or S0
        state, ok = f"{state}; WITHOUT S2: {insecure.message}", False
        fix = "exclude it (`lockgw zwave exclude`), then `lockgw zwave include` it with S2"
    return Check(f"lock {device.name}", ok, state, fix)


def _locks(store: Store) -> list[Check]:
    return [_lock(d, store) for d in devices.all_devices(store.conn)]


def _no_database(data_dir: Path) -> Check:
    try:  # the same rule `serve` refuses by
        check_not_lost(data_dir, DB_FILE, LOCK_FILE)
    except DatabaseUnusable as lost:
        return Check("database", False, f"MISSING: {lost}")
    return Check("database", None, "none yet (a fresh install: `lockgw init`)")


def root_checks(server_dir: Path = SERVER_DIR) -> list[Finding]:
    """What only root can read: run before the doctor gives root up (gateway/cli/owner.py)."""
    return [stick(server_dir), keys(server_dir)]


def run_checks(
    config: Config,
    store: Store | None,
    sysfs: Path = BLUETOOTH,
    server_dir: Path = SERVER_DIR,
    as_root: list[Finding] | None = None,
) -> list[Check]:
    """Every check; `store` None: there is no database file (doctor never creates one)."""
    found = as_root if as_root is not None else root_checks(server_dir)
    hub = [_found(daemon_running(config.data_dir)), *(_found(f) for f in found)]
    common = [
        *hub,
        _zwave(config),
        _mqtt(config),
        _bluetooth(sysfs),
        _clock(),
        _disk(config.data_dir),
    ]
    if store is None:
        return [*common, _no_database(config.data_dir)]
    return [*common, _database(store), *_locks(store)]
