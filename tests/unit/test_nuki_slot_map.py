"""Rebuilding the slot <-> keypad code id map from the lock's list (pure)."""

from __future__ import annotations

from drivers.nuki.slot_map import SlotMap, rebuild

SLOTS = range(1, 6)


def test_codes_gone_from_the_lock_free_their_slots_and_known_codes_keep_theirs() -> None:
    before = SlotMap("s", ids={1: 10, 4: 11})
    after, new = rebuild(before, {11: 583914}, SLOTS)
    assert after.ids == {4: 11}
    assert new == set()


def test_unknown_codes_take_the_lowest_free_slots_in_id_order_and_are_news() -> None:
    after, new = rebuild(SlotMap("s", ids={1: 10}), {10: 1, 30: 2, 20: 3}, SLOTS)
    assert after.ids == {1: 10, 2: 20, 3: 30}
    assert new == {2, 3}


def test_an_add_in_flight_is_matched_by_its_pin_not_by_order() -> None:
    before = SlotMap("s").adding(5, 583914)
    after, new = rebuild(before, {1: 716253, 2: 583914}, SLOTS)
    assert after.ids == {5: 2, 1: 1}
    assert new == {1}
    assert after.pending == {}


def test_an_add_that_never_reached_the_lock_is_forgotten() -> None:
    after, _ = rebuild(SlotMap("s").adding(5, 583914), {}, SLOTS)
    assert after.ids == {} and after.pending == {}


def test_the_map_file_holds_no_pin() -> None:
    text = str(SlotMap("salt").adding(2, 583914).to_json())
    assert "583914" not in text
    assert SlotMap.from_json(SlotMap("salt").adding(2, 583914).to_json()).pending


def test_codes_beyond_the_slot_count_stay_invisible() -> None:
    after, new = rebuild(SlotMap("s"), {i: i for i in range(1, 9)}, SLOTS)
    assert sorted(after.ids) == list(SLOTS)
    assert new == set(SLOTS)
