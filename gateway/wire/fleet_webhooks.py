"""The fleet's webhooks document (pure): the retained JSON a front writes on
`{base}/fleet/webhooks` and every fleet hub follows into its own webhook store (docs/FLEET.md).

    {"webhooks": [{"webhook_id": "...", "url": "https://...", "event_types": null | [...],
                   "secret": "whsec_..."}, ...],
     "revision": "...", "based_on": "..." | null}

A hub applies exactly the `webhooks` set and ignores every other key. `revision` names this
version of the document and `based_on` the version its writer changed: the fronts use them to
tell a change made over theirs from a stale copy written without it
(gateway/fleet/webhook_intents.py).

An empty payload is a fleet without webhooks. A document that does not parse is refused whole
(`BadFleetWebhooks`, whose message names the entry and field but never a secret): a hub keeps
what it had rather than dropping webhooks over one bad entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gateway.config import check_webhook_url

ALL_EVENTS = "*"
MAX_ID = 128


class BadFleetWebhooks(ValueError):
    pass


@dataclass(frozen=True)
class FleetWebhook:
    webhook_id: str
    url: str
    secret: str
    event_types: tuple[str, ...] | None  # None: every event

    def to_json(self) -> dict[str, Any]:
        types = None if self.event_types is None else list(self.event_types)
        return {
            "webhook_id": self.webhook_id,
            "url": self.url,
            "event_types": types,
            "secret": self.secret,
        }


@dataclass(frozen=True)
class FleetDocument:
    webhooks: tuple[FleetWebhook, ...]
    revision: str | None = None  # None: a document written without one (or none at all)
    based_on: str | None = None


def document(
    webhooks: list[FleetWebhook] | tuple[FleetWebhook, ...],
    *,
    revision: str | None = None,
    based_on: str | None = None,
) -> bytes:
    """The retained payload a front publishes for these webhooks."""
    data: dict[str, Any] = {"webhooks": [w.to_json() for w in webhooks]}
    if revision is not None:
        data["revision"] = revision
        data["based_on"] = based_on
    return json.dumps(data).encode()


def parse(payload: bytes) -> list[FleetWebhook]:
    """The webhooks a document names (what a hub applies)."""
    return list(parse_document(payload).webhooks)


def parse_document(payload: bytes) -> FleetDocument:
    if not payload.strip():
        return FleetDocument(())
    try:
        data = json.loads(payload)
    except ValueError:
        raise BadFleetWebhooks("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("webhooks"), list):
        raise BadFleetWebhooks('must be an object with a "webhooks" list')
    found = [_entry(index, item) for index, item in enumerate(data["webhooks"])]
    for key in ("webhook_id", "url"):
        values = [getattr(w, key) for w in found]
        if len(set(values)) != len(values):
            raise BadFleetWebhooks(f"two webhooks have the same {key}")
    revision, based_on = data.get("revision"), data.get("based_on")
    return FleetDocument(
        tuple(found),
        revision if isinstance(revision, str) and revision else None,
        based_on if isinstance(based_on, str) and based_on else None,
    )


def _entry(index: int, item: Any) -> FleetWebhook:
    where = f"webhooks[{index}]"
    if not isinstance(item, dict):
        raise BadFleetWebhooks(f"{where}: must be an object")
    webhook_id, url, secret = item.get("webhook_id"), item.get("url"), item.get("secret")
    if not isinstance(webhook_id, str) or not 0 < len(webhook_id) <= MAX_ID:
        raise BadFleetWebhooks(f"{where}.webhook_id: must be a string of 1 to {MAX_ID} characters")
    if not isinstance(url, str):
        raise BadFleetWebhooks(f"{where}.url: must be a string")
    try:
        check_webhook_url(url)
    except ValueError:
        raise BadFleetWebhooks(f"{where}.url: must be http:// or https:// with a host") from None
    if not isinstance(secret, str) or not secret:
        raise BadFleetWebhooks(f"{where}.secret: must be a non-empty string")
    types = item.get("event_types")
    if types is not None and (
        not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types)
    ):
        raise BadFleetWebhooks(f"{where}.event_types: must be null or a non-empty list of strings")
    if types is not None and ALL_EVENTS in types:
        types = None  # "*": every event, as the cloud's default
    event_types = None if types is None else tuple(dict.fromkeys(types))
    return FleetWebhook(webhook_id, url, secret, event_types)
