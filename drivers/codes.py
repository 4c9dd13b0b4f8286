"""Pure checks of a PIN against a lock's code rules. Shared by drivers and the gateway."""

from __future__ import annotations

from collections.abc import Callable

from drivers.base import CodeRules

# Each constraint type Seam documents that is a rule about the PIN itself, as a predicate that
# is True when the code breaks it.


def _has_run(code: str, length: int, step: int) -> bool:
    digits = [int(c) for c in code]
    return any(
        all(digits[i + k + 1] - digits[i + k] == step for k in range(length - 1))
        for i in range(len(digits) - length + 1)
    )


def _is_sequence(code: str) -> bool:
    if len(code) < 2 or not code.isdigit():
        return False
    return _has_run(code, len(code), 1) or _has_run(code, len(code), -1)


CONSTRAINT_CHECKS: dict[str, Callable[[str], bool]] = {
    "no_zeros": lambda code: "0" in code,
    "cannot_start_with_12": lambda code: code.startswith("12"),
    "no_triple_consecutive_ints": lambda code: (
        code.isdigit() and (_has_run(code, 3, 1) or _has_run(code, 3, -1))
    ),
    "no_ascending_or_descending_sequence": _is_sequence,
    "at_least_three_unique_digits": lambda code: len(set(code)) < 3,
    "cannot_contain_089": lambda code: any(c in code for c in "089"),
    "cannot_contain_0789": lambda code: any(c in code for c in "0789"),
    "no_all_same_digits": lambda code: len(set(code)) == 1,
}


def code_violations(code: str, rules: CodeRules) -> list[str]:
    """Why `code` is not acceptable to a lock with `rules` (empty when it is)."""
    problems: list[str] = []
    if len(code) not in rules.lengths:
        allowed = ", ".join(str(n) for n in rules.lengths)
        problems.append(f"must be {allowed} characters long")
    bad = sorted({c for c in code if c not in rules.alphabet})
    if bad:
        problems.append(f"may only contain {rules.alphabet!r}")
    for constraint in rules.constraints:
        check = CONSTRAINT_CHECKS.get(constraint)
        if check is not None and not bad and check(code):
            problems.append(f"breaks the lock's rule {constraint}")
    return problems
