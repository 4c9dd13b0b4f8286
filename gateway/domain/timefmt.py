"""ISO 8601 in UTC, the way the cloud API writes and reads timestamps."""

from __future__ import annotations

from datetime import UTC, datetime


def to_iso(moment: datetime) -> str:
    """`2025-06-14T16:54:17.946Z`: UTC, milliseconds, Z suffix."""
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    # Formatted field by field: a third cheaper than isoformat(timespec=...) on a naive copy,
    # and a list of 1,000 codes formats at least 1,000 of these.
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (  # noqa: UP031 (an f-string is slower)
        utc.year,
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
        utc.microsecond // 1000,
    )


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; a timestamp without an offset is taken as UTC."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)
