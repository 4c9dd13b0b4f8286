"""Picking PINs: random from the OS CSPRNG, valid for the lock, never weak, never taken.

Pure over its inputs; the random source is passed in so tests can make it deterministic.
"""

from __future__ import annotations

import itertools
import random
import secrets

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

MAX_ATTEMPTS = 10_000


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


def choose_length(rules: CodeRules, preferred: int | None) -> int:
    """The preferred length when the lock takes it, else the shortest it takes (4 or more)."""
    if preferred is not None and preferred in rules.lengths:
        return preferred
    usable = [n for n in rules.lengths if n >= 4] or list(rules.lengths)
    return min(usable)


def generate_code(
    rules: CodeRules,
    taken: set[str] | frozenset[str],
    *,
    preferred_length: int | None = None,
    rng: random.Random | None = None,
) -> str:
    """A fresh PIN the lock accepts, not weak, and not in `taken`."""
    source = rng or secrets.SystemRandom()
    length = choose_length(rules, preferred_length)
    alphabet = rules.alphabet
    for _ in range(MAX_ATTEMPTS):
        candidate = "".join(source.choice(alphabet) for _ in range(length))
        if candidate in taken or is_weak(candidate):
            continue
        if not code_violations(candidate, rules):
            return candidate
    raise NoCodeAvailable(f"no acceptable {length}-character code left for this lock")
