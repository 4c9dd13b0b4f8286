"""Counts for the owner's overview of every lock, each in one grouped query (50 locks with 200
codes each must render in a blink on a Pi: no code rows are loaded for it)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import NamedTuple

from gateway.store.rows import moment


class CodeCounts(NamedTuple):
    set: int = 0
    setting: int = 0
    failed: int = 0
    scheduled: int = 0


# A code's status, as the overview counts it (removing and unknown: still on the way).
_KIND = {"set": "set", "setting": "setting", "removing": "setting", "unset": "scheduled"}


def code_counts(conn: sqlite3.Connection) -> dict[str, CodeCounts]:
    """Per lock, its managed codes (pool codes left out) by what the owner cares about: on the
    lock, on the way, refused (an error), or not started yet."""
    rows = conn.execute(
        "SELECT device_id, status, errors != '[]', COUNT(*) FROM access_codes "
        "WHERE is_managed = 1 AND pool_state IS NOT 'pool' GROUP BY 1, 2, 3"
    ).fetchall()
    tally: dict[str, dict[str, int]] = {}
    for device_id, status, failed, count in rows:
        kind = "failed" if failed else _KIND.get(status, "setting")
        counts = tally.setdefault(device_id, {})
        counts[kind] = counts.get(kind, 0) + int(count)
    return {device_id: CodeCounts(**counts) for device_id, counts in tally.items()}


def pool_ready(conn: sqlite3.Connection) -> dict[str, int]:
    """Per lock, its backup pool codes confirmed on the lock."""
    rows = conn.execute(
        "SELECT device_id, COUNT(*) FROM access_codes "
        "WHERE pool_state = 'pool' AND status = 'set' AND deleting = 0 GROUP BY device_id"
    ).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def last_activity(conn: sqlite3.Connection) -> dict[str, datetime]:
    """Per lock, when its latest event happened."""
    rows = conn.execute(
        "SELECT device_id, MAX(occurred_at) FROM events WHERE device_id IS NOT NULL "
        "GROUP BY device_id"
    ).fetchall()
    found: dict[str, datetime] = {}
    for device_id, when in rows:
        parsed = moment(when)
        if parsed is not None:
            found[device_id] = parsed
    return found


def journal_seq(conn: sqlite3.Connection) -> int:
    """The newest event's place in the journal (0: none yet)."""
    row = conn.execute("SELECT MAX(seq) FROM events").fetchone()
    return int(row[0] or 0)
