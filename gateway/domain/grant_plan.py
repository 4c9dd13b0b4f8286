"""Pure decisions of Access Grants: which locks a grant reaches, what window its codes get,
and which codes to add or remove when the grant's locks change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

CodeWindow = tuple[datetime | None, datetime | None]


class WindowRefused(ValueError):
    """A grant window the locks cannot keep; `field` names the parameter at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def target_devices(
    device_ids: Iterable[str],
    space_ids: Iterable[str],
    space_devices: Mapping[str, Sequence[str]],
    revoked: Iterable[str] = (),
) -> list[str]:
    """The locks a grant reaches: its own, then its spaces' (in order, once each), less the
    ones revoked from it."""
    out: dict[str, None] = dict.fromkeys(device_ids)
    for space_id in space_ids:
        out.update(dict.fromkeys(space_devices.get(space_id, ())))
    gone = set(revoked)
    return [d for d in out if d not in gone]


def code_window(starts_at: datetime, ends_at: datetime | None, now: datetime) -> CodeWindow:
    """The window the grant's access codes get. A grant without an end is an ongoing code, which
    a lock can only start at once: an open-ended grant starting later is refused."""
    if ends_at is None:
        if starts_at > now:
            raise WindowRefused(
                "ends_at",
                "is required when starts_at is in the future (a lock keeps a window with an end)",
            )
        return (None, None)
    if ends_at <= starts_at:
        raise WindowRefused("ends_at", "must be after starts_at")
    if ends_at <= now:
        raise WindowRefused("ends_at", "must be in the future")
    return (starts_at, ends_at)


@dataclass(frozen=True)
class CodeChanges:
    """For one access method: the locks that need a code, and the codes to remove."""

    add: tuple[str, ...]
    remove: tuple[tuple[str, str], ...]  # (device_id, access_code_id)


def code_changes(targets: Sequence[str], placed: Mapping[str, str]) -> CodeChanges:
    """What makes an access method's codes (`placed`: device_id -> access_code_id) match the
    locks its grant reaches now."""
    wanted = set(targets)
    return CodeChanges(
        add=tuple(d for d in dict.fromkeys(targets) if d not in placed),
        remove=tuple((d, c) for d, c in placed.items() if d not in wanted),
    )
