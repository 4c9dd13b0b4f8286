"""`lockgw backup FILE`: one archive with everything a new SD card needs to take over the hub.

The archive (a gzipped tar, written 0600: it holds PINs and keys) has
- `lockgw.sqlite3`: the database, copied consistently while the daemon runs;
- `nuki/`: the Nuki locks' credentials and slot maps (the data dir's `nuki` folder);
- `zwave/keys.env`: the Z-Wave security keys file of the bundled zwave-js server;
- `zwave/cache/`: zwave-js's cache (what it learnt about each node; without it every lock is
  interviewed again, which is slow but loses nothing);
- `zwave/nvm.bin`: the controller's memory (the network's nodes and home id), read through
  the zwave-js server when it can (the stick's radio is off for the seconds this takes);
- `MANIFEST.json`: which parts it holds, and why a part is missing.
A part that cannot be read (a file root keeps to itself, no zwave-js cache on this hub) is left
out and said so; the database is never left out. Restoring is gateway/service/restore.py.
"""

from __future__ import annotations

import gzip  # noqa: F401  (tarfile imports it lazily: after root is given up, maybe too late)
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from drivers.nuki.files import FOLDER as NUKI_FOLDER
from gateway.domain.timefmt import to_iso
from gateway.store.db import DB_FILE

FORMAT = "lockgw-backup 1"
MANIFEST = "MANIFEST.json"
DATABASE = DB_FILE
NUKI = "nuki"
KEYS = "zwave/keys.env"
CACHE = "zwave/cache"
NVM = "zwave/nvm.bin"
DEFAULT_KEYS = Path("/etc/zwave-js-server/keys.env")
DEFAULT_CACHE = Path("/var/lib/zwave-js-server")
CACHE_SKIPPED = {"locks"}  # zwave-js's lock files: the running server's, not data


@dataclass(frozen=True)
class ZWaveFiles:
    """Where the bundled zwave-js server keeps its keys and its cache on this hub."""

    keys: Path = DEFAULT_KEYS
    cache: Path = DEFAULT_CACHE


@dataclass(frozen=True)
class Part:
    name: str
    included: bool
    detail: str


@dataclass(frozen=True)
class Nvm:
    """The controller's memory, or why it is not in the backup."""

    data: bytes | None
    detail: str


def write_backup(
    target: Path,
    conn: sqlite3.Connection,
    data_dir: Path,
    zwave: list[Taken],
    nvm: Nvm,
    now: datetime,
) -> list[Part]:
    """Write the archive to `target` (replaced at once, never half-written); what it holds."""
    spare = target.with_name(target.name + ".new")
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            parts = [_database(tar, conn), _nuki(tar, data_dir)]
            for taken in zwave:
                for name, data in taken.files.items():
                    _add_bytes(tar, name, data)
                parts.append(taken.part)
            parts.append(_nvm(tar, nvm))
            manifest = {
                "format": FORMAT,
                "created_at": to_iso(now),
                "parts": {p.name: p.detail for p in parts},
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(spare, target)
    except BaseException:
        spare.unlink(missing_ok=True)
        raise
    return parts


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _database(tar: tarfile.TarFile, conn: sqlite3.Connection) -> Part:
    with tempfile.TemporaryDirectory(prefix="lockgw-backup-") as folder:
        copy = Path(folder) / DATABASE
        target = sqlite3.connect(copy)
        try:
            with target:
                conn.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        tar.add(copy, arcname=DATABASE)
    return Part("database", True, "included")


def _nuki(tar: tarfile.TarFile, data_dir: Path) -> Part:
    folder = data_dir / NUKI_FOLDER
    locks = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    if not locks:
        return Part("nuki credentials", False, "none (no Nuki lock is paired)")
    tar.add(folder, arcname=NUKI)
    return Part("nuki credentials", True, f"included ({len(locks)} locks)")


@dataclass(frozen=True)
class Taken:
    """A part read before the archive is written (as root, before root is given up)."""

    files: dict[str, bytes]  # name in the archive -> content
    part: Part


def take_zwave(zwave: ZWaveFiles) -> list[Taken]:
    return [_take_keys(zwave.keys), _take_cache(zwave.cache)]


def _take_keys(keys: Path) -> Taken:
    name = "z-wave keys"
    try:
        data = keys.read_bytes()
    except FileNotFoundError:
        why = f"{keys} not found (an existing zwave-js server keeps its own)"
        return Taken({}, Part(name, False, why))
    except PermissionError:
        why = f"{keys} is not readable by this user: back up as root"
        return Taken({}, Part(name, False, why))
    return Taken({KEYS: data}, Part(name, True, f"included ({keys})"))


def _take_cache(cache: Path) -> Taken:
    name = "zwave-js cache"
    if not cache.is_dir():
        return Taken({}, Part(name, False, f"{cache} not found"))
    files: dict[str, bytes] = {}
    try:
        for path in sorted(cache.rglob("*")):
            inside = path.relative_to(cache)
            if inside.parts[0] in CACHE_SKIPPED or not path.is_file():
                continue
            files[f"{CACHE}/{inside.as_posix()}"] = path.read_bytes()
    except PermissionError as exc:
        why = f"{exc.filename} is not readable by this user: back up as root"
        return Taken({}, Part(name, False, why))
    return Taken(files, Part(name, True, f"included ({cache}, {len(files)} files)"))


def _nvm(tar: tarfile.TarFile, nvm: Nvm) -> Part:
    if nvm.data is None:
        return Part("controller memory (NVM)", False, nvm.detail)
    _add_bytes(tar, NVM, nvm.data)
    return Part("controller memory (NVM)", True, f"included ({len(nvm.data)} bytes)")
