"""`lockgw restore FILE`: replace the database with a backup, with the daemon stopped; with an
archive from `lockgw backup` (gateway/service/backup.py), the Nuki credentials, the Z-Wave keys
and zwave-js's cache too.

Refused while a daemon holds the data dir (it would go on with the store replaced under it:
codes on the lock vanish from the API, and their slots get written over). The backup is copied
next to the database, its slot maps are marked unverified (each lock is read in full and checked
at the next start, see gateway/store/unverified.py), and it then replaces the database in one
rename: an interrupted restore leaves the old database or the new one, never half of each.
"""

from __future__ import annotations

import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from drivers.nuki.files import FOLDER as NUKI_FOLDER
from gateway.host.data_dir_lock import LOCK_FILE, RESTORE, DataDirLock
from gateway.service import backup
from gateway.service.backup import ZWaveFiles
from gateway.store import unverified
from gateway.store.db import DB_FILE
from gateway.store.soundness import problem_with

TEMPORARY_SUFFIX = ".restoring"


class RestoreRefused(Exception):
    """The backup cannot be restored; the message says why."""


def restore(backup: Path, data_dir: Path, now: datetime) -> int:
    """Put `backup` in place of the data dir's database; how many locks will be checked."""
    source = _open_backup(backup)
    try:
        with DataDirLock.take(data_dir, RESTORE):
            return _replace(source, data_dir / DB_FILE, now)
    finally:
        source.close()


def _open_backup(backup: Path) -> sqlite3.Connection:
    if not backup.exists():
        raise RestoreRefused(f"{backup} does not exist")
    if not backup.is_file():
        raise RestoreRefused(f"{backup} is not a file (give the backup's file, not its folder)")
    problem = problem_with(backup)
    if problem is not None:
        raise RestoreRefused(f"{backup} {problem}")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise RestoreRefused(f"{backup} is not a sound database ({check})")
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master")}
        if not {"meta", "devices", "slots"} <= tables:
            raise RestoreRefused(f"{backup} is not a lockgw backup")
    except sqlite3.DatabaseError as exc:
        source.close()
        raise RestoreRefused(f"{backup} is not a sound database ({exc})") from None
    except RestoreRefused:
        source.close()
        raise
    return source


def _replace(source: sqlite3.Connection, database: Path, now: datetime) -> int:
    staged = database.with_name(database.name + TEMPORARY_SUFFIX)
    staged.unlink(missing_ok=True)
    target = sqlite3.connect(staged)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to rename
        with target:
            locks = unverified.mark_every_lock(target, now)
    finally:
        target.close()
    _fsync(staged)
    # The old database's write-ahead log belongs to the old file: left in place, SQLite would
    # replay it into the restored one.
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(staged, database)
    _fsync(database.parent)
    return locks


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- the whole hub: `lockgw backup`'s archive (gateway/service/backup.py) -----------------------

GZIP_MAGIC = b"\x1f\x8b"
KEYS_REPLACED_SUFFIX = ".before-restore"


def is_archive(path: Path) -> bool:
    """A `lockgw backup` archive (else: a database file, as backups were before)."""
    try:
        with path.open("rb") as handle:
            return handle.read(2) == GZIP_MAGIC
    except OSError:
        return False


@dataclass(frozen=True)
class Restored:
    locks: int  # how many locks the next start checks in full
    parts: list[str]  # what was put back, one line each


def restore_archive(archive: Path, data_dir: Path, zwave: ZWaveFiles, now: datetime) -> Restored:
    """Put everything of the archive back: the database (refused while a daemon holds the data
    dir, like `restore`), the Nuki credentials, the Z-Wave keys and zwave-js's cache."""
    with tempfile.TemporaryDirectory(prefix="lockgw-restore-") as folder:
        unpacked = Path(folder)
        _unpack(archive, unpacked)
        if not (unpacked / backup.DATABASE).is_file():
            raise RestoreRefused(f"{archive} holds no database: not a lockgw backup")
        locks = restore(unpacked / backup.DATABASE, data_dir, now)
        owner = _owner(data_dir)
        for made in (DB_FILE, LOCK_FILE):  # as root: the daemon must still open them
            _give(data_dir / made, owner)
        parts = [f"database: {data_dir / DB_FILE} ({locks} locks)"]
        nuki = unpacked / backup.NUKI
        if nuki.is_dir():
            count = _copy_tree(nuki, data_dir / NUKI_FOLDER, owner)
            parts.append(f"nuki credentials: {data_dir / NUKI_FOLDER} ({count} locks)")
        keys = unpacked / backup.KEYS
        if keys.is_file():
            parts.append(f"z-wave keys: {_put_keys(keys.read_bytes(), zwave.keys)}")
        cache = unpacked / backup.CACHE
        if cache.is_dir():
            cache_owner = _owner(zwave.cache if zwave.cache.exists() else zwave.cache.parent)
            _copy_tree(cache, zwave.cache, cache_owner)
            parts.append(f"zwave-js cache: {zwave.cache}")
    return Restored(locks, parts)


def read_nvm(archive: Path) -> bytes:
    """The controller's memory from an archive, for `restore --nvm`."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(backup.NVM)
            if member is None:
                raise KeyError(backup.NVM)
            return member.read()
    except KeyError:
        raise RestoreRefused(
            f"{archive} holds no controller memory (its MANIFEST.json says why)"
        ) from None
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise RestoreRefused(f"{archive} is not a readable lockgw backup ({exc})") from None


def _unpack(archive: Path, into: Path) -> None:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            names = tar.getnames()
            if backup.MANIFEST not in names:
                raise RestoreRefused(f"{archive} is not a lockgw backup (no {backup.MANIFEST})")
            tar.extractall(into, filter="data")  # no absolute paths, links out or devices
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise RestoreRefused(f"{archive} is not a readable lockgw backup ({exc})") from None


def _owner(path: Path) -> tuple[int, int]:
    found = path.stat()
    return found.st_uid, found.st_gid


def _give(path: Path, owner: tuple[int, int]) -> None:
    """Run as root (to reach the keys), files still belong to the service that uses them."""
    if os.geteuid() == 0:
        os.chown(path, *owner)


def _copy_tree(source: Path, target: Path, owner: tuple[int, int]) -> int:
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    _give(target, owner)
    for entry in sorted(source.iterdir()):
        if entry.is_dir():
            _copy_tree(entry, target / entry.name, owner)
        else:
            _write_private(target / entry.name, entry.read_bytes())
            _give(target / entry.name, owner)
    return sum(1 for entry in source.iterdir() if entry.is_dir())


def _put_keys(keys: bytes, path: Path) -> str:
    """The keys file, 0600; a different one in its place is kept beside it, never lost."""
    if path.exists():
        if path.read_bytes() == keys:
            return f"{path} (unchanged)"
        kept = path.with_name(path.name + KEYS_REPLACED_SUFFIX)
        _write_private(kept, path.read_bytes())
        _write_private(path, keys)
        return f"{path} (the keys it held are kept in {kept})"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(path, keys)
    return f"{path}"


def _write_private(path: Path, data: bytes) -> None:
    spare = path.with_name(path.name + ".new")
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(spare, path)
