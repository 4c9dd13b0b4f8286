"""The fleet's hubs as a front sees them, from retained statuses and announcements
(gateway.fleet.directory and topics, pure)."""

from __future__ import annotations

import json

from gateway.fleet.directory import Directory
from gateway.fleet.topics import FleetTopics


def announcement(hub_id: str, *device_ids: str, protocol: int = 1) -> bytes:
    return json.dumps(
        {
            "protocol": protocol,
            "hub_id": hub_id,
            "workspace_id": "w",
            "version": "0.9.0",
            "device_ids": list(device_ids),
            "lock_count": len(device_ids),
            "announced_at": "2026-12-02T20:00:00.000Z",
        }
    ).encode()


def test_a_hub_is_online_while_its_status_says_so() -> None:
    directory = Directory()
    assert directory.on_status("villa-1", b"online") is True
    assert directory.online() == ["villa-1"]
    assert directory.on_status("villa-1", b"online") is False  # no change
    assert directory.on_status("villa-1", b"offline") is True
    assert directory.online() == [] and directory.offline() == ["villa-1"]


def test_an_announcement_says_which_devices_a_hub_holds() -> None:
    directory = Directory()
    directory.on_announcement("villa-1", announcement("villa-1", "d1", "d2"))
    directory.on_status("villa-1", b"online")
    assert directory.hub_of_device("d2") == "villa-1"
    assert directory.hubs["villa-1"].summary() == {
        "hub_id": "villa-1",
        "online": True,
        "version": "0.9.0",
        "lock_count": 2,
        "announced_at": "2026-12-02T20:00:00.000Z",
    }
    directory.on_announcement("villa-1", announcement("villa-1", "d1"))
    assert directory.hub_of_device("d2") is None  # the hub no longer has it


def test_a_hub_whose_announcement_is_cleared_leaves_the_fleet() -> None:
    directory = Directory()
    directory.on_announcement("villa-1", announcement("villa-1", "d1"))
    directory.on_announcement("villa-1", b"")
    assert directory.hub_of_device("d1") is None and directory.sorted() == []


def test_an_announcement_of_another_protocol_or_not_json_is_ignored() -> None:
    directory = Directory()
    directory.on_announcement("villa-1", announcement("villa-1", "d1", protocol=2))
    directory.on_announcement("villa-1", b"{not json")
    assert directory.hub_of_device("d1") is None


def test_hubs_are_listed_in_hub_id_order() -> None:
    directory = Directory()
    for hub_id in ("villa-3", "villa-1", "villa-2"):
        directory.on_status(hub_id, b"online")
    assert directory.online() == ["villa-1", "villa-2", "villa-3"]


def test_a_topic_names_its_hub_only_under_the_fleet_root() -> None:
    topics = FleetTopics("fleet/x")
    assert topics.hub_topic("fleet/x/hubs/villa-1/status") == ("villa-1", "status")
    assert topics.hub_topic("fleet/x/hubs/villa-1/api/response/f/i") == (
        "villa-1",
        "api/response/f/i",
    )
    assert topics.hub_topic("fleet/x/hubs/Villa!/status") is None
    assert topics.hub_topic("lockgw/hubs/villa-1/status") is None
    assert topics.api_response("villa-1", "front", "abc") == (
        "fleet/x/hubs/villa-1/api/response/front/abc"
    )
