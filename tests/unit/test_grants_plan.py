"""The pure decisions of Access Grants: which locks a grant reaches, the window its codes get,
and which codes to add or remove when its locks change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from drivers.base import CodeRules
from drivers.codes import code_violations
from drivers.virtual.profiles import PROFILES
from gateway.domain.codegen import common_code_for
from gateway.domain.grant_plan import (
    CodeChanges,
    WindowRefused,
    code_changes,
    code_window,
    target_devices,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("devices", "spaces", "space_devices", "revoked", "expected"),
    [
        pytest.param(["a", "b"], [], {}, [], ["a", "b"], id="own-locks"),
        pytest.param([], ["s"], {"s": ["a", "b"]}, [], ["a", "b"], id="a-space"),
        pytest.param(["b"], ["s"], {"s": ["a", "b", "c"]}, [], ["b", "a", "c"], id="once-each"),
        pytest.param([], ["s", "t"], {"s": ["a"], "t": ["a", "c"]}, [], ["a", "c"], id="overlap"),
        pytest.param(["a"], ["s"], {"s": ["b"]}, ["b"], ["a"], id="revoked-from-a-space"),
        pytest.param(["a", "b"], [], {}, ["a"], ["b"], id="revoked-own-lock"),
        pytest.param([], ["gone"], {}, [], [], id="space-without-locks"),
    ],
)
def test_a_grant_reaches_its_locks_and_its_spaces_locks_less_the_revoked_ones(
    devices: list[str],
    spaces: list[str],
    space_devices: dict[str, list[str]],
    revoked: list[str],
    expected: list[str],
) -> None:
    assert target_devices(devices, spaces, space_devices, revoked) == expected


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "expected"),
    [
        pytest.param(NOW - HOUR, NOW + HOUR, (NOW - HOUR, NOW + HOUR), id="started-bounded"),
        pytest.param(NOW + HOUR, NOW + 2 * HOUR, (NOW + HOUR, NOW + 2 * HOUR), id="later"),
        pytest.param(NOW, None, (None, None), id="open-ended-from-now-is-ongoing"),
        pytest.param(NOW - HOUR, None, (None, None), id="open-ended-started-is-ongoing"),
    ],
)
def test_the_codes_window_follows_the_grant(
    starts_at: datetime,
    ends_at: datetime | None,
    expected: tuple[datetime | None, datetime | None],
) -> None:
    assert code_window(starts_at, ends_at, NOW) == expected


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "field"),
    [
        pytest.param(NOW + HOUR, None, "ends_at", id="open-ended-starting-later"),
        pytest.param(NOW + HOUR, NOW + HOUR, "ends_at", id="empty-window"),
        pytest.param(NOW + 2 * HOUR, NOW + HOUR, "ends_at", id="ends-before-it-starts"),
        pytest.param(NOW - 2 * HOUR, NOW - HOUR, "ends_at", id="over-already"),
    ],
)
def test_a_window_no_lock_can_keep_is_refused_naming_the_field(
    starts_at: datetime, ends_at: datetime | None, field: str
) -> None:
    with pytest.raises(WindowRefused) as refused:
        code_window(starts_at, ends_at, NOW)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("targets", "placed", "expected"),
    [
        pytest.param(["a", "b"], {}, CodeChanges(("a", "b"), ()), id="new-grant"),
        pytest.param(["a", "b"], {"a": "c1", "b": "c2"}, CodeChanges((), ()), id="in-step"),
        pytest.param(
            ["a"], {"a": "c1", "b": "c2"}, CodeChanges((), (("b", "c2"),)), id="lock-left"
        ),
        pytest.param(["a", "c"], {"a": "c1"}, CodeChanges(("c",), ()), id="lock-joined"),
        pytest.param(
            [], {"a": "c1", "b": "c2"}, CodeChanges((), (("a", "c1"), ("b", "c2"))), id="all-gone"
        ),
        pytest.param(["b", "b"], {}, CodeChanges(("b",), ()), id="once-per-lock"),
    ],
)
def test_code_changes_make_a_methods_codes_match_the_grants_locks(
    targets: list[str], placed: dict[str, str], expected: CodeChanges
) -> None:
    assert code_changes(targets, placed) == expected


@pytest.mark.parametrize(
    "profiles",
    [
        pytest.param(["zwave-30", "nuki"], id="zwave-then-nuki"),
        pytest.param(["nuki", "zwave-30"], id="nuki-then-zwave"),
        pytest.param(["zwave-250", "nuki", "zwave-masked"], id="three-locks"),
    ],
)
def test_a_grants_pin_suits_every_lock_of_the_grant_whatever_their_order(
    profiles: list[str],
) -> None:
    rules: list[CodeRules] = [PROFILES[p].code_rules for p in profiles]
    for _ in range(50):
        pin = common_code_for(rules, [set() for _ in rules])
        assert all(not code_violations(pin, r) for r in rules), pin
