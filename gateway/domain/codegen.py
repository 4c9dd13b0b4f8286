"""Picking PINs: random from the OS CSPRNG, valid for the lock, never weak, never taken.

Pure over its inputs; the random source is passed in so tests can make it deterministic.

Lengths are tried in order (`length_order`): the preferred one while codes of that length are
left, else the shortest the lock accepts, moving on to longer ones as each fills up. Only when
every accepted length is used up is there "no code left". A length is judged used up by listing
what is left of it when it is small enough to list (`ENUMERATE_LIMIT` candidates: 4 and 5
digits), and by `MAX_ATTEMPTS` failed random draws when it is not (a length of a million
candidates that fails 10,000 draws is almost surely over 99.9 % taken).

A PIN shared by several locks (`common_code_for`) is picked the same way under the rules of
all of them at once (`rules_for_all`), so no lock's rules are favoured over another's.
"""

from __future__ import annotations

import functools
import itertools
import random
import secrets
from collections.abc import Collection, Sequence

from drivers.base import CodeRules
from drivers.codes import code_violations

# PINs people pick first (and so try first at someone else's door).
COMMON_PINS = frozenset(
    {
        "1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969",
        "9999", "3333", "5555", "6666", "1122", "1313", "8888", "4321", "2001", "1010",
        "2580", "0852", "1470", "0741", "3690", "0963", "1590", "7531", "1357", "2468",
        "123456", "654321", "111111", "000000", "121212", "112233", "123123", "159753",
        "12345678", "87654321", "11111111", "00000000", "147258", "258369", "1478", "3698",
    }
)  # fmt: skip

# Random draws at a length too large to list before judging it used up.
MAX_ATTEMPTS = 10_000
# Random draws at a listable length before listing what is left of it instead.
QUICK_ATTEMPTS = 64
# Lengths with at most this many candidates (alphabet ** length) are listed when nearly full.
ENUMERATE_LIMIT = 100_000
SHORTEST_SAFE_LENGTH = 4


class NoCodeAvailable(Exception):
    """The lock's rules leave no acceptable PIN that is not already taken."""


def is_weak(code: str) -> bool:
    """All one digit, a straight run up or down, a repeated pair/half, or a well-known PIN."""
    if code in COMMON_PINS or len(set(code)) == 1:
        return True
    if code.isdigit():
        steps = {int(b) - int(a) for a, b in itertools.pairwise(code)}
        if steps in ({1}, {-1}):
            return True
    half = len(code) // 2
    if len(code) % 2 == 0 and code[:half] == code[half:]:
        return True
    return (
        len(code) >= 4 and len(code) % 2 == 0 and len(set(code[0::2])) == len(set(code[1::2])) == 1
    )


def length_order(rules: CodeRules, preferred: int | None) -> list[int]:
    """The lengths to try, in order.

    Lengths under 4 only when the lock takes nothing longer. A preferred length the lock takes
    comes first; when it is used up, the next longer lengths (shortest first), then the shorter
    ones (longest first): never a shorter code than asked for while a longer one is left.
    """
    usable = sorted({n for n in rules.lengths if n >= SHORTEST_SAFE_LENGTH}) or sorted(
        set(rules.lengths)
    )
    if preferred is None or preferred not in rules.lengths:
        return usable
    longer = [n for n in usable if n > preferred]
    shorter = [n for n in reversed(usable) if n < preferred]
    return [preferred, *longer, *shorter]


def choose_length(rules: CodeRules, preferred: int | None) -> int:
    """The length tried first: the preferred one when the lock takes it, else the shortest."""
    return length_order(rules, preferred)[0]


def _acceptable(code: str, rules: CodeRules) -> bool:
    return not is_weak(code) and not code_violations(code, rules)


def _alphabet(rules: CodeRules) -> str:
    return "".join(dict.fromkeys(rules.alphabet))


