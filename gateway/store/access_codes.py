"""Access codes in the store (managed, unmanaged and backup codes share one table)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from gateway.domain.models import AccessCode, CodeRevision, CodeStatus
from gateway.domain.rules import PinUse
from gateway.domain.timefmt import parse_iso
from gateway.store.rows import (
    iso,
    issues_from_json,
    issues_to_json,
    moment,
    mutations_from_json,
)

COLUMNS = (
    "access_code_id, device_id, name, code, created_at, status, starts_at, ends_at, "
    "common_code_key, is_managed, is_external_modification_allowed, use_backup_access_code_pool, "
    "prefer_native_scheduling, is_backup, pulled_backup_access_code_id, is_scheduled_on_device, "
    "appearance_name, deleting, errors, warnings, pending_mutations, pool_state"
)
_PLACEHOLDERS = ", ".join("?" for _ in COLUMNS.split(","))


# Stored status text -> CodeStatus by a dict lookup (the Enum call costs more, per row).
_STATUSES = {status.value: status for status in CodeStatus}


def _time(text: str | None) -> datetime | None:
    """A stored time; the store writes every time as to_iso does (UTC, "Z"), so that is the
    fast path (rows.moment for anything else)."""
    if text is None:
        return None
    return datetime.fromisoformat(text) if text[-1:] == "Z" else moment(text)


def _from_row(row: tuple[Any, ...]) -> AccessCode:
    """Rows come as plain tuples in COLUMNS order (faster than sqlite3.Row on long lists).

    Listing a lock's codes builds one of these per row: positional arguments (in the
    dataclass's field order), stored flags compared with 1 and empty issue lists taken as
    they are cost a third of keyword arguments, bool() and the generic converters."""
    created_at = _time(row[4])
    assert created_at is not None
    return AccessCode(
        row[0],  # access_code_id
        row[1],  # device_id
        row[2],  # name
        row[3],  # code
        created_at,
        _STATUSES[row[5]],
        _time(row[6]),  # starts_at
        _time(row[7]),  # ends_at
        row[8],  # common_code_key
        row[9] == 1,  # is_managed
        row[10] == 1,  # is_external_modification_allowed
        row[11] == 1,  # use_backup_access_code_pool
        row[12] == 1,  # prefer_native_scheduling
        row[13] == 1,  # is_backup
        row[14],  # pulled_backup_access_code_id
        row[15] == 1,  # is_scheduled_on_device
        row[16],  # appearance_name
        row[17] == 1,  # deleting
        row[21],  # pool_state
        [] if row[18] == "[]" else issues_from_json(row[18]),  # errors
        [] if row[19] == "[]" else issues_from_json(row[19]),  # warnings
        [] if row[20] == "[]" else mutations_from_json(row[20]),  # pending_mutations
    )


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params).fetchall()


def _values(code: AccessCode) -> tuple[object, ...]:
    return (
        code.access_code_id,
        code.device_id,
        code.name,
        code.code,
        iso(code.created_at),
        code.status.value,
        iso(code.starts_at),
        iso(code.ends_at),
        code.common_code_key,
        int(code.is_managed),
        int(code.is_external_modification_allowed),
        int(code.use_backup_access_code_pool),
        int(code.prefer_native_scheduling),
        int(code.is_backup),
        code.pulled_backup_access_code_id,
        int(code.is_scheduled_on_device),
        code.appearance_name,
        int(code.deleting),
        issues_to_json(code.errors),
        issues_to_json(code.warnings),
        issues_to_json(code.pending_mutations),
        code.pool_state,
    )


def insert(conn: sqlite3.Connection, code: AccessCode) -> None:
    conn.execute(f"INSERT INTO access_codes ({COLUMNS}) VALUES ({_PLACEHOLDERS})", _values(code))


_NAMES = tuple(c.strip() for c in COLUMNS.split(","))


def save(conn: sqlite3.Connection, code: AccessCode, *, was: AccessCode | None = None) -> None:
    """Write an existing code: every column, or, given the code as it was read (`was`), only
    the columns that differ from it (nothing at all when none does). `was` must be the code as
    read in this transaction and left as it was: `code` is made from it with
    dataclasses.replace and new lists, never by changing a list the two share.

    SQLite rewrites an index of every column an UPDATE sets, changed or not: a rename that
    set all 21 columns wrote four index pages to the WAL for nothing, each one more to write
    and fsync before the commit answers. The statement counts the row's revision up itself
    (so the access_codes_rev trigger does not run a second UPDATE)."""
    values = _values(code)
    if was is None:
        changed = list(range(1, len(_NAMES)))
    else:
        if was.access_code_id != code.access_code_id:
            raise ValueError("save(was=...) must be the same access code as it was read")
        before = _values(was)
        changed = [i for i in range(1, len(_NAMES)) if values[i] != before[i]]
        if not changed:
            return
    assignments = ", ".join(f"{_NAMES[i]} = ?" for i in changed)
    conn.execute(
        f"UPDATE access_codes SET {assignments}, rev = rev + 1 WHERE access_code_id = ?",
        (*(values[i] for i in changed), values[0]),
    )


def delete(conn: sqlite3.Connection, access_code_id: str) -> None:
    conn.execute("DELETE FROM access_codes WHERE access_code_id = ?", (access_code_id,))


def get(conn: sqlite3.Connection, access_code_id: str) -> AccessCode | None:
    rows = _rows(
        conn, f"SELECT {COLUMNS} FROM access_codes WHERE access_code_id = ?", (access_code_id,)
    )
    return _from_row(rows[0]) if rows else None


def find_by_code(
    conn: sqlite3.Connection, device_id: str, code: str, *, managed: bool
) -> AccessCode | None:
    rows = _rows(
        conn,
        f"SELECT {COLUMNS} FROM access_codes WHERE device_id = ? AND code = ? AND is_managed = ? "
        "AND pool_state IS NOT 'pool' ORDER BY seq LIMIT 1",
        (device_id, code, int(managed)),
    )
    return _from_row(rows[0]) if rows else None


def pin_uses(conn: sqlite3.Connection, device_id: str, pin: str | None = None) -> list[PinUse]:
    """The PINs a lock holds or will hold, with their windows (cheap: no full rows). `pin`:
    only the codes holding that PIN, which is all a duplicate check (rules.conflicting_code)
    looks at."""
    sql = (
        "SELECT access_code_id, code, starts_at, ends_at, is_managed, deleting FROM access_codes "
        "WHERE device_id = ? AND code IS NOT NULL"
    )
    rows = (
        _rows(conn, sql, (device_id,))
        if pin is None
        else _rows(conn, sql + " AND code = ?", (device_id, pin))
    )
    return [PinUse(r[0], r[1], _time(r[2]), _time(r[3]), r[4] == 1, r[5] == 1) for r in rows]


def taken_pins(conn: sqlite3.Connection, device_id: str) -> set[str]:
    """What rules.taken_pins makes of pin_uses (the PINs a new code on this lock must not use:
    every code's, pool codes included, unless it is leaving), read without the windows."""
    rows = _rows(
        conn,
        "SELECT code FROM access_codes WHERE device_id = ? AND code IS NOT NULL AND deleting = 0",
        (device_id,),
    )
    return {r[0] for r in rows}


class CodeRow(NamedTuple):
    """What the reconciler plans with: cheap to load for every code of a lock on every pass."""

    access_code_id: str
    code: str | None
    name: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    is_managed: bool
    deleting: bool
    status: CodeStatus
    warning_codes: frozenset[str]
    blocked: bool
    created_at: datetime
    pool_state: str | None
    on_device: bool = False  # time-bound with its window kept on the lock (see plan.Want)


def plan_rows(
    conn: sqlite3.Connection, device_id: str, now: datetime, only: set[str] | None = None
) -> list[CodeRow]:
    where, params = "device_id = ?", [iso(now), device_id]
    if only is not None:
        where += f" AND access_code_id IN ({', '.join('?' for _ in only)})"
        params.extend(only)
    rows = _rows(
        conn,
        "SELECT access_code_id, code, name, starts_at, ends_at, is_managed, deleting, status, "
        "warnings, blocked_until > ?, created_at, pool_state, "
        "prefer_native_scheduling AND starts_at IS NOT NULL AND coalesce((SELECT "
        "json_extract(d.capabilities, '$.supports_schedules') FROM devices d "
        "WHERE d.device_id = access_codes.device_id), 0) "
        f"FROM access_codes WHERE {where} ORDER BY seq",
        params,
    )
    return [
        CodeRow(
            r[0],
            r[1],
            r[2],
            moment(r[3]),
            moment(r[4]),
            bool(r[5]),
            bool(r[6]),
            _STATUSES[r[7]],
            frozenset() if r[8] == "[]" else frozenset(i.code for i in issues_from_json(r[8])),
            bool(r[9]),
            parse_iso(r[10]),
            r[11],
            bool(r[12]),
        )
        for r in rows
    ]


def for_device(conn: sqlite3.Connection, device_id: str) -> list[AccessCode]:
    """Every code of a lock: managed, unmanaged and backup (for planning and checks)."""
    rows = _rows(
        conn, f"SELECT {COLUMNS} FROM access_codes WHERE device_id = ? ORDER BY seq", (device_id,)
    )
    return [_from_row(row) for row in rows]


def with_common_key(conn: sqlite3.Connection, common_code_key: str) -> list[AccessCode]:
    rows = _rows(
        conn,
        f"SELECT {COLUMNS} FROM access_codes WHERE common_code_key = ? ORDER BY seq",
        (common_code_key,),
    )
    return [_from_row(row) for row in rows]


def _page_where(
    managed: bool,
    device_ids: Sequence[str] | None,
    access_code_ids: Sequence[str] | None,
    search: str | None,
    after_seq: int,
) -> tuple[str, list[object]]:
    """A page's WHERE clause: pool codes are secret, never listed."""
    clauses = ["is_managed = ?", "pool_state IS NOT 'pool'", "seq > ?"]
    params: list[object] = [int(managed), after_seq]
    if device_ids is not None:
        clauses.append(f"device_id IN ({', '.join('?' for _ in device_ids)})")
        params.extend(device_ids)
    if access_code_ids is not None:
        clauses.append(f"access_code_id IN ({', '.join('?' for _ in access_code_ids)})")
        params.extend(access_code_ids)
    if search:
        clauses.append("(name LIKE ? ESCAPE '\\' OR access_code_id = ?)")
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.extend([f"%{escaped}%", search])
    return " AND ".join(clauses), params


def page(
    conn: sqlite3.Connection,
    *,
    managed: bool,
    device_ids: Sequence[str] | None = None,
    access_code_ids: Sequence[str] | None = None,
    search: str | None = None,
    after_seq: int = 0,
    limit: int,
) -> tuple[list[AccessCode], int | None]:
    """One page of codes in creation order; returns the next cursor seq."""
    where, params = _page_where(managed, device_ids, access_code_ids, search, after_seq)
    rows = _rows(
        conn,
        f"SELECT {COLUMNS}, seq FROM access_codes WHERE {where} ORDER BY seq LIMIT ?",
        (*params, limit + 1),
    )
    codes = [_from_row(row) for row in rows[:limit]]
    next_seq = rows[limit - 1][-1] if len(rows) > limit else None
    return codes, next_seq


def page_revisions(
    conn: sqlite3.Connection,
    *,
    device_ids: Sequence[str] | None = None,
    access_code_ids: Sequence[str] | None = None,
    search: str | None = None,
    after_seq: int = 0,
    limit: int,
) -> tuple[list[CodeRevision], int | None]:
    """The same page of managed codes as `page`, each as its row, the row's revision and its
    lock (three narrow columns, no code built)."""
    where, params = _page_where(True, device_ids, access_code_ids, search, after_seq)
    rows: list[CodeRevision] = _rows(
        conn,
        f"SELECT seq, rev, device_id FROM access_codes WHERE {where} ORDER BY seq LIMIT ?",
        (*params, limit + 1),
    )
    next_seq = rows[limit - 1][0] if len(rows) > limit else None
    return rows[:limit], next_seq


def at_seqs(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, tuple[int, AccessCode]]:
    """The codes at these rows, each with its row's revision (a row gone since is missing)."""
    found: dict[int, tuple[int, AccessCode]] = {}
    for start in range(0, len(seqs), 500):  # well under SQLite's limit of bound parameters
        chunk = seqs[start : start + 500]
        rows = _rows(
            conn,
            f"SELECT {COLUMNS}, seq, rev FROM access_codes "
            f"WHERE seq IN ({', '.join('?' for _ in chunk)})",
            chunk,
        )
        found.update((row[-2], (row[-1], _from_row(row))) for row in rows)
    return found


def block(conn: sqlite3.Connection, access_code_id: str, until: datetime | None) -> None:
    """Stop (or, with None, resume) placing a code that failed permanently on its lock."""
    conn.execute(
        "UPDATE access_codes SET blocked_until = ? WHERE access_code_id = ?",
        (iso(until), access_code_id),
    )


def unblock_device(conn: sqlite3.Connection, device_id: str) -> None:
    conn.execute(
        "UPDATE access_codes SET blocked_until = NULL WHERE device_id = ? "
        "AND blocked_until IS NOT NULL",
        (device_id,),
    )


def next_unblock(conn: sqlite3.Connection, device_id: str, now: datetime) -> datetime | None:
    row = conn.execute(
        "SELECT MIN(blocked_until) FROM access_codes WHERE device_id = ? AND blocked_until > ?",
        (device_id, iso(now)),
    ).fetchone()
    return moment(row[0])
