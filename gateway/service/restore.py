"""`lockgw restore FILE`: replace the database with a backup, with the daemon stopped.

Refused while a daemon holds the data dir (it would go on with the store replaced under it:
codes on the lock vanish from the API, and their slots get written over). The backup is copied
next to the database, its slot maps are marked unverified (each lock is read in full and checked
at the next start, see gateway/store/unverified.py), and it then replaces the database in one
rename: an interrupted restore leaves the old database or the new one, never half of each.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from gateway.host.data_dir_lock import RESTORE, DataDirLock
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
