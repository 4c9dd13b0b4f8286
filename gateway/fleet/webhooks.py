"""`/webhooks/*` on the front: the fleet's webhooks, kept in the retained `R/fleet/webhooks`
document (gateway/wire/fleet_webhooks.py) so every front sees every webhook and every hub
delivers to them. A change is read-modify-write of the latest document this front holds.

The rules are the hub's own (gateway/service/webhooks.py): a URL is registered once (creating it
again sets its event types and answers the same webhook and secret), event types must be ones a
hub emits, `"*"` (or none) is every event.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from gateway.config import check_webhook_url
from gateway.domain.event_types import EVENT_TYPES, closest_event_type, unknown_event_types
from gateway.fleet.requester import broker_unreachable
from gateway.webhooks.signing import new_secret
from gateway.wire import fleet_webhooks as doc
from gateway.wire.errors import NotFound, invalid
from gateway.wire.fleet_webhooks import FleetWebhook
from gateway.wire.webhooks import ALL_EVENTS, CreateWebhook, UpdateWebhook, WebhookRef

log = logging.getLogger(__name__)

Publish = Callable[[bytes], Awaitable[None]]
# The broker sends a retained document right after the subscription; none within this long
# after connecting: the fleet has no webhooks document yet.
NO_DOCUMENT_AFTER = 1.0
READY_WAIT = 5.0


class FrontWebhooks:
    def __init__(self, publish: Publish, *, no_document_after: float = NO_DOCUMENT_AFTER) -> None:
        self._publish = publish
        self.hooks: list[FleetWebhook] = []
        self.no_document_after = no_document_after
        # A change is written over the document the broker holds: never before it was read.
        self._known = asyncio.Event()
        self._writing = asyncio.Lock()
        self._grace: asyncio.TimerHandle | None = None

    def on_connected(self) -> None:
        self._grace = asyncio.get_running_loop().call_later(self.no_document_after, self._known.set)

    def on_disconnected(self) -> None:
        if self._grace is not None:
            self._grace.cancel()
        self._known.clear()

    def on_document(self, payload: bytes) -> None:
        """The retained document changed (another front, or this one): it is the truth."""
        try:
            self.hooks = doc.parse(payload)
        except doc.BadFleetWebhooks as exc:
            log.warning("fleet: the webhooks document is unusable (%s): kept the last one", exc)
        self._known.set()

    async def _save(self, hooks: list[FleetWebhook]) -> None:
        await self._publish(doc.document(hooks))
        self.hooks = hooks

    async def _read(self) -> None:
        try:
            await asyncio.wait_for(self._known.wait(), READY_WAIT)
        except TimeoutError:
            raise broker_unreachable() from None

    def get(self, p: WebhookRef) -> FleetWebhook:
        for hook in self.hooks:
            if hook.webhook_id == p.webhook_id:
                return hook
        raise NotFound("webhook", f"No webhook with webhook_id {p.webhook_id}")

    async def create(self, p: CreateWebhook) -> FleetWebhook:
        url = _checked_url(p.url)
        types = _checked_types(p.event_types)
        async with self._writing:
            await self._read()
            return await self._create(url, types)

    async def _create(self, url: str, types: tuple[str, ...] | None) -> FleetWebhook:
        for index, known in enumerate(self.hooks):
            if known.url == url:
                changed = replace(known, event_types=types)
                await self._save([*self.hooks[:index], changed, *self.hooks[index + 1 :]])
                return changed
        made = FleetWebhook(str(uuid.uuid4()), url, new_secret(), types)
        await self._save([*self.hooks, made])
        return made

    async def update(self, p: UpdateWebhook) -> None:
        types = _checked_types(p.event_types)
        async with self._writing:
            await self._read()
            hook = self.get(WebhookRef(webhook_id=p.webhook_id))
            changed = replace(hook, event_types=types)
            await self._save([changed if h is hook else h for h in self.hooks])

    async def delete(self, p: WebhookRef) -> None:
        async with self._writing:
            await self._read()
            hook = self.get(p)
            await self._save([h for h in self.hooks if h is not hook])

    async def listed(self) -> list[FleetWebhook]:
        await self._read()
        return self.hooks

    async def find(self, p: WebhookRef) -> FleetWebhook:
        await self._read()
        return self.get(p)


def view(hook: FleetWebhook, *, with_secret: bool) -> dict[str, Any]:
    """The cloud's `webhook` (its secret on create and get only)."""
    body: dict[str, Any] = {
        "webhook_id": hook.webhook_id,
        "url": hook.url,
        "event_types": [ALL_EVENTS] if hook.event_types is None else list(hook.event_types),
    }
    if with_secret:
        body["secret"] = hook.secret
    return body


def _checked_url(url: str) -> str:
    try:
        return check_webhook_url(url)
    except ValueError as exc:
        raise invalid("url", str(exc)) from None


def _checked_types(types: list[str] | None) -> tuple[str, ...] | None:
    if types is None or ALL_EVENTS in types:
        return None
    named = tuple(dict.fromkeys(types))
    unknown = unknown_event_types(named)
    if unknown:
        close = closest_event_type(unknown[0])
        hint = f" (did you mean {close}?)" if close else ""
        raise invalid(
            "event_types",
            f"unknown event type {unknown[0]!r}{hint}: hubs emit "
            f'{", ".join(sorted(EVENT_TYPES))}, or "{ALL_EVENTS}" for every event',
        )
    if not named:
        raise invalid("event_types", f'name at least one event type, or "{ALL_EVENTS}"')
    return named
