"""Lists across a fleet's hubs (gateway.fleet.lists, pure): the front's cursor, pages filled
across hubs in hub_id order, events merged newest first."""

from __future__ import annotations

import pytest

from gateway.fleet.lists import (
    FleetCursor,
    PageAcrossHubs,
    decode_cursor,
    events_window,
    merge_events,
)
from gateway.wire.errors import ApiError

HUBS = ("villa-1", "villa-2", "villa-3")


def test_a_fleet_cursor_round_trips_naming_the_hub_and_its_own_cursor() -> None:
    cursor = FleetCursor("villa-2", "eyJhZnRlciI6IDQyfQ")
    assert decode_cursor(cursor.encode()) == cursor
    assert decode_cursor(FleetCursor("villa-1", None).encode()) == FleetCursor("villa-1", None)


@pytest.mark.parametrize("text", ["", "nope!", "e30", "W10", "x" * 2000, "ünï"])
def test_a_cursor_the_fleet_never_issued_is_refused_naming_page_cursor(text: str) -> None:
    with pytest.raises(ApiError) as caught:
        decode_cursor(text)
    assert caught.value.error_type == "invalid_input"
    assert "page_cursor" in (caught.value.validation_errors or {})


def test_a_page_is_filled_from_the_next_hubs_when_the_first_runs_out() -> None:
    page = PageAcrossHubs(HUBS, limit=5)
    assert page.next_request() == ("villa-1", None, 5)
    page.take([1, 2], None)
    assert page.next_request() == ("villa-2", None, 3)
    page.take([3, 4, 5], "c2")  # villa-2 has more: the page is full
    assert page.next_request() is None
    assert page.items == [1, 2, 3, 4, 5]
    assert page.next_cursor == FleetCursor("villa-2", "c2")


def test_the_next_page_starts_in_the_hub_and_at_the_hub_cursor_it_stopped_at() -> None:
    page = PageAcrossHubs(HUBS, limit=5, start=FleetCursor("villa-2", "c2"))
    assert page.next_request() == ("villa-2", "c2", 5)
    page.take([6], None)
    assert page.next_request() == ("villa-3", None, 4)
    page.take([7], None)
    assert page.next_request() is None
    assert page.items == [6, 7] and page.next_cursor is None


def test_a_page_full_at_a_hubs_last_item_continues_at_the_next_hub() -> None:
    page = PageAcrossHubs(HUBS, limit=2)
    page.take([1, 2], None)
    assert page.next_request() is None
    assert page.next_cursor == FleetCursor("villa-2", None)


def test_without_a_limit_a_page_holds_each_hubs_own_page_until_one_has_more() -> None:
    page = PageAcrossHubs(HUBS, limit=None)
    assert page.next_request() == ("villa-1", None, None)
    page.take([1, 2], None)
    assert page.next_request() == ("villa-2", None, None)
    page.take([3], "c2")
    assert page.next_request() is None and page.next_cursor == FleetCursor("villa-2", "c2")
    assert page.items == [1, 2, 3]


def test_a_cursor_naming_a_hub_now_offline_goes_on_with_the_next_hub() -> None:
    page = PageAcrossHubs(("villa-1", "villa-3"), limit=5, start=FleetCursor("villa-2", "c"))
    assert page.next_request() == ("villa-3", None, 5)


def test_a_silent_hub_is_skipped_and_the_page_goes_on() -> None:
    page = PageAcrossHubs(HUBS, limit=5)
    page.skip_hub()
    assert page.next_request() == ("villa-2", None, 5)


def event(event_id: str, occurred_at: str) -> dict[str, str]:
    return {"event_id": event_id, "occurred_at": occurred_at}


def test_events_of_every_hub_are_merged_newest_first_within_offset_and_limit() -> None:
    villa_1 = [event("a", "2026-12-02T10:00:03.000Z"), event("b", "2026-12-02T10:00:01.000Z")]
    villa_2 = [event("c", "2026-12-02T10:00:04.000Z"), event("d", "2026-12-02T10:00:02.000Z")]
    merged = merge_events([villa_1, villa_2], offset=1, limit=2)
    assert [e["event_id"] for e in merged] == ["a", "d"]


def test_events_window_reads_a_query_strings_text_and_defaults_the_limit() -> None:
    assert events_window({"unstable_offset": "3", "limit": "10"}) == (3, 10)
    assert events_window({}) == (0, 500)
