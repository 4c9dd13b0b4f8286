"""The SQLite store: one file under the data dir, WAL mode, versioned migrations.

Calls are synchronous and short (indexed single-row work): on a Pi an in-process SQLite call is
faster than handing it to a thread. Every API mutation is one `transaction()`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gateway.store import soundness
from gateway.store.faults import StoreFaults
from gateway.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

DB_FILE = "lockgw.sqlite3"


def _statements(script: str) -> list[str]:
    """Split a migration into statements (SQLite's own notion of a complete statement)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer)
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise ValueError(f"incomplete statement in migration: {buffer!r}")
    return statements


def keep_private(path: Path, mode: int) -> None:
    """PINs and keys are in here: readable by the hub's user alone. A file or folder that
    others could read (made before, or by hand) is tightened; one we may not change is refused."""
    try:
        current = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return
    if current & 0o077:
        try:
            path.chmod(mode)
        except PermissionError:
            raise PermissionError(
                f"{path} can be read by other users (mode {current:o}) and is not ours to "
                f"tighten: chmod {mode:o} {path}"
            ) from None
        log.warning("%s was readable by other users (mode %o): now %o", path, current, mode)


class TransactionBusy(RuntimeError):
    """A transaction() entered by one task while another task's is open (an `await` inside a
    transaction would let that happen): a programming error, never a store fault."""


def _who() -> tuple[int, int | None]:
    """The thread, and the asyncio task within it (None outside a running loop)."""
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    return threading.get_ident(), None if task is None else id(task)


class FileGone(sqlite3.OperationalError):
    """The database file is no longer the one this store opened."""


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


CACHE_KIB = 512


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.faults = StoreFaults()
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = data_dir / DB_FILE
        keep_private(data_dir, 0o700)
        # An empty or damaged file is DatabaseUnusable, never a fresh install (no keys, no codes).
        soundness.check_file(self.path)
        with soundness.damage_is_unusable(self.path):
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._identity = _identity(self.path)
            self.conn.execute("PRAGMA journal_mode=WAL")  # the -wal and -shm files exist now
            for suffix in ("", "-wal", "-shm"):
                keep_private(self.path.with_name(self.path.name + suffix), 0o600)
            self.conn.row_factory = sqlite3.Row
            # Intent must survive power loss before any radio work starts.
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=5000")
            # 512 KiB of page cache, not SQLite's 2 MiB: the kernel caches the file anyway, and
            # a list of 1,000 codes was no slower (bench/api_latency), for 2 MiB less resident.
            self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self._commit_listeners: list[Callable[[], None]] = []
            self._depth = 0  # transactions open (1: the outer one; more: savepoints in it)
            self._owner: tuple[int, int | None] | None = None
            self._migrate()
            self.workspace_id = self._workspace_id()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            log.info("applying store migration %d", number)
            with self.transaction() as conn:
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")

    def _workspace_id(self) -> str:
        with self.transaction() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key='workspace_id'").fetchone()
            if row:
                return str(row[0])
            workspace_id = str(uuid.uuid4())
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('workspace_id', ?)", (workspace_id,)
            )
            return workspace_id

    def data_version(self) -> int:
        """Changes whenever another connection (another process) commits."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def change_stamp(self) -> tuple[int, int]:
        """Differs from an earlier stamp once anything was written since: by this connection
        (every row it inserted, updated or deleted, in a transaction or not) or committed by
        any other (another process: the owner's CLI)."""
        return self.conn.total_changes, self.data_version()

    def check_still_there(self) -> None:
        """A database file deleted or replaced under the running daemon (by hand, or a restore
        that ignored the lock) would swallow every write: refuse them instead."""
        if _identity(self.path) != self._identity:
            raise FileGone(f"disk I/O error: {self.path} was removed or replaced while in use")

    def wait_when_busy(self, milliseconds: int) -> None:
        """How long a write waits for another process's write lock before failing with a busy
        fault. The daemon waits briefly (its event loop must not stall) and retries later."""
        self.conn.execute(f"PRAGMA busy_timeout={int(milliseconds)}")

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; rolls back on any exception, so nothing half-applies.

        Nested in an open transaction (of the same task), it is a SAVEPOINT: released when the
        inner block succeeds, rolled back to when it raises (the outer block decides what to do
        with the exception); commit listeners fire once, at the outer COMMIT. Another task (or
        thread) entering while a transaction is open would write into it: refused."""
        if self._depth:
            if _who() != self._owner:
                raise TransactionBusy("another task's transaction is open on this store")
            yield from self._savepoint()
            return
        try:
            self.check_still_there()
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self.faults.saw(exc)
            raise
        self._depth, self._owner = 1, _who()
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self.faults.saw(exc)
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self._depth, self._owner = 0, None
        self.faults.committed()
        for listener in self._commit_listeners:
            listener()

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that see one state of the database (BEGIN ... COMMIT, deferred: in
        WAL mode no writer waits for it), though another process commits between them. Inside
        an open transaction, that transaction already is one state."""
        if self._depth or self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        self._depth += 1
        name = f"nested_{self._depth}"
        try:
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                raise
            self.conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every committed transaction (the webhook outbox wakes here)."""
        self._commit_listeners.append(listener)

    def close(self) -> None:
        self.conn.close()
