"""Pure checks on declared codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from drivers.base import CodeRules
from drivers.codes import code_violations
from gateway.domain.models import AccessCode, CodeStatus
from gateway.domain.rules import conflicting_code, window_problems, windows_overlap

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
H = timedelta(hours=1)


def _code(
    pin: str, start: datetime | None = None, end: datetime | None = None, **kw: object
) -> AccessCode:
    return AccessCode(
        access_code_id=f"id-{pin}-{start}",
        device_id="d",
        name=None,
        code=pin,
        created_at=NOW,
        status=CodeStatus.SET,
        starts_at=start,
        ends_at=end,
        **kw,  # type: ignore[arg-type]
    )


def test_window_needs_both_ends_in_order_and_in_the_future() -> None:
    assert window_problems(None, None, NOW) == {}
    assert window_problems(NOW, NOW + H, NOW) == {}
    assert "ends_at" in window_problems(NOW, None, NOW)
    assert "starts_at" in window_problems(None, NOW + H, NOW)
    assert "ends_at" in window_problems(NOW + H, NOW, NOW)
    assert "ends_at" in window_problems(NOW - 2 * H, NOW - H, NOW)


def test_ongoing_overlaps_everything_and_disjoint_windows_do_not() -> None:
    assert windows_overlap((None, None), (NOW, NOW + H))
    assert windows_overlap((NOW, NOW + 2 * H), (NOW + H, NOW + 3 * H))
    assert not windows_overlap((NOW, NOW + H), (NOW + H, NOW + 2 * H))


def test_same_pin_conflicts_only_when_on_the_lock_at_the_same_time() -> None:
    stay_one = _code("4817", NOW, NOW + H)
    assert conflicting_code("4817", (NOW + H, NOW + 2 * H), [stay_one]) is None
    assert conflicting_code("4817", (NOW, NOW + 2 * H), [stay_one]) is stay_one
    assert conflicting_code("4817", (None, None), [stay_one]) is stay_one


def test_unmanaged_codes_conflict_always_and_deleting_codes_never() -> None:
    unmanaged = _code("5555", is_managed=False)
    leaving = _code("6666", deleting=True)
    assert conflicting_code("5555", (NOW, NOW + H), [unmanaged]) is unmanaged
    assert conflicting_code("6666", (None, None), [leaving]) is None


def test_lock_rules_reject_wrong_length_characters_and_declared_constraints() -> None:
    nuki = CodeRules(
        lengths=(6,), alphabet="123456789", constraints=("no_zeros", "cannot_start_with_12")
    )
    assert code_violations("481937", nuki) == []
    assert code_violations("48193", nuki)
    assert code_violations("481930", nuki)
    assert code_violations("124937", nuki)
