"""Codes the gateway picks: valid for the lock, never weak, never taken."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import CodeRules
from drivers.codes import CONSTRAINT_CHECKS, code_violations
from gateway.domain.codegen import (
    QUICK_ATTEMPTS,
    NoCodeAvailable,
    choose_length,
    generate_code,
    is_weak,
    length_order,
)

FOUR_TO_EIGHT = CodeRules(lengths=(4, 5, 6, 7, 8))


def every_acceptable(rules: CodeRules, length: int) -> set[str]:
    """By brute force: each code of `length` the lock accepts and that is not weak."""
    candidates = map("".join, itertools.product(rules.alphabet, repeat=length))
    return {c for c in candidates if not is_weak(c) and not code_violations(c, rules)}


def all_but(rules: CodeRules, length: int, left: int) -> set[str]:
    """Every acceptable code of `length` taken except `left` of them."""
    codes = sorted(every_acceptable(rules, length))
    return set(codes[left:])


@pytest.mark.parametrize(
    "pin", ["1234", "0000", "9999", "4321", "1212", "2580", "123456", "654321", "135135", "4545"]
)
def test_weak_pins_are_recognised(pin: str) -> None:
    assert is_weak(pin)


@pytest.mark.parametrize("pin", ["4817", "930264", "71825", "48031597"])
def test_ordinary_pins_are_not_weak(pin: str) -> None:
    assert not is_weak(pin)


def test_preferred_length_is_used_only_when_the_lock_takes_it() -> None:
    rules = CodeRules(lengths=(4, 5, 6))
    assert choose_length(rules, 6) == 6
    assert choose_length(rules, 9) == 4
    assert choose_length(rules, None) == 4


def test_generation_gives_up_with_a_clear_error_when_every_code_is_taken() -> None:
    rules = CodeRules(lengths=(4,), alphabet="12")
    every = {f"{a}{b}{c}{d}" for a in "12" for b in "12" for c in "12" for d in "12"}
    with pytest.raises(NoCodeAvailable):
        generate_code(rules, every, rng=random.Random(1))


rule_sets = st.builds(
    CodeRules,
    lengths=st.lists(st.integers(4, 8), min_size=1, max_size=3, unique=True).map(tuple),
    alphabet=st.sampled_from(["0123456789", "123456789", "12345678"]),
    constraints=st.lists(st.sampled_from(sorted(CONSTRAINT_CHECKS)), unique=True, max_size=4)
    .filter(lambda c: not {"cannot_contain_089", "cannot_contain_0789"} <= set(c))
    .map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(
    rules=rule_sets,
    seed=st.integers(0, 2**32),
    taken=st.sets(st.text("0123456789", min_size=4, max_size=8), max_size=50),
)
def test_generated_codes_obey_every_rule_and_avoid_taken_ones(
    rules: CodeRules, seed: int, taken: set[str]
) -> None:
    rng = random.Random(seed)
    try:
        pin = generate_code(rules, taken, rng=rng)
    except NoCodeAvailable:
        return  # a rule set so tight nothing fits is reported, not violated
    assert code_violations(pin, rules) == []
    assert pin not in taken
    assert not is_weak(pin)


def test_many_generated_codes_for_one_lock_never_collide() -> None:
    rules = CodeRules(lengths=(6,), alphabet="123456789", constraints=("cannot_start_with_12",))
    taken: set[str] = set()
    for _ in range(500):
        pin = generate_code(rules, taken)
        assert pin not in taken
        taken.add(pin)


# -- moving to longer lengths as the shorter ones fill up -------------------------------------

ONE_TWO_THREE = CodeRules(lengths=(4, 5, 6), alphabet="123")


@pytest.mark.parametrize(
    ("rules", "full", "preferred", "expected_length"),
    [
        pytest.param(FOUR_TO_EIGHT, (4,), None, 5, id="4-digit-space-used-up-steps-to-5"),
        pytest.param(FOUR_TO_EIGHT, (4, 5), None, 6, id="4-and-5-used-up-steps-to-6"),
        pytest.param(CodeRules(lengths=(4, 6)), (4,), None, 6, id="skips-a-length-not-accepted"),
        pytest.param(ONE_TWO_THREE, (4,), None, 5, id="small-alphabet-steps-up"),
        pytest.param(ONE_TWO_THREE, (5,), 5, 6, id="used-up-preferred-goes-to-next-longer"),
        pytest.param(ONE_TWO_THREE, (6,), 6, 5, id="used-up-longest-preferred-goes-shorter"),
        pytest.param(ONE_TWO_THREE, (5, 6), 5, 4, id="then-the-shorter-ones"),
        pytest.param(ONE_TWO_THREE, (4,), 6, 6, id="preferred-wins-while-left"),
    ],
)
def test_a_used_up_length_gives_way_to_another_the_lock_accepts(
    rules: CodeRules, full: tuple[int, ...], preferred: int | None, expected_length: int
) -> None:
    taken = set().union(*(every_acceptable(rules, n) for n in full))
    for seed in range(20):
        pin = generate_code(rules, taken, preferred_length=preferred, rng=random.Random(seed))
        assert len(pin) == expected_length
        assert pin not in taken
        assert not is_weak(pin)
        assert code_violations(pin, rules) == []


@pytest.mark.parametrize(
    ("rules", "preferred", "order"),
    [
        (FOUR_TO_EIGHT, None, [4, 5, 6, 7, 8]),
        (FOUR_TO_EIGHT, 6, [6, 7, 8, 5, 4]),
        (FOUR_TO_EIGHT, 9, [4, 5, 6, 7, 8]),
        (CodeRules(lengths=(8, 4, 6)), None, [4, 6, 8]),
        (CodeRules(lengths=(3, 4, 5)), None, [4, 5]),
        (CodeRules(lengths=(3, 4, 5)), 3, [3, 4, 5]),
        (CodeRules(lengths=(2, 3)), None, [2, 3]),
    ],
)
def test_lengths_are_tried_preferred_first_then_longer_then_shorter(
    rules: CodeRules, preferred: int | None, order: list[int]
) -> None:
    assert length_order(rules, preferred) == order


@pytest.mark.parametrize(
    ("rules", "length", "preferred"),
    [
        (FOUR_TO_EIGHT, 4, None),
        (ONE_TWO_THREE, 4, None),
        (ONE_TWO_THREE, 6, 6),
        (CodeRules(lengths=(4,), constraints=("no_zeros", "cannot_start_with_12")), 4, None),
    ],
)
def test_the_last_code_left_at_a_length_is_found(
    rules: CodeRules, length: int, preferred: int | None
) -> None:
    taken = all_but(rules, length, left=1)
    (last,) = every_acceptable(rules, length) - taken
    for seed in range(5):
        assert generate_code(rules, taken, preferred_length=preferred, rng=random.Random(seed)) == (
            last
        )


@pytest.mark.parametrize(
    "rules",
    [
        CodeRules(lengths=(4,), alphabet="12"),
        CodeRules(lengths=(4, 5), alphabet="12"),
        CodeRules(lengths=(4, 5, 6), alphabet="123"),
        CodeRules(lengths=(3, 4), alphabet="12"),
    ],
)
def test_no_code_is_available_only_when_every_accepted_length_is_used_up(
    rules: CodeRules,
) -> None:
    lengths = length_order(rules, None)
    everything = set().union(*(every_acceptable(rules, n) for n in lengths))
    for spared in sorted(everything)[:: max(1, len(everything) // 10)]:
        rng = random.Random(1)
        assert generate_code(rules, everything - {spared}, rng=rng) == spared
    with pytest.raises(NoCodeAvailable, match="no acceptable code left"):
        generate_code(rules, everything, rng=random.Random(1))


def test_codes_under_4_long_are_not_handed_out_when_the_lock_takes_4() -> None:
    rules = CodeRules(lengths=(3, 4), alphabet="123")
    with pytest.raises(NoCodeAvailable):
        generate_code(rules, every_acceptable(rules, 4), rng=random.Random(2))


def test_weak_codes_are_not_handed_out_even_when_only_weak_ones_are_left() -> None:
    rules = CodeRules(lengths=(4,))
    all_but_weak_ones = {f"{n:04d}" for n in range(10_000)} - {"1234", "0000", "1212", "2580"}
    with pytest.raises(NoCodeAvailable):
        generate_code(rules, all_but_weak_ones, rng=random.Random(3))


@pytest.mark.parametrize("left", [500, 3, 0])
def test_the_same_seed_gives_the_same_codes(left: int) -> None:
    taken = all_but(FOUR_TO_EIGHT, 4, left=left)

    def draw(seed: int) -> list[str]:
        rng, mine = random.Random(seed), set(taken)
        return [generate_code(FOUR_TO_EIGHT, mine, rng=rng) for _ in range(5)]

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)


class CountingRandom(random.Random):
    """A seeded random source that counts its draws."""

    draws = 0

    def choice(self, seq: Any) -> Any:
        self.draws += 1
        return super().choice(seq)


def test_a_nearly_full_length_is_listed_instead_of_drawn_from_ten_thousand_times() -> None:
    taken = all_but(FOUR_TO_EIGHT, 4, left=10)
    rng = CountingRandom(5)
    for _ in range(10):
        pin = generate_code(FOUR_TO_EIGHT, taken, rng=rng)
        assert len(pin) == 4
        taken.add(pin)
    assert len(generate_code(FOUR_TO_EIGHT, taken, rng=rng)) == 5
    # at most the quick draws of 4 characters and one pick from the list, per code
    assert rng.draws <= 11 * (QUICK_ATTEMPTS * 4 + 1) + QUICK_ATTEMPTS * 5


@settings(max_examples=40, deadline=None)
@given(rules=rule_sets, seed=st.integers(0, 2**32))
def test_with_the_shortest_length_used_up_codes_still_obey_every_rule(
    rules: CodeRules, seed: int
) -> None:
    shortest = choose_length(rules, None)
    taken = every_acceptable(rules, shortest) if shortest == 4 else set()
    try:
        pin = generate_code(rules, taken, rng=random.Random(seed))
    except NoCodeAvailable:
        return
    assert len(pin) in rules.lengths
    assert code_violations(pin, rules) == []
    assert pin not in taken
    assert not is_weak(pin)
