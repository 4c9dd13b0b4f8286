"""The owner's password and dashboard sessions.

The password is kept as a memory-hard scrypt hash with its parameters beside it
(`scrypt$ln=15,r=8,p=1$<salt>$<hash>`), so they can be raised later without locking anyone
out. A session is a random token in an HttpOnly cookie (only its SHA-256 is stored) with its
own CSRF token; it expires after IDLE without use, and never outlives MAX_AGE.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from gateway.clock import Clock
from gateway.store import owner as owner_store
from gateway.store.db import Store

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
IDLE = timedelta(hours=12)
MAX_AGE = timedelta(days=7)
# Sliding the expiry costs a write: done at most once per this much use.
EXTEND_EVERY = timedelta(minutes=1)

# scrypt with N = 2**15, r = 8: 32 MiB of memory per guess.
SCRYPT_LOG_N = 15
SCRYPT_R = 8
SCRYPT_P = 1
_ENCODED = re.compile(r"^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$")


class PasswordRefused(ValueError):
    """A new password that is too short or too long (the message says which)."""


def _scrypt(password: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    n = 1 << log_n
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r * p, dklen=32
    )


def hash_password(password: str, *, log_n: int = SCRYPT_LOG_N) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, log_n, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return (
        f"scrypt$ln={log_n},r={SCRYPT_R},p={SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"
    )


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` is the one `encoded` was made from (compared in constant time)."""
    found = _ENCODED.match(encoded)
    if found is None:
        return False
    log_n, r, p = (int(found.group(i)) for i in (1, 2, 3))
    if not (10 <= log_n <= 20 and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    salt, expected = base64.b64decode(found.group(4)), base64.b64decode(found.group(5))
    return hmac.compare_digest(_scrypt(password, salt, log_n, r, p), expected)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRefused(f"too short: use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRefused(f"too long: use at most {MAX_PASSWORD_LENGTH} characters")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _dummy() -> str:
    """Checked when no password is set, so that a login takes as long either way."""
    return hash_password("no owner password is set")


@dataclass(frozen=True)
class OwnerSession:
    token: str
    csrf_token: str
    expires_at: datetime


class OwnerAccess:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def password_is_set(self) -> bool:
        return owner_store.password_hash(self.store.conn) is not None

    def set_password(self, password: str) -> None:
        """A new owner password; every open dashboard session ends with the old one."""
        check_new_password(password)
        encoded = hash_password(password)
        with self.store.transaction() as conn:
            owner_store.set_password_hash(conn, encoded, self.clock.now())
            owner_store.end_all_sessions(conn)

    def log_in(self, password: str) -> OwnerSession | None:
        """A new session when `password` is the owner's; None otherwise (or when none is set)."""
        encoded = owner_store.password_hash(self.store.conn)
        right = verify_password(password, encoded or _dummy()) and encoded is not None
        if not right:
            return None
        now = self.clock.now()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = now + IDLE
        with self.store.transaction() as conn:
            owner_store.end_expired_sessions(conn, now)
            owner_store.add_session(conn, _token_hash(token), csrf, now, expires)
        return OwnerSession(token, csrf, expires)

    def session(self, token: str) -> OwnerSession | None:
        """The live session of this cookie token (its expiry slid forward), or None."""
        if not token:
            return None
        key = _token_hash(token)
        found = owner_store.session(self.store.conn, key)
        if found is None:
            return None
        now = self.clock.now()
        if found.expires_at <= now or now - found.created_at >= MAX_AGE:
            with self.store.transaction() as conn:
                owner_store.end_session(conn, key)
            return None
        expires = min(now + IDLE, found.created_at + MAX_AGE)
        if expires - found.expires_at >= EXTEND_EVERY:
            with self.store.transaction() as conn:
                owner_store.extend_session(conn, key, expires)
        else:
            expires = found.expires_at
        return OwnerSession(token, found.csrf_token, expires)

    def log_out(self, token: str) -> None:
        with self.store.transaction() as conn:
            owner_store.end_session(conn, _token_hash(token))


def csrf_matches(session: OwnerSession, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(session.csrf_token, presented)
