"""One PIN for several locks: it must suit every lock, whichever lock is named first."""

from __future__ import annotations

import itertools
import random

import pytest

from drivers.base import CodeRules
from drivers.codes import code_violations
from gateway.domain.codegen import NoCodeAvailable, common_code_for, is_weak, rules_for_all

ZWAVE_4_TO_8 = CodeRules(lengths=(4, 5, 6, 7, 8))
ZWAVE_EXACT_4 = CodeRules(lengths=(4,))
ZWAVE_4_TO_10 = CodeRules(lengths=(4, 5, 6, 7, 8, 9, 10))
NUKI = CodeRules(
    lengths=(6,), alphabet="123456789", constraints=("no_zeros", "cannot_start_with_12")
)
NO_089 = CodeRules(lengths=(6, 7), constraints=("cannot_contain_089",))
LETTERS = CodeRules(lengths=(4, 5, 6), alphabet="ABCD")

SHAREABLE = [
    pytest.param([ZWAVE_4_TO_8, NUKI], id="zwave-then-nuki"),
    pytest.param([NUKI, ZWAVE_4_TO_8], id="nuki-then-zwave"),
    pytest.param([ZWAVE_4_TO_10, ZWAVE_4_TO_8, NUKI], id="three-locks"),
    pytest.param([NUKI, NO_089], id="nuki-and-no-089"),
    pytest.param([NO_089, ZWAVE_4_TO_8, NUKI], id="constraints-add-up"),
    pytest.param([ZWAVE_4_TO_8], id="one-lock"),
]


@pytest.mark.parametrize("locks", SHAREABLE)
@pytest.mark.parametrize("seed", range(20))
def test_the_shared_pin_is_accepted_by_every_lock_in_any_order(
    locks: list[CodeRules], seed: int
) -> None:
    pin = common_code_for(locks, [set() for _ in locks], rng=random.Random(seed))
    for rules in locks:
        assert code_violations(pin, rules) == [], (pin, rules)
    assert not is_weak(pin)


@pytest.mark.parametrize(
    ("locks", "lengths", "alphabet", "constraints"),
    [
        ([ZWAVE_4_TO_8, NUKI], (6,), "123456789", ("no_zeros", "cannot_start_with_12")),
        ([ZWAVE_4_TO_10, ZWAVE_4_TO_8], (4, 5, 6, 7, 8), "0123456789", ()),
        ([NUKI, NO_089], (6,), "123456789", ("no_zeros", "cannot_start_with_12",
                                              "cannot_contain_089")),
    ],
)  # fmt: skip
def test_rules_for_all_locks_are_the_shared_lengths_and_characters_and_every_constraint(
    locks: list[CodeRules], lengths: tuple[int, ...], alphabet: str, constraints: tuple[str, ...]
) -> None:
    for order in itertools.permutations(locks):
        common = rules_for_all(list(order))
        assert common is not None
        assert common.lengths == lengths
        assert sorted(common.alphabet) == sorted(alphabet)
        assert sorted(common.constraints) == sorted(constraints)


@pytest.mark.parametrize(
    "locks",
    [
        pytest.param([ZWAVE_EXACT_4, NUKI], id="no-shared-length"),
        pytest.param([NUKI, ZWAVE_EXACT_4], id="no-shared-length-reversed"),
        pytest.param([LETTERS, ZWAVE_4_TO_8], id="no-shared-character"),
    ],
)
def test_locks_with_nothing_in_common_get_no_code(locks: list[CodeRules]) -> None:
    assert rules_for_all(locks) is None
    with pytest.raises(NoCodeAvailable, match="no common code"):
        common_code_for(locks, [set() for _ in locks])


def test_a_pin_taken_on_any_one_lock_is_never_chosen() -> None:
    tiny = CodeRules(lengths=(4,), alphabet="1357")
    every = {"".join(p) for p in itertools.product("1357", repeat=4)}
    acceptable = {c for c in every if not is_weak(c)}
    keep = sorted(acceptable)[0]
    rest = sorted(acceptable - {keep})
    # Half of the other PINs are taken on the first lock, half on the second.
    taken = [set(rest[::2]), set(rest[1::2])]
    for seed in range(10):
        assert common_code_for([tiny, ZWAVE_4_TO_8], taken, rng=random.Random(seed)) == keep


def test_every_common_pin_taken_is_no_code_left() -> None:
    tiny = CodeRules(lengths=(4,), alphabet="1357")
    every = {"".join(p) for p in itertools.product("1357", repeat=4)}
    with pytest.raises(NoCodeAvailable, match="no code left"):
        common_code_for([tiny, ZWAVE_4_TO_8], [every, set()])


@pytest.mark.parametrize(("preferred", "length"), [(8, 8), (6, 6), (9, 4), (None, 4)])
def test_preferred_length_is_used_when_every_lock_takes_it(
    preferred: int | None, length: int
) -> None:
    pin = common_code_for([ZWAVE_4_TO_10, ZWAVE_4_TO_8], [set(), set()], preferred_length=preferred)
    assert len(pin) == length


def test_one_set_of_taken_pins_per_lock_is_required() -> None:
    with pytest.raises(ValueError, match="per lock"):
        common_code_for([ZWAVE_4_TO_8, NUKI], [set()])
