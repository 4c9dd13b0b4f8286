"""Webhooks a LAN app can rely on: signed the Svix way, at least once, in order, durable."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from seam import SeamWebhook
from svix.webhooks import Webhook

from gateway.webhooks.signing import new_secret
from tests.support.api import client_for, code_status
from tests.support.daemon import Daemon
from tests.support.receiver import Receiver
from tests.support.wait import eventually

LOCK = '[[virtual_locks]]\nname = "Front door"\nprofile = "zwave-30"\nref = "hooks-front"\n'


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def _daemon(tmp_path: Path, receiver: Receiver, secret: str) -> Daemon:
    config = tmp_path / "lockgw.toml"
    config.write_text(
        f'{LOCK}\n[[webhooks]]\nurl = "{receiver.url}"\nsecret = "{secret}"\n\n'
        "[webhook_delivery]\nfirst_retry_seconds = 0.1\n"
    )
    daemon = Daemon(tmp_path, config=config, sim=False)
    daemon.start()
    return daemon


def _all_events(client: httpx.Client) -> list[str]:
    """Event ids, oldest first, as /events/list has them."""
    body = client.get("/events/list", params={"since": "2000-01-01T00:00:00Z"}).json()
    return [e["event_id"] for e in reversed(body["events"])]


def _create_codes(client: httpx.Client, count: int) -> None:
    device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
    for n in range(count):
        client.post("/access_codes/create", json={"device_id": device_id, "name": f"G{n}"})


def _ids(received: list) -> list[str]:  # type: ignore[type-arg]
    return [json.loads(r.body)["event_id"] for r in received]


def test_deliveries_verify_with_svix_and_the_seam_sdk(tmp_path: Path, receiver: Receiver) -> None:
    secret = new_secret()
    daemon = _daemon(tmp_path, receiver, secret)
    client = client_for(daemon)
    _create_codes(client, 1)
    eventually(lambda: len(receiver.snapshot()) >= 3)
    for hit in receiver.snapshot():
        payload = Webhook(secret).verify(hit.body, hit.headers)
        event = SeamWebhook(secret).verify(hit.body, hit.headers)
        assert event.event_id == payload["event_id"]
        assert payload["workspace_id"] and payload["created_at"]
    types = [json.loads(r.body)["event_type"] for r in receiver.snapshot()]
    codes = [t for t in types if t.startswith("access_code.")]
    assert codes[:2] == ["access_code.created", "access_code.set_on_device"]
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(new_secret()).verify(receiver.snapshot()[0].body, receiver.snapshot()[0].headers)
    assert daemon.stop() == 0


def test_a_receiver_down_for_a_while_gets_every_event_once_in_order(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.up = False
    daemon = _daemon(tmp_path, receiver, new_secret())
    client = client_for(daemon)
    _create_codes(client, 5)
    eventually(lambda: receiver.refused >= 3)
    receiver.up = True
    expected = _all_events(client)
    eventually(lambda: _ids(receiver.snapshot()) == expected, timeout=30)
    assert len(set(_ids(receiver.snapshot()))) == len(expected)
    assert daemon.stop() == 0


def test_deliveries_pending_at_a_kill_9_are_delivered_after_restart(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.up = False
    daemon = _daemon(tmp_path, receiver, new_secret())
    client = client_for(daemon)
    _create_codes(client, 3)
    eventually(lambda: receiver.refused >= 1)
    daemon.kill()
    status = subprocess.run(
        [sys.executable, "-m", "gateway", "webhooks", "status", "--data-dir", str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pending = int(status.splitlines()[1].split("\t")[2])
    assert pending > 0
    receiver.up = True
    daemon.start()
    client = client_for(daemon)
    eventually(lambda: set(_all_events(client)) <= set(_ids(receiver.snapshot())), timeout=30)
    assert len(_ids(receiver.snapshot())) == len(set(_ids(receiver.snapshot())))
    assert daemon.stop() == 0


def test_only_http_urls_are_accepted(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gateway",
            "webhooks",
            "add",
            "ftp://example.invalid/hook",
            "--data-dir",
            str(tmp_path),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "http" in result.stderr


def test_a_hanging_receiver_never_holds_up_the_locks_or_the_api(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.delay = 60
    daemon = _daemon(tmp_path, receiver, new_secret())
    client = client_for(daemon)
    device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
    start = time.monotonic()
    created = client.post("/access_codes/create", json={"device_id": device_id, "code": "5931"})
    code_id = created.json()["access_code"]["access_code_id"]
    eventually(
        lambda: code_status(client, code_id) == "set",
        timeout=5,
    )
    assert time.monotonic() - start < 5
    daemon.kill()


def test_a_redirect_is_a_failed_attempt_and_the_signed_body_never_follows_it(
    tmp_path: Path,
) -> None:
    elsewhere = Receiver()
    redirecting = Receiver(redirect_to=elsewhere.url)
    try:
        daemon = _daemon(tmp_path, redirecting, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        try:
            _create_codes(client_for(daemon), 1)
            eventually(lambda: redirecting.refused >= 2, timeout=30)  # tried, and tried again
        finally:
            daemon.kill()
        status = subprocess.run(
            [sys.executable, "-m", "gateway", "webhooks", "status", "--data-dir", str(tmp_path)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        row = status.splitlines()[1].split("\t")
        assert row[1] == redirecting.url and row[4] == "0", row  # nothing counted delivered
        assert "redirect (not followed)" in row[5]
        assert elsewhere.snapshot() == []  # nothing reached the redirect's target
    finally:
        redirecting.stop()
        elsewhere.stop()
