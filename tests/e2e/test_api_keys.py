"""An API key works from the request after it is made and stops from the request after it is
revoked, whoever does it: the owner's CLI in another process while the daemon runs (the daemon
keeps the keys it found live only until anything in the store changes)."""

from __future__ import annotations

import subprocess
import sys

import httpx

from tests.support import secrets_seen
from tests.support.daemon import Daemon, create_key


def _devices(daemon: Daemon, key: str) -> httpx.Response:
    return httpx.post(
        f"{daemon.url}/devices/list", json={}, headers={"Authorization": f"Bearer {key}"}
    )


def _revoke(daemon: Daemon, key: str) -> None:
    key_id = key.removeprefix("seam_lgw_").split("_", 1)[0]
    subprocess.run(
        [sys.executable, "-m", "gateway", "keys", "revoke", key_id, "--data-dir", daemon.data_dir],
        check=True,
        capture_output=True,
    )


def test_a_key_revoked_by_the_cli_is_refused_from_the_next_request(daemon: Daemon) -> None:
    key = create_key(daemon.data_dir, "booking app")
    secrets_seen.KEYS.update({key, key.rsplit("_", 1)[-1]})
    for _ in range(3):  # used again and again: the daemon knows it is live
        assert _devices(daemon, key).status_code == 200
    _revoke(daemon, key)
    refused = _devices(daemon, key)
    assert refused.status_code == 401
    assert refused.json()["error"]["type"] == "unauthorized"
    assert _devices(daemon, daemon.key).status_code == 200  # the other keys still work


def test_a_key_made_by_the_cli_works_at_once_and_a_wrong_one_never(daemon: Daemon) -> None:
    key = create_key(daemon.data_dir, "cleaning crew")
    secrets_seen.KEYS.update({key, key.rsplit("_", 1)[-1]})
    assert _devices(daemon, key).status_code == 200
    forged = key[:-4] + ("0000" if not key.endswith("0000") else "1111")
    for _ in range(2):
        assert _devices(daemon, forged).status_code == 401
    assert _devices(daemon, key).status_code == 200