def _listable(rules: CodeRules, length: int) -> bool:
    candidates: int = len(_alphabet(rules)) ** length
    return candidates <= ENUMERATE_LIMIT


@functools.lru_cache(maxsize=8)
def acceptable_codes(rules: CodeRules, length: int) -> tuple[str, ...]:
    """Every PIN of `length` the lock accepts that is not weak, in order (listable lengths)."""
    if not _listable(rules, length):
        raise ValueError(f"{length}-character codes are too many to list")
    every = map("".join, itertools.product(_alphabet(rules), repeat=length))
    return tuple(code for code in every if _acceptable(code, rules))


def _pick(
    rules: CodeRules, taken: set[str] | frozenset[str], length: int, source: random.Random
) -> str | None:
    """A fresh PIN of `length`, or None when none is left."""
    alphabet = _alphabet(rules)
    listable = _listable(rules, length)
    for _ in range(QUICK_ATTEMPTS if listable else MAX_ATTEMPTS):
        candidate = "".join(source.choice(alphabet) for _ in range(length))
        if candidate not in taken and _acceptable(candidate, rules):
            return candidate
    if not listable:
        return None
    left = [code for code in acceptable_codes(rules, length) if code not in taken]
    return source.choice(left) if left else None


def generate_code(
    rules: CodeRules,
    taken: set[str] | frozenset[str],
    *,
    preferred_length: int | None = None,
    rng: random.Random | None = None,
) -> str:
    """A fresh PIN the lock accepts, not weak, and not in `taken`."""
    source = rng or secrets.SystemRandom()
    lengths = length_order(rules, preferred_length)
    for length in lengths:
        pin = _pick(rules, taken, length, source)
        if pin is not None:
            return pin
    tried = ", ".join(str(n) for n in lengths)
    raise NoCodeAvailable(
        f"no acceptable code left for this lock: every code of length {tried} it accepts is taken"
    )


def rules_for_all(rules_per_lock: Sequence[CodeRules]) -> CodeRules | None:
    """The rules a PIN obeys to be accepted by every one of the locks: the lengths and
    characters they all take, and each lock's constraints. None when they share no length or
    no character (no PIN can suit them all)."""
    if not rules_per_lock:
        raise ValueError("no locks given")
    lengths = set(rules_per_lock[0].lengths)
    for rules in rules_per_lock[1:]:
        lengths &= set(rules.lengths)
    alphabet = "".join(
        c for c in _alphabet(rules_per_lock[0]) if all(c in r.alphabet for r in rules_per_lock)
    )
    if not lengths or not alphabet:
        return None
    constraints = tuple(dict.fromkeys(c for r in rules_per_lock for c in r.constraints))
    return CodeRules(lengths=tuple(sorted(lengths)), alphabet=alphabet, constraints=constraints)


def common_code_for(
    rules_per_lock: Sequence[CodeRules],
    taken_per_lock: Sequence[Collection[str]],
    *,
    preferred_length: int | None = None,
    rng: random.Random | None = None,
) -> str:
    """One fresh PIN that every lock accepts, not weak, and taken on none of them.

    `rules_per_lock[i]` and `taken_per_lock[i]` describe lock i; the order of the locks does
    not matter. Raises NoCodeAvailable when the locks' rules leave no common PIN (no shared
    length or character) or every common PIN is taken on one of them.
    """
    if len(rules_per_lock) != len(taken_per_lock):
        raise ValueError("one set of taken PINs per lock")
    common = rules_for_all(rules_per_lock)
    if common is None:
        raise NoCodeAvailable(
            "these locks accept no common code: they share no code length or character"
        )
    taken: set[str] = set()
    for pins in taken_per_lock:
        taken.update(pins)
    try:
        return generate_code(common, taken, preferred_length=preferred_length, rng=rng)
    except NoCodeAvailable:
        raise NoCodeAvailable(
            "no code left that every one of these locks accepts and none of them uses"
        ) from None
