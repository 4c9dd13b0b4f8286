"""What went wrong with the store, in the words an owner understands.

A full disk, another process holding SQLite's write lock, or an I/O error are faults of the
moment, like a radio timeout: the transaction rolled back, nothing half-applied, and the same
work succeeds once the fault is gone. `StoreFaults` remembers the latest one for `/health`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN = 5, 6, 8, 10, 11, 13, 14
# A fault not seen again for this long is over (a later success clears it at once).
FORGET_AFTER = 60.0


class FaultKind(StrEnum):
    BUSY = "busy"  # another process holds the write lock
    FULL = "full"  # the disk (or the database's page limit) is full
    IO = "io_error"  # read/write failed, read-only file system, file gone
    DAMAGED = "damaged"  # the file is not a database, or its pages are corrupt


def classify(exc: BaseException) -> FaultKind | None:
    """The kind of a store fault, or None when `exc` is not one (e.g. a constraint bug)."""
    if not isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
        return None
    if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary in (_BUSY, _LOCKED) or "locked" in text or "busy" in text:
        return FaultKind.BUSY
    if primary == _FULL or "disk is full" in text or "database or disk is full" in text:
        return FaultKind.FULL
    if primary == _CORRUPT or "malformed" in text or "not a database" in text:
        return FaultKind.DAMAGED
    if primary in (_IOERR, _READONLY, _CANTOPEN) or "disk i/o" in text or "readonly" in text:
        return FaultKind.IO
    return None


MESSAGES = {
    FaultKind.BUSY: "another process holds the hub's database; try again in a moment",
    FaultKind.FULL: "the hub's disk is full: nothing was saved; free space on the hub",
    FaultKind.IO: "the hub cannot write its database (I/O error); nothing was saved",
    FaultKind.DAMAGED: "the hub's database is damaged; restore a backup with `lockgw restore`",
}


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    detail: str
    at: float  # monotonic


class StoreFaults:
    """The latest store fault, until a transaction commits again (or it is old)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._latest: Fault | None = None
        self.count = 0

    def saw(self, exc: BaseException) -> FaultKind | None:
        kind = classify(exc)
        if kind is not None:
            self._latest = Fault(kind, str(exc), self._monotonic())
            self.count += 1
        return kind

    def committed(self) -> None:
        self._latest = None

    def current(self) -> Fault | None:
        latest = self._latest
        if latest is not None and self._monotonic() - latest.at > FORGET_AFTER:
            self._latest = None
            return None
        return latest
