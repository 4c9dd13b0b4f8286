"""The suite's own leak detector: it must see a PIN or key in a log line, and not mistake ids
or timestamps for one (else the session check could neither fail nor be trusted)."""

from __future__ import annotations

import pytest

from tests.support.secrets_seen import leaks

PIN, KEY = "4711", "seam_lgw_0a1b2c3d4e5f_9f8e7d6c5b4a39281706f5e4d3c2b1a0"

LINES = [
    ("a PIN in a message", "INFO lockgw: wrote 4711 to slot 3", True),
    ("a PIN in a third-party payload", "DEBUG zwave_js_server: {'userCode': '4711'}", True),
    ("the key", f"ERROR aiohttp.server: Authorization: Bearer {KEY}", True),
    ("the key's secret alone", "ERROR x: 9f8e7d6c5b4a39281706f5e4d3c2b1a0", True),
    ("a masked key", "ERROR aiohttp.server: Authorization: Bearer seam_lgw_***", False),
    ("inside a UUID", "INFO lockgw: lock 1a2b4711-0c0d-4e4f-8a8b-0c0d0e0f1a2b registered", False),
    ("inside a timestamp", "2026-12-02 14:47:11,471 INFO lockgw: API on :8484", False),
    ("a listening port", "INFO lockgw: API listening on http://127.0.0.1:4711", False),
    ("a port on any host", "INFO lockgw: API on http://[::1]:4711/ and localhost:4711", False),
    ("a PIN glued to a colon", "DEBUG x: pin:4711", True),
    ("a PIN after a colon in prose", "INFO lockgw: code for slot 3: 4711 written", True),
    ("a longer number", "INFO lockgw: 47113 events pruned", False),
    ("a signed number of seconds", "WARNING x: wall clock jumped ahead (+4711 s)", False),
    ("a PIN before seconds, unsigned", "INFO x: 4711 s", True),
]  # fmt: skip


@pytest.mark.parametrize(("line", "leak"), [r[1:] for r in LINES], ids=[r[0] for r in LINES])
def test_the_leak_detector_sees_secrets_and_only_secrets(line: str, leak: bool) -> None:
    keys = {KEY, KEY.rsplit("_", 1)[-1]}
    assert bool(leaks({PIN}, keys, [[line]])) is leak
