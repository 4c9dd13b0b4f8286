"""The keys the daemon found live are asked of the store again once anything changed in it:
a revocation committed by another connection (the owner's CLI is another process) or by the
daemon's own (the dashboard) is seen by the very next check, with nothing else committed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gateway.service.live_keys import LiveKeys
from gateway.store import api_keys
from gateway.store.db import Store

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def _key(store: Store, name: str) -> tuple[str, str]:
    with store.transaction() as conn:
        key, plain = api_keys.create(conn, name, NOW)
    return key.key_id, plain


def test_a_key_revoked_by_another_process_is_refused_at_the_next_check(tmp_path: Path) -> None:
    daemon, cli = Store(tmp_path), Store(tmp_path)
    live = LiveKeys(daemon)
    key_id, key = _key(cli, "booking app")
    assert live.is_live(key) and live.is_live(key)
    with cli.transaction() as conn:
        assert api_keys.revoke(conn, key_id, NOW)
    assert not live.is_live(key)


def test_a_key_revoked_by_the_daemon_itself_is_refused_at_the_next_check(tmp_path: Path) -> None:
    daemon = Store(tmp_path)
    live = LiveKeys(daemon)
    key_id, key = _key(daemon, "cleaning crew")
    assert live.is_live(key)
    with daemon.transaction() as conn:
        assert api_keys.revoke(conn, key_id, NOW)
    assert not live.is_live(key)


def test_a_wrong_key_is_never_live_and_a_new_one_is_at_once(tmp_path: Path) -> None:
    daemon, cli = Store(tmp_path), Store(tmp_path)
    live = LiveKeys(daemon)
    _, key = _key(cli, "first")
    assert live.is_live(key)
    assert not live.is_live(key[:-1] + ("0" if key[-1] != "0" else "1"))
    _, later = _key(cli, "second")
    assert live.is_live(later) and live.is_live(key)
