"""The known event types (what `lockgw webhooks add --events` accepts) are the ones the code
records: one list, checked against the source both ways."""

from __future__ import annotations

import re
from pathlib import Path

from gateway.domain.event_types import EVENT_TYPES

GATEWAY = Path(__file__).resolve().parents[2] / "gateway"
EVENT_LITERAL = re.compile(r'"((?:access_code|access_grant|access_method|device|lock)\.[a-z_.]+)"')


def _literals() -> set[str]:
    """Every event-type-shaped string in the gateway, outside the list itself."""
    found: set[str] = set()
    for path in GATEWAY.rglob("*.py"):
        if path.name != "event_types.py":
            found |= set(EVENT_LITERAL.findall(path.read_text()))
    return found


def test_every_event_type_the_code_writes_is_known() -> None:
    assert _literals() - EVENT_TYPES == set()


def test_every_known_event_type_is_written_somewhere() -> None:
    assert EVENT_TYPES - _literals() == set()
