"""Codes the gateway picks: valid for the lock, never weak, never taken."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import CodeRules
from drivers.codes import CONSTRAINT_CHECKS, code_violations
from gateway.domain.codegen import NoCodeAvailable, choose_length, generate_code, is_weak


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
