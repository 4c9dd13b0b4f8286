"""Whether the database file can be opened as the store: a zero-length or damaged file is
never mistaken for a fresh install (which would start with no API keys, and no codes).

A file that does not exist yet is a fresh install. Anything else must be a SQLite database
that SQLite itself accepts when the store opens it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
# SQLite's primary result codes for a file that is not, or no longer, a sound database.
_CORRUPT, _NOTADB = 11, 26
ADVICE = "restore a backup with `lockgw restore FILE`"


class DatabaseUnusable(Exception):
    """The database file exists but cannot be the store; the message says what and what to do."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"database {path} {problem}: {ADVICE}")
        self.path = path
        self.problem = problem


def problem_with(path: Path) -> str | None:
    """What is wrong with the file's header, if anything (None: absent, or a SQLite file)."""
    try:
        with path.open("rb") as file:
            header = file.read(HEADER_SIZE)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not header:
        return "is empty (0 bytes)"
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        return f"is not a SQLite database ({path.stat().st_size} bytes of something else)"
    return None


def check_file(path: Path) -> None:
    """Raise DatabaseUnusable for an empty file or one that is not SQLite's."""
    problem = problem_with(path)
    if problem is not None:
        raise DatabaseUnusable(path, problem)


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (_CORRUPT, _NOTADB)


@contextmanager
def damage_is_unusable(path: Path) -> Iterator[None]:
    """SQLite finding the file corrupt (e.g. truncated) while opening it is DatabaseUnusable."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        raise DatabaseUnusable(path, f"is damaged ({exc})") from None


def check_not_lost(data_dir: Path, db_file: str, used_marker: str) -> None:
    """A data dir a daemon has used before (its `used_marker` file is there) whose database is
    gone lost it: starting afresh would forget every key and code, so that is refused."""
    path = data_dir / db_file
    if (data_dir / used_marker).exists() and not path.exists():
        raise DatabaseUnusable(path, "is missing from a data dir in use before")
