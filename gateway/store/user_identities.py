"""User identities (the people access grants are for) and the locks given to them directly."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from gateway.domain.grants import UserIdentity
from gateway.store.rows import iso, moment

COLUMNS = "user_identity_id, user_identity_key, email_address, phone_number, full_name, created_at"


def _from_row(row: sqlite3.Row) -> UserIdentity:
    created_at = moment(row["created_at"])
    assert created_at is not None
    return UserIdentity(
        user_identity_id=row["user_identity_id"],
        created_at=created_at,
        user_identity_key=row["user_identity_key"],
        email_address=row["email_address"],
        phone_number=row["phone_number"],
        full_name=row["full_name"],
    )


def _values(u: UserIdentity) -> tuple[object, ...]:
    return (
        u.user_identity_id,
        u.user_identity_key,
        u.email_address,
        u.phone_number,
        u.full_name,
        iso(u.created_at),
    )


def insert(conn: sqlite3.Connection, u: UserIdentity) -> None:
    conn.execute(f"INSERT INTO user_identities ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", _values(u))


def save(conn: sqlite3.Connection, u: UserIdentity) -> None:
    conn.execute(
        "UPDATE user_identities SET user_identity_key = ?, email_address = ?, phone_number = ?, "
        "full_name = ? WHERE user_identity_id = ?",
        (u.user_identity_key, u.email_address, u.phone_number, u.full_name, u.user_identity_id),
    )


def delete(conn: sqlite3.Connection, user_identity_id: str) -> None:
    conn.execute("DELETE FROM user_identities WHERE user_identity_id = ?", (user_identity_id,))


def get(conn: sqlite3.Connection, user_identity_id: str) -> UserIdentity | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM user_identities WHERE user_identity_id = ?", (user_identity_id,)
    ).fetchone()
    return None if row is None else _from_row(row)


def find(conn: sqlite3.Connection, column: str, value: str) -> UserIdentity | None:
    """The identity whose unique `column` (key, email or phone) is `value`."""
    assert column in ("user_identity_key", "email_address", "phone_number")
    row = conn.execute(
        f"SELECT {COLUMNS} FROM user_identities WHERE {column} = ?", (value,)
    ).fetchone()
    return None if row is None else _from_row(row)


def page(
    conn: sqlite3.Connection,
    *,
    ids: Sequence[str] | None,
    search: str | None,
    created_before: str | None,
    after_seq: int,
    limit: int,
) -> tuple[list[UserIdentity], int | None]:
    clauses: list[str] = ["seq > ?"]
    params_: list[object] = [after_seq]
    if ids is not None:
        clauses.append(f"user_identity_id IN ({', '.join('?' for _ in ids)})")
        params_.extend(ids)
    if created_before is not None:
        clauses.append("created_at < ?")
        params_.append(created_before)
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        clauses.append(
            "(full_name LIKE ? ESCAPE '\\' OR email_address LIKE ? ESCAPE '\\' "
            "OR phone_number LIKE ? ESCAPE '\\' OR user_identity_id = ?)"
        )
        params_.extend([like, like, like, search])
    rows = conn.execute(
        f"SELECT {COLUMNS}, seq FROM user_identities WHERE {' AND '.join(clauses)} "
        "ORDER BY seq LIMIT ?",
        (*params_, limit + 1),
    ).fetchall()
    found = [_from_row(r) for r in rows[:limit]]
    return found, (rows[limit - 1]["seq"] if len(rows) > limit else None)


def add_device(conn: sqlite3.Connection, user_identity_id: str, device_id: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO user_identity_devices (user_identity_id, device_id) VALUES (?, ?)",
        (user_identity_id, device_id),
    )


def remove_device(conn: sqlite3.Connection, user_identity_id: str, device_id: str) -> None:
    conn.execute(
        "DELETE FROM user_identity_devices WHERE user_identity_id = ? AND device_id = ?",
        (user_identity_id, device_id),
    )


def device_ids(conn: sqlite3.Connection, user_identity_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT device_id FROM user_identity_devices WHERE user_identity_id = ? ORDER BY rowid",
        (user_identity_id,),
    ).fetchall()
    return [r[0] for r in rows]
