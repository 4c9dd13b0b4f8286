"""The owner's options: how their times are read, and a bad one said in one line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EXAMPLE = "2026-12-10 15:00"

# The request's fields, as the owner's options name them.
OPTIONS = {
    "device_id": "--device",
    "code": "--code",
    "name": "--name",
    "starts_at": "--starts-at",
    "ends_at": "--ends-at",
    "access_code_id": "--id",
}


class OptionError(Exception):
    """A missing or bad option: one line naming it."""


@dataclass(frozen=True)
class Time:
    moment: datetime  # in UTC
    local: datetime  # the same moment in the hub's time zone


def zone(local: datetime) -> str:
    """`CET (UTC+01:00)`, or `UTC` on a hub that keeps UTC."""
    offset = local.utcoffset() or timedelta(0)
    name = local.tzname() or ""
    sign = "-" if offset < timedelta(0) else "+"
    hours, rest = divmod(abs(int(offset.total_seconds())), 3600)
    numeric = f"UTC{sign}{hours:02d}:{rest // 60:02d}"
    if offset == timedelta(0) and name in {"UTC", "GMT", "Z", ""}:
        return "UTC"
    return f"{name} ({numeric})" if name and not name.startswith(("UTC", "+", "-")) else numeric


def read_time(option: str, text: str) -> Time:
    """A time as the owner writes it: with an offset (`...+01:00`, `...Z`) it is that moment;
    without one it is read in the hub's local time zone (the TZ the CLI runs in)."""
    try:
        written = datetime.fromisoformat(text.strip())
    except ValueError:
        here = zone(datetime.now().astimezone())
        raise OptionError(
            f"{option}: {text!r} is not a date and time; write {EXAMPLE} (read in the hub's "
            f"time zone, {here}) or give an offset: 2026-12-10T15:00+01:00, 2026-12-10T14:00Z"
        ) from None
    local = written.astimezone()  # a naive time is the hub's local time
    return Time(local.astimezone(UTC), local)


def describe(time: Time) -> str:
    """`2026-12-10 15:00 CET (UTC+01:00), 2026-12-10 14:00 UTC`."""
    here = time.local.strftime("%Y-%m-%d %H:%M")
    where = zone(time.local)
    if where == "UTC":
        return f"{here} UTC"
    return f"{here} {where}, {time.moment.strftime('%Y-%m-%d %H:%M')} UTC"
