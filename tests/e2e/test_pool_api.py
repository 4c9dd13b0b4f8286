"""The backup code pool through the official SDK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from tests.support.wait import eventually


def _iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def test_pull_a_backup_through_the_sdk_and_get_the_same_one_again(
    seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Back door"]
    guest = seam.access_codes.create(
        device_id=device_id,
        name="Guest with backup",
        starts_at=_iso(timedelta(minutes=-1)),
        ends_at=_iso(timedelta(days=2)),
        use_backup_access_code_pool=True,
    )
    assert seam.devices.get(device_id=device_id).properties.backup_access_code_pool_enabled
    eventually(
        lambda: (
            seam.access_codes.get(
                access_code_id=guest.access_code_id
            ).is_backup_access_code_available
        )
    )
    pulled = seam.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    # the SDK returns the response's access_code: the original, now linked to its backup
    assert pulled.access_code_id == guest.access_code_id
    backup_id = pulled.pulled_backup_access_code_id
    assert backup_id is not None
    raw = seam.client.post(
        "/access_codes/pull_backup_access_code", json={"access_code_id": guest.access_code_id}
    )
    backup = raw["backup_access_code"]
    assert backup["access_code_id"] == backup_id
    assert backup["is_backup"] is True
    assert backup["ends_at"] == seam.access_codes.get(access_code_id=guest.access_code_id).ends_at
    assert backup["code"] != guest.code
    listed = seam.access_codes.list(device_id=device_id)
    assert backup_id in {c.access_code_id for c in listed}
    history = seam.events.list(
        since=_iso(timedelta(minutes=-5)),
        access_code_id=guest.access_code_id,
        event_type="access_code.backup_access_code_pulled",
    )
    assert [e.backup_access_code_id for e in history] == [backup_id]


def test_ongoing_codes_cannot_pull_a_backup(seam: Seam, locks: dict[str, str]) -> None:
    code = seam.access_codes.create(device_id=locks["Back door"], use_backup_access_code_pool=True)
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.pull_backup_access_code(access_code_id=code.access_code_id)
    assert err.value.status_code == 400
    assert "time_bound" in str(err.value)
