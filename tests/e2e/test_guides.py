"""The flows of Seam's guides, end to end through the official SDK against the hub, as an app
written for the cloud would run them (every answer checked against Seam's OpenAPI document).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from seam import Seam
from seam.seam_webhook import SeamWebhook

from tests.support.receiver import Receiver
from tests.support.wait import eventually


def _iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


@pytest.mark.e2e
def test_time_bound_code_reaches_set_on_device_and_the_api_registered_webhook_says_so(
    seam: Seam, locks: dict[str, str], receiver: Receiver
) -> None:
    """Guide: "Creating time-bound access codes", with the app registering its webhook at
    start-up through the API and checking each delivery with the SDK's verifier."""
    webhook = seam.webhooks.create(
        url=receiver.url, event_types=["access_code.set_on_device", "access_code.created"]
    )
    assert webhook.secret
    verifier = SeamWebhook(webhook.secret)
    try:
        code = seam.access_codes.create(
            device_id=locks["Back door"],
            name="Guide guest",
            starts_at=_iso(timedelta(seconds=-30)),
            ends_at=_iso(timedelta(days=3)),
        )

        def set_on_device() -> list[dict[str, object]]:
            events = []
            for delivery in receiver.snapshot():
                verifier.verify(delivery.body, delivery.headers)  # signed with that secret
                body = json.loads(delivery.body)
                if body["access_code_id"] == code.access_code_id:
                    events.append(body)
            return [e for e in events if e["event_type"] == "access_code.set_on_device"]

        delivered = eventually(set_on_device, timeout=30)
        assert delivered[0]["device_id"] == locks["Back door"]
        assert seam.access_codes.get(access_code_id=code.access_code_id).status == "set"
        types = {json.loads(d.body)["event_type"] for d in receiver.snapshot()}
        assert types <= {"access_code.set_on_device", "access_code.created"}  # as subscribed
    finally:
        seam.webhooks.delete(webhook_id=webhook.webhook_id)


@pytest.mark.e2e
def test_unlock_and_lock_wait_for_their_action_attempts(seam: Seam, locks: dict[str, str]) -> None:
    """Guide: "Locking and unlocking", with `wait_for_action_attempt` (the SDK polls
    /action_attempts/get until the attempt succeeds)."""
    device_id = locks["Back door"]
    unlocked = seam.locks.unlock_door(device_id=device_id, wait_for_action_attempt=True)
    assert unlocked.status == "success"
    assert unlocked.action_type == "UNLOCK_DOOR"
    assert seam.locks.get(device_id=device_id).properties.locked is False
    locked = seam.locks.lock_door(device_id=device_id, wait_for_action_attempt=True)
    assert locked.status == "success"
    assert seam.locks.get(device_id=device_id).properties.locked is True


@pytest.mark.e2e
def test_a_guest_whose_code_fails_gets_a_working_backup_from_the_pool(
    seam: Seam, locks: dict[str, str]
) -> None:
    """Guide: "Backup access codes": enable the pool with the first code that asks for it,
    then hand the guest a pre-programmed backup at once."""
    device_id = locks["Back door"]
    guest = seam.access_codes.create(
        device_id=device_id,
        name="Guide guest with backup",
        starts_at=_iso(timedelta(seconds=-30)),
        ends_at=_iso(timedelta(days=2)),
        use_backup_access_code_pool=True,
    )
    eventually(
        lambda: (
            seam.access_codes.get(
                access_code_id=guest.access_code_id
            ).is_backup_access_code_available
        ),
        timeout=30,
    )
    seam.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    original = seam.access_codes.get(access_code_id=guest.access_code_id)
    backup_id = original.pulled_backup_access_code_id
    assert backup_id is not None
    backup = seam.access_codes.get(access_code_id=backup_id)
    assert backup.is_backup and backup.status == "set"  # programmed before it was needed
    assert backup.code and backup.code != original.code
    assert backup.ends_at == original.ends_at
