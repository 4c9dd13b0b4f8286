"""Access grants, their access methods, and the access code carrying each method on each lock."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from gateway.domain.grants import AccessGrant, AccessMethod, MethodCode, RequestedMethod
from gateway.domain.timefmt import parse_iso, to_iso
from gateway.store.rows import iso, issues_from_json, issues_to_json, moment

COLUMNS = (
    "access_grant_id, access_grant_key, reservation_key, user_identity_id, name, starts_at, "
    "ends_at, requested_access_methods, errors, created_at"
)
METHOD_COLUMNS = "access_method_id, access_grant_id, mode, code, issued_at, created_at"
KINDS = ("device", "space", "revoked")


def _requested_to_json(methods: Sequence[RequestedMethod]) -> str:
    return json.dumps(
        [
            {
                "mode": m.mode,
                "code": m.code,
                "created_at": to_iso(m.created_at),
                "created_access_method_ids": m.created_access_method_ids,
            }
            for m in methods
        ]
    )


def _requested_from_json(text: str) -> list[RequestedMethod]:
    return [
        RequestedMethod(
            mode=item["mode"],
            code=item["code"],
            created_at=parse_iso(item["created_at"]),
            created_access_method_ids=list(item["created_access_method_ids"]),
        )
        for item in json.loads(text)
    ]


def _from_row(conn: sqlite3.Connection, row: sqlite3.Row) -> AccessGrant:
    created_at = moment(row["created_at"])
    starts_at = moment(row["starts_at"])
    assert created_at is not None and starts_at is not None
    grant_id = row["access_grant_id"]
    targets = _targets(conn, grant_id)
    return AccessGrant(
        access_grant_id=grant_id,
        user_identity_id=row["user_identity_id"],
        created_at=created_at,
        starts_at=starts_at,
        ends_at=moment(row["ends_at"]),
        name=row["name"],
        access_grant_key=row["access_grant_key"],
        reservation_key=row["reservation_key"],
        device_ids=targets["device"],
        space_ids=targets["space"],
        revoked_device_ids=targets["revoked"],
        requested_access_methods=_requested_from_json(row["requested_access_methods"]),
        access_method_ids=[
            r[0]
            for r in conn.execute(
                "SELECT access_method_id FROM access_methods WHERE access_grant_id = ? "
                "ORDER BY seq",
                (grant_id,),
            )
        ],
        errors=issues_from_json(row["errors"]),
    )


def _targets(conn: sqlite3.Connection, grant_id: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for kind, target in conn.execute(
        "SELECT kind, target_id FROM access_grant_targets WHERE access_grant_id = ? ORDER BY seq",
        (grant_id,),
    ):
        out[kind].append(target)
    return out


def _save_targets(conn: sqlite3.Connection, g: AccessGrant) -> None:
    conn.execute("DELETE FROM access_grant_targets WHERE access_grant_id = ?", (g.access_grant_id,))
    rows = [
        (g.access_grant_id, kind, target)
        for kind, targets in (
            ("device", g.device_ids),
            ("space", g.space_ids),
            ("revoked", g.revoked_device_ids),
        )
        for target in dict.fromkeys(targets)
    ]
    conn.executemany(
        "INSERT INTO access_grant_targets (access_grant_id, kind, target_id, seq) "
        "VALUES (?, ?, ?, ?)",
        [(*r, i) for i, r in enumerate(rows)],
    )


def _values(g: AccessGrant) -> tuple[object, ...]:
    return (
        g.access_grant_id,
        g.access_grant_key,
        g.reservation_key,
        g.user_identity_id,
        g.name,
        iso(g.starts_at),
        iso(g.ends_at),
        _requested_to_json(g.requested_access_methods),
        issues_to_json(g.errors),
        iso(g.created_at),
    )


def insert(conn: sqlite3.Connection, g: AccessGrant) -> None:
    conn.execute(
        f"INSERT INTO access_grants ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _values(g)
    )
    _save_targets(conn, g)


def save(conn: sqlite3.Connection, g: AccessGrant) -> None:
    assignments = ", ".join(f"{c.strip()} = ?" for c in COLUMNS.split(",")[1:])
    values = _values(g)
    conn.execute(
        f"UPDATE access_grants SET {assignments} WHERE access_grant_id = ?",
        (*values[1:], values[0]),
    )
    _save_targets(conn, g)


def delete(conn: sqlite3.Connection, access_grant_id: str) -> None:
    """The grant, its targets and its access methods (with their code links)."""
    conn.execute("DELETE FROM access_grants WHERE access_grant_id = ?", (access_grant_id,))


def get(conn: sqlite3.Connection, access_grant_id: str) -> AccessGrant | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM access_grants WHERE access_grant_id = ?", (access_grant_id,)
    ).fetchone()
    return None if row is None else _from_row(conn, row)


def by_key(conn: sqlite3.Connection, column: str, value: str) -> list[AccessGrant]:
    assert column in ("access_grant_key", "reservation_key", "user_identity_id")
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM access_grants WHERE {column} = ? ORDER BY seq", (value,)
    ).fetchall()
    return [_from_row(conn, r) for r in rows]


def naming(conn: sqlite3.Connection, kind: str, target_id: str) -> list[AccessGrant]:
    """The grants that name a lock (`device`), a space (`space`) or revoked a lock."""
    rows = conn.execute(
        f"SELECT {', '.join('g.' + c.strip() for c in COLUMNS.split(','))} FROM access_grants g "
        "JOIN access_grant_targets t ON t.access_grant_id = g.access_grant_id "
        "WHERE t.kind = ? AND t.target_id = ? ORDER BY g.seq",
        (kind, target_id),
    ).fetchall()
    return [_from_row(conn, r) for r in rows]


def all_with_seq(conn: sqlite3.Connection, after_seq: int) -> list[tuple[int, AccessGrant]]:
    rows = conn.execute(
        f"SELECT {COLUMNS}, seq FROM access_grants WHERE seq > ? ORDER BY seq", (after_seq,)
    ).fetchall()
    return [(r["seq"], _from_row(conn, r)) for r in rows]


# -- access methods ---------------------------------------------------------------------------


def _method(row: sqlite3.Row) -> AccessMethod:
    created_at = moment(row["created_at"])
    assert created_at is not None
    return AccessMethod(
        access_method_id=row["access_method_id"],
        access_grant_id=row["access_grant_id"],
        mode=row["mode"],
        code=row["code"],
        issued_at=moment(row["issued_at"]),
        created_at=created_at,
    )


def insert_method(conn: sqlite3.Connection, m: AccessMethod) -> None:
    conn.execute(
        f"INSERT INTO access_methods ({METHOD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        (
            m.access_method_id,
            m.access_grant_id,
            m.mode,
            m.code,
            iso(m.issued_at),
            iso(m.created_at),
        ),
    )


def delete_method(conn: sqlite3.Connection, access_method_id: str) -> None:
    conn.execute("DELETE FROM access_methods WHERE access_method_id = ?", (access_method_id,))


def method(conn: sqlite3.Connection, access_method_id: str) -> AccessMethod | None:
    row = conn.execute(
        f"SELECT {METHOD_COLUMNS} FROM access_methods WHERE access_method_id = ?",
        (access_method_id,),
    ).fetchone()
    return None if row is None else _method(row)


def methods_of(conn: sqlite3.Connection, access_grant_id: str) -> list[AccessMethod]:
    rows = conn.execute(
        f"SELECT {METHOD_COLUMNS} FROM access_methods WHERE access_grant_id = ? ORDER BY seq",
        (access_grant_id,),
    ).fetchall()
    return [_method(r) for r in rows]


# -- the access codes of a method ------------------------------------------------------------


def link(conn: sqlite3.Connection, mc: MethodCode) -> None:
    conn.execute(
        "INSERT INTO access_method_codes (access_method_id, device_id, access_code_id) "
        "VALUES (?, ?, ?)",
        (mc.access_method_id, mc.device_id, mc.access_code_id),
    )


def unlink(conn: sqlite3.Connection, access_method_id: str, device_id: str) -> None:
    conn.execute(
        "DELETE FROM access_method_codes WHERE access_method_id = ? AND device_id = ?",
        (access_method_id, device_id),
    )


def codes_of(conn: sqlite3.Connection, access_method_id: str) -> list[MethodCode]:
    rows = conn.execute(
        "SELECT access_method_id, device_id, access_code_id FROM access_method_codes "
        "WHERE access_method_id = ? ORDER BY rowid",
        (access_method_id,),
    ).fetchall()
    return [MethodCode(r[0], r[1], r[2]) for r in rows]


def method_of_code(conn: sqlite3.Connection, access_code_id: str) -> str | None:
    row = conn.execute(
        "SELECT access_method_id FROM access_method_codes WHERE access_code_id = ?",
        (access_code_id,),
    ).fetchone()
    return None if row is None else str(row[0])


def code_ids_for(
    conn: sqlite3.Connection,
    *,
    access_grant_id: str | None = None,
    access_grant_key: str | None = None,
    access_method_id: str | None = None,
) -> list[str]:
    """The access codes that carry the named grant's (or method's) PIN on its locks."""
    clauses, params = [], []
    if access_method_id is not None:
        clauses.append("c.access_method_id = ?")
        params.append(access_method_id)
    if access_grant_id is not None:
        clauses.append("m.access_grant_id = ?")
        params.append(access_grant_id)
    if access_grant_key is not None:
        clauses.append("g.access_grant_key = ?")
        params.append(access_grant_key)
    where = " AND ".join(clauses) or "1"
    rows = conn.execute(
        "SELECT c.access_code_id FROM access_method_codes c "
        "JOIN access_methods m ON m.access_method_id = c.access_method_id "
        "JOIN access_grants g ON g.access_grant_id = m.access_grant_id "
        f"WHERE {where} ORDER BY c.rowid",
        params,
    ).fetchall()
    return [str(r[0]) for r in rows]
