"""Finding the user identities, spaces, grants and access methods a request names, or answering
404 the way the cloud does."""

from __future__ import annotations

import sqlite3

from gateway.domain.grants import AccessGrant, AccessMethod, Space, UserIdentity
from gateway.store import grants as store
from gateway.store import spaces, user_identities
from gateway.wire.errors import NotFound, invalid


def lookup_user(conn: sqlite3.Connection, user_identity_id: str) -> UserIdentity:
    user = user_identities.get(conn, user_identity_id)
    if user is None:
        raise NotFound(
            "user_identity", f"No user identity with user_identity_id {user_identity_id}"
        )
    return user


def user_by_id_or_key(
    conn: sqlite3.Connection, user_identity_id: str | None, user_identity_key: str | None
) -> UserIdentity:
    if user_identity_id is not None:
        return lookup_user(conn, user_identity_id)
    if user_identity_key is None:
        raise invalid("user_identity_id", "Required (or give user_identity_key)")
    user = user_identities.find(conn, "user_identity_key", user_identity_key)
    if user is None:
        raise NotFound("user_identity", "No user identity with that user_identity_key")
    return user


def space_ref(conn: sqlite3.Connection, space_id: str, *, field: str = "space_ids") -> Space:
    found = spaces.get(conn, space_id)
    if found is None:
        raise NotFound("space", f"No space with space_id {space_id} ({field})")
    return found


def space_by_key(conn: sqlite3.Connection, space_key: str) -> Space:
    found = spaces.by_key(conn, space_key)
    if found is None:
        raise NotFound("space", "No space with that space_key")
    return found


def space_by_id_or_key(
    conn: sqlite3.Connection, space_id: str | None, space_key: str | None
) -> Space:
    if space_id is not None:
        return space_ref(conn, space_id, field="space_id")
    if space_key is None:
        raise invalid("space_id", "Required (or give space_key)")
    return space_by_key(conn, space_key)


def grant_by_id_or_key(
    conn: sqlite3.Connection, access_grant_id: str | None, access_grant_key: str | None
) -> AccessGrant:
    if access_grant_id is not None:
        grant = store.get(conn, access_grant_id)
        if grant is None:
            raise NotFound(
                "access_grant", f"No access grant with access_grant_id {access_grant_id}"
            )
        return grant
    if access_grant_key is None:
        raise invalid("access_grant_id", "Required (or give access_grant_key)")
    found = store.by_key(conn, "access_grant_key", access_grant_key)
    if not found:
        raise NotFound("access_grant", "No access grant with that access_grant_key")
    return found[0]


def method(conn: sqlite3.Connection, access_method_id: str) -> AccessMethod:
    found = store.method(conn, access_method_id)
    if found is None:
        raise NotFound(
            "access_method", f"No access method with access_method_id {access_method_id}"
        )
    return found
