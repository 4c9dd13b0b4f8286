"""Webhooks through a front: one webhook registered with the official SDK on one front is the
fleet's (the other front lists it), and every hub delivers its own events to it, signed with
the webhook's secret, including a hub that was cut off when the webhook was made."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from seam import Seam, SeamWebhook

from tests.fleet.conftest import HUBS, Fleet, hub_http, online_hubs
from tests.support import secrets_seen
from tests.support.receiver import Receiver
from tests.support.wait import eventually

pytestmark = pytest.mark.e2e


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def _created_codes(receiver: Receiver, secret: str) -> dict[str, str]:
    """access_code_id -> device_id of every signed access_code.created delivery."""
    found = {}
    for hit in receiver.snapshot():
        event = SeamWebhook(secret).verify(hit.body, hit.headers)
        if event.event_type == "access_code.created":
            found[json.loads(hit.body)["access_code_id"]] = json.loads(hit.body)["device_id"]
    return found


def _hub_follows(fleet: Fleet, hub_id: str, url: str) -> bool:
    with hub_http(fleet.hubs[hub_id]) as lan:
        hooks = lan.post("/webhooks/list", json={}).json()["webhooks"]
    return any(h["url"] == url for h in hooks)


def test_a_webhook_made_on_one_front_receives_signed_events_from_every_hub(
    healthy: Fleet, front_a: Seam, front_b: Seam, receiver: Receiver, tag: str
) -> None:
    hook = front_a.webhooks.create(url=receiver.url, event_types=["access_code.created"])
    secret = hook.secret
    assert secret is not None
    secrets_seen.KEYS.add(secret)  # no log may ever hold it
    try:
        assert hook.webhook_id in {h.webhook_id for h in front_b.webhooks.list()}
        for hub_id in HUBS:
            eventually(lambda hub_id=hub_id: _hub_follows(healthy, hub_id, receiver.url))
        made = {}
        for hub_id in HUBS:
            device_id = healthy.devices[hub_id][1]
            code = front_b.access_codes.create(device_id=device_id, name=f"{tag} {hub_id}")
            made[code.access_code_id] = device_id
        eventually(lambda: made.items() <= _created_codes(receiver, secret).items())
    finally:
        front_b.webhooks.delete(webhook_id=hook.webhook_id)
    for hub_id in HUBS:  # deleted on one front: gone from every hub
        eventually(lambda hub_id=hub_id: not _hub_follows(healthy, hub_id, receiver.url))


def test_a_webhook_made_while_a_hub_is_cut_off_reaches_that_hub_once_it_is_back(
    healthy: Fleet, front_a: Seam, receiver: Receiver, tag: str
) -> None:
    healthy.proxies["hub-c"].cut()
    front = healthy.fronts[0]
    eventually(lambda: "hub-c" not in online_hubs(front))
    hook = front_a.webhooks.create(url=receiver.url, event_types=["access_code.created"])
    secret = hook.secret
    assert secret is not None
    secrets_seen.KEYS.add(secret)
    try:
        assert not _hub_follows(healthy, "hub-c", receiver.url)
        healthy.proxies["hub-c"].restore()
        eventually(lambda: _hub_follows(healthy, "hub-c", receiver.url), timeout=30)
        eventually(lambda: "hub-c" in online_hubs(front), timeout=30)
        device_id = healthy.devices["hub-c"][0]
        code = front_a.access_codes.create(device_id=device_id, name=f"{tag} late hook")
        eventually(lambda: code.access_code_id in _created_codes(receiver, secret))
    finally:
        front_a.webhooks.delete(webhook_id=hook.webhook_id)
