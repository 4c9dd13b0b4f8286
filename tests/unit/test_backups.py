"""Whether a listed or fetched code shows its backup as available, from its row and its lock's
pool alone (gateway/domain/backups.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gateway.domain.backups import PoolOffer, backup_available
from gateway.domain.models import AccessCode, CodeStatus

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def _code(*, time_bound: bool = True, is_backup: bool = False, pulled: bool = False) -> AccessCode:
    return AccessCode(
        access_code_id="guest",
        device_id="front-door",
        name="Guest",
        code="4817",
        created_at=NOW,
        status=CodeStatus.SET,
        starts_at=NOW if time_bound else None,
        ends_at=NOW + timedelta(days=2) if time_bound else None,
        is_backup=is_backup,
        pulled_backup_access_code_id="backup" if pulled else None,
    )


@pytest.mark.parametrize(
    ("code", "offer", "available"),
    [
        (_code(), PoolOffer.READY, True),
        (_code(), PoolOffer.EMPTY, False),  # a pool, nothing on the lock to pull yet
        (_code(), PoolOffer.NONE, False),
        (_code(pulled=True), PoolOffer.EMPTY, True),  # the guest already holds the backup
        (_code(pulled=True), PoolOffer.NONE, False),  # the lock stopped keeping a pool
        (_code(time_bound=False), PoolOffer.READY, False),  # only stays get a backup
        (_code(is_backup=True), PoolOffer.READY, False),  # a backup has no backup of its own
    ],
)
def test_a_codes_backup_is_available_from_its_row_and_its_locks_pool(
    code: AccessCode, offer: PoolOffer, available: bool
) -> None:
    assert backup_available(code, offer) is available
