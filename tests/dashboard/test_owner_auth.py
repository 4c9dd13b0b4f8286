"""The owner's password hash and the login rate limiter, as plain functions and objects."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.clock import ManualClock
from gateway.service.dashboard_limiter import PER_ADDRESS, WINDOW, LoginLimiter
from gateway.service.owner import (
    IDLE,
    MAX_AGE,
    OwnerAccess,
    PasswordRefused,
    csrf_matches,
    hash_password,
    verify_password,
)
from gateway.store.db import Store

FAST = 10  # scrypt's smallest accepted cost, to keep these tests quick


def test_the_right_password_verifies_and_a_wrong_one_does_not() -> None:
    encoded = hash_password("open sesame", log_n=FAST)
    assert verify_password("open sesame", encoded)
    assert not verify_password("open sesame!", encoded)
    assert not verify_password("", encoded)


def test_the_hash_states_its_parameters_and_is_salted() -> None:
    first, second = hash_password("same", log_n=FAST), hash_password("same", log_n=FAST)
    assert first.startswith(f"scrypt$ln={FAST},r=8,p=1$")
    assert first != second  # a fresh salt each time
    assert "same" not in first
    assert verify_password("same", first) and verify_password("same", second)


def test_the_default_cost_is_memory_hard() -> None:
    encoded = hash_password("x" * 8)
    log_n = int(encoded.split("$")[1].split(",")[0].removeprefix("ln="))
    assert 128 * 8 * (1 << log_n) >= 16 * 1024 * 1024  # at least 16 MiB per guess


@pytest.mark.parametrize(
    "tampered",
    [
        "",
        "sha256$abc",
        "scrypt$ln=1,r=8,p=1$c2FsdA==$aGFzaA==",  # a cost too low to be ours
        "scrypt$ln=40,r=8,p=1$c2FsdA==$aGFzaA==",  # a cost that would exhaust the hub
    ],
)
def test_a_malformed_or_unreasonable_hash_verifies_nothing(tampered: str) -> None:
    assert not verify_password("anything", tampered)


def test_a_changed_digest_no_longer_verifies() -> None:
    encoded = hash_password("pw", log_n=FAST)
    head, digest = encoded.rsplit("$", 1)
    flipped = bytearray(base64.b64decode(digest))
    flipped[0] ^= 1
    assert not verify_password("pw", f"{head}${base64.b64encode(bytes(flipped)).decode()}")


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limiter_refuses_an_address_after_its_failures_until_the_window_passes() -> None:
    time = FakeTime()
    limiter = LoginLimiter(per_address=3, everyone=100, window=60, monotonic=time)
    for _ in range(3):
        assert limiter.retry_after("10.0.0.2") is None
        limiter.failed("10.0.0.2")
    wait = limiter.retry_after("10.0.0.2")
    assert wait is not None and 0 < wait <= 60
    assert limiter.retry_after("10.0.0.3") is None  # another address is not held back
    time.now += 61
    assert limiter.retry_after("10.0.0.2") is None


def test_a_success_clears_the_address_failures() -> None:
    time = FakeTime()
    limiter = LoginLimiter(per_address=2, everyone=100, window=60, monotonic=time)
    limiter.failed("a")
    limiter.succeeded("a")
    limiter.failed("a")
    assert limiter.retry_after("a") is None


def test_the_limiter_caps_every_address_together() -> None:
    time = FakeTime()
    limiter = LoginLimiter(per_address=5, everyone=4, window=60, monotonic=time)
    for address in ("a", "b", "c", "d"):
        limiter.failed(address)
    assert limiter.retry_after("e") is not None  # a guesser rotating addresses is held too
    time.now += 61
    assert limiter.retry_after("e") is None


def test_a_session_lives_while_used_and_ends_when_idle_or_too_old(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 5, 1, 12, tzinfo=UTC))
    store = Store(tmp_path)
    try:
        owner = OwnerAccess(store, clock)
        assert owner.log_in("anything at all") is None  # no password set: nobody gets in
        with pytest.raises(PasswordRefused):
            owner.set_password("short")
        owner.set_password("a long enough one")
        assert owner.log_in("wrong password") is None
        session = owner.log_in("a long enough one")
        assert session is not None
        assert csrf_matches(session, session.csrf_token)
        assert not csrf_matches(session, None) and not csrf_matches(session, "forged")
        # Used every few hours it stays open, but never past MAX_AGE.
        start = clock.now()
        while clock.now() + IDLE / 2 < start + MAX_AGE:
            clock.set(clock.now() + IDLE / 2)
            assert owner.session(session.token) is not None
        clock.set(start + MAX_AGE)
        assert owner.session(session.token) is None
        # Left alone past IDLE, a fresh one ends; a new password ends every one.
        idle = owner.log_in("a long enough one")
        assert idle is not None
        clock.set(clock.now() + IDLE + timedelta(seconds=1))
        assert owner.session(idle.token) is None
        kept = owner.log_in("a long enough one")
        assert kept is not None
        owner.set_password("another long one")
        assert owner.session(kept.token) is None
    finally:
        store.close()


def test_wrong_passwords_still_count_after_a_restart(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 5, 1, 12, tzinfo=UTC))
    store = Store(tmp_path)
    try:
        limiter = LoginLimiter.stored(store, clock)
        for _ in range(PER_ADDRESS):
            assert limiter.retry_after("10.0.0.9") is None
            limiter.failed("10.0.0.9")
        assert limiter.retry_after("10.0.0.9") is not None
    finally:
        store.close()
    # The daemon restarts: a new store connection, a new limiter, the same data dir.
    store = Store(tmp_path)
    try:
        limiter = LoginLimiter.stored(store, clock)
        wait = limiter.retry_after("10.0.0.9")
        assert wait is not None and 0 < wait <= WINDOW
        assert limiter.retry_after("10.0.0.10") is None
        clock.set(clock.now() + timedelta(seconds=WINDOW + 1))
        assert limiter.retry_after("10.0.0.9") is None
        # A success forgets the address's failures, in the store too.
        limiter.failed("10.0.0.9")
        limiter.succeeded("10.0.0.9")
        assert LoginLimiter.stored(store, clock).failures.recent("10.0.0.9", 0.0) == []
    finally:
        store.close()
