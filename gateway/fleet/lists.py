"""Lists across hubs (pure). A page is filled from the hubs in hub_id order: the front's cursor
names the hub it stopped in and that hub's own cursor. `events/list` has no cursor: the hubs'
newest events are merged newest first, then the caller's offset and limit are applied.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from gateway.wire.errors import invalid

CURSOR_MAX = 1024
EVENTS_DEFAULT_LIMIT = 500  # a hub's own default (gateway/service/activity.py)
LIMIT_MAX = 10_000  # the most a hub gives in one answer (gateway/wire/requests.py Limit)
NOT_ISSUED = "is not a cursor this fleet issued"


@dataclass(frozen=True)
class FleetCursor:
    hub_id: str
    cursor: str | None  # that hub's own cursor; None: its first page

    def encode(self) -> str:
        raw = json.dumps({"hub": self.hub_id, "cursor": self.cursor}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str) -> FleetCursor:
    """A cursor this front (or another front of the fleet) issued; anything else is refused."""
    if len(text) > CURSOR_MAX or not text.isascii():
        raise invalid("page_cursor", NOT_ISSUED)
    try:
        data = json.loads(base64.urlsafe_b64decode(text.encode() + b"==="))
    except (ValueError, binascii.Error, RecursionError):
        raise invalid("page_cursor", NOT_ISSUED) from None
    if not isinstance(data, dict):
        raise invalid("page_cursor", NOT_ISSUED)
    hub, cursor = data.get("hub"), data.get("cursor")
    if not isinstance(hub, str) or not (cursor is None or isinstance(cursor, str)):
        raise invalid("page_cursor", NOT_ISSUED)
    return FleetCursor(hub, cursor)


def items_of(body: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """The resources a list answer carries: its one list-valued key ("access_codes": [...])."""
    for key, value in body.items():
        if isinstance(value, list):
            return key, value
    return None


@dataclass
class PageAcrossHubs:
    """One page filled from several hubs in order. Ask `next_request()` which hub to ask (with
    its cursor and the limit left), hand its answer to `take()`, until `next_request()` is None.
    """

    hub_ids: tuple[str, ...]  # the online hubs, sorted
    limit: int | None  # None: each hub's own default page, hub after hub until one has more
    start: FleetCursor | None = None
    items: list[Any] = field(default_factory=list)
    _index: int = 0
    _cursor: str | None = None
    _next: FleetCursor | None = None
    _done: bool = False

    def __post_init__(self) -> None:
        if self.start is None:
            return
        # The hub the cursor stopped in, or (it has left or is offline) the next one after it.
        later = [i for i, h in enumerate(self.hub_ids) if h >= self.start.hub_id]
        self._index = later[0] if later else len(self.hub_ids)
        if later and self.hub_ids[self._index] == self.start.hub_id:
            self._cursor = self.start.cursor

    def next_request(self) -> tuple[str, str | None, int | None] | None:
        if self._done or self._index >= len(self.hub_ids):
            return None
        left = None if self.limit is None else self.limit - len(self.items)
        return self.hub_ids[self._index], self._cursor, left

    def take(self, items: list[Any], hub_next: str | None) -> None:
        self.items.extend(items)
        hub_id = self.hub_ids[self._index]
        if hub_next is not None:  # this hub has more: the page is full
            self._next, self._done = FleetCursor(hub_id, hub_next), True
            return
        self._index, self._cursor = self._index + 1, None
        full = self.limit is not None and len(self.items) >= self.limit
        if full:
            self._done = True
            if self._index < len(self.hub_ids):
                self._next = FleetCursor(self.hub_ids[self._index], None)

    def skip_hub(self) -> None:
        """The hub did not answer: the page goes on with the next one."""
        self._index, self._cursor = self._index + 1, None

    @property
    def next_cursor(self) -> FleetCursor | None:
        return self._next


def limit_of(params: dict[str, Any]) -> int | None:
    """The caller's `limit` (a JSON number, or a query string's text); None when absent. A
    malformed limit is left for the hub to refuse, worded as it words it."""
    value = params.get("limit")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def events_window(params: dict[str, Any]) -> tuple[int, int]:
    """(offset, limit) of an events/list call."""
    offset = params.get("unstable_offset")
    if isinstance(offset, str) and offset.isdigit():
        offset = int(offset)
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        offset = 0
    return offset, limit_of(params) or EVENTS_DEFAULT_LIMIT


def events_asked_of_each_hub(offset: int, limit: int) -> int:
    """Each hub gives its newest offset+limit events: the merged page is among them."""
    return min(LIMIT_MAX, offset + limit)


def _newest_first(event: Any) -> tuple[str, str]:
    if not isinstance(event, dict):
        return "", ""
    when = event.get("occurred_at") or event.get("created_at") or ""
    return str(when), str(event.get("event_id") or "")


def merge_events(per_hub: list[list[Any]], offset: int, limit: int) -> list[Any]:
    """The hubs' events, newest first (ties by event id), then the caller's window."""
    merged = sorted((e for events in per_hub for e in events), key=_newest_first, reverse=True)
    return merged[offset : offset + limit]
