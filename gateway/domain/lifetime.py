"""When a code's time on a lock is over: one definition for the planner, the statuses, the
observer and the outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class HasEnd(Protocol):
    @property
    def ends_at(self) -> datetime | None: ...


class MayLeave(HasEnd, Protocol):
    @property
    def deleting(self) -> bool: ...


def has_ended(item: HasEnd, now: datetime) -> bool:
    """Its ends_at has come (a code ends at that instant, not a moment later)."""
    return item.ends_at is not None and item.ends_at <= now


def is_leaving(item: MayLeave, now: datetime) -> bool:
    """Deleted, or its time is over: it must come off the lock and then be forgotten."""
    return item.deleting or has_ended(item, now)
