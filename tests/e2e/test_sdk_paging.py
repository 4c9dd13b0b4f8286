"""Seam's SDK walks every page of the hub's lists: devices and access codes with its paginator
(`create_paginator`, page cursors), events with the cloud's `unstable_offset`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from seam import Seam

from tests.support.wait import eventually


def test_the_sdks_paginator_walks_every_device_and_every_code(
    seam: Seam, locks: dict[str, str]
) -> None:
    devices = [d.device_id for d in seam.devices.list()]
    walked = seam.create_paginator(seam.devices.list, {"limit": 1}).flatten_to_list()
    assert [d.device_id for d in walked] == devices and len(devices) >= 3

    device_id = locks["Back door"]
    for n in range(5):
        seam.access_codes.create(device_id=device_id, name=f"Paged {n}")
    codes = [c.access_code_id for c in seam.access_codes.list(device_id=device_id)]
    paginator = seam.create_paginator(seam.access_codes.list, {"device_id": device_id, "limit": 2})
    walked_codes = [c.access_code_id for c in paginator.flatten_to_list()]
    assert walked_codes == codes and len(codes) >= 5


def test_events_are_walked_page_by_page_with_unstable_offset(
    seam: Seam, locks: dict[str, str]
) -> None:
    since = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    device_id = locks["Garage"]
    made = [seam.access_codes.create(device_id=device_id, name=f"Evented {n}") for n in range(4)]
    # The offset counts from the newest event: walk once the lock is quiet (codes set).
    eventually(
        lambda: all(
            seam.access_codes.get(access_code_id=c.access_code_id).status == "set" for c in made
        ),
        timeout=30,
    )
    everything = [
        e.event_id for e in seam.events.list(since=since, device_id=device_id, limit=1000)
    ]
    assert len(everything) >= 4
    walked: list[str] = []
    while True:
        page = seam.events.list(
            since=since, device_id=device_id, limit=3, unstable_offset=len(walked)
        )
        if not page:
            break
        walked += [e.event_id for e in page]
    assert walked == everything
