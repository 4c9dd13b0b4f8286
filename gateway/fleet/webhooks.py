"""`/webhooks/*` on the front: the fleet's webhooks, kept in the retained `R/fleet/webhooks`
document (gateway/wire/fleet_webhooks.py) so every front sees every webhook and every hub
delivers to them. Fronts share nothing but the broker: a change is an intent this front keeps
writing onto the latest document until the broker's document holds it and stays so for a moment
(gateway/fleet/webhook_intents.py), so that fronts changing webhooks at once lose none.

The rules are the hub's own (gateway/service/webhooks.py): a URL is registered once (creating it
again sets its event types and answers the same webhook and secret), event types must be ones a
hub emits, `"*"` (or none) is every event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from gateway.config import check_webhook_url
from gateway.domain.event_types import EVENT_TYPES, closest_event_type, unknown_event_types
from gateway.fleet.requester import broker_unreachable
from gateway.fleet.webhook_intents import Create, Delete, Intent, Ledger, State, Tracked, Update
from gateway.webhooks.signing import new_secret
from gateway.wire import fleet_webhooks as doc
from gateway.wire.errors import ApiError, NotFound, invalid
from gateway.wire.fleet_webhooks import FleetWebhook
from gateway.wire.webhooks import ALL_EVENTS, CreateWebhook, UpdateWebhook, WebhookRef

log = logging.getLogger(__name__)

Publish = Callable[[bytes], Awaitable[None]]
# The broker sends a retained document right after the subscription; none within this long
# after connecting: the fleet has no webhooks document yet.
NO_DOCUMENT_AFTER = 1.0
READY_WAIT = 5.0
# A publish that failed (the connection is going): try again after this long at the soonest.
REPUBLISH_AFTER = 0.2


def fleet_busy() -> ApiError:
    return ApiError(
        "fleet_busy",
        "The fleet's webhooks are being changed through other fronts at the same time and this "
        "change did not settle in time; it was not applied: try again",
        status=503,
    )


class FrontWebhooks:
    def __init__(
        self,
        publish: Publish,
        *,
        no_document_after: float = NO_DOCUMENT_AFTER,
        ledger: Ledger | None = None,
    ) -> None:
        self._publish = publish
        self.no_document_after = no_document_after
        self._ledger = ledger or Ledger()
        # A change is written over the document the broker holds: never before it was read.
        self._known = asyncio.Event()
        self._grace: asyncio.TimerHandle | None = None
        self._changed = asyncio.Event()
        self._callers: dict[Tracked, asyncio.Future[FleetWebhook | None]] = {}
        self._worker: asyncio.Task[None] | None = None

    @property
    def hooks(self) -> list[FleetWebhook]:
        return list(self._ledger.view())

    def on_connected(self) -> None:
        self._grace = asyncio.get_running_loop().call_later(
            self.no_document_after, self._nothing_retained
        )

    def on_disconnected(self) -> None:
        if self._grace is not None:
            self._grace.cancel()
        self._known.clear()
        self._ledger.disconnected()

    def on_document(self, payload: bytes) -> None:
        """The retained document changed (another front, or this one): it is the truth."""
        try:
            document = doc.parse_document(payload)
        except doc.BadFleetWebhooks as exc:
            log.warning("fleet: the webhooks document is unusable (%s): kept the last one", exc)
            self._nothing_retained()
            return
        self._ledger.seen(document, asyncio.get_running_loop().time())
        self._known.set()
        self._kick()

    def _nothing_retained(self) -> None:
        self._ledger.nothing_retained(asyncio.get_running_loop().time())
        self._known.set()
        self._kick()

    async def _read(self) -> None:
        try:
            await asyncio.wait_for(self._known.wait(), READY_WAIT)
        except TimeoutError:
            raise broker_unreachable() from None

    def get(self, p: WebhookRef) -> FleetWebhook:
        for hook in self._ledger.view():
            if hook.webhook_id == p.webhook_id:
                return hook
        raise NotFound("webhook", f"No webhook with webhook_id {p.webhook_id}")

    async def create(self, p: CreateWebhook) -> FleetWebhook:
        url = _checked_url(p.url)
        types = _checked_types(p.event_types)
        made = await self._change(Create(FleetWebhook(str(uuid.uuid4()), url, new_secret(), types)))
        assert made is not None  # a create's outcome is the webhook its URL has
        return made

    async def update(self, p: UpdateWebhook) -> None:
        types = _checked_types(p.event_types)
        await self._read()
        hook = self.get(WebhookRef(webhook_id=p.webhook_id))
        await self._change(Update(hook.webhook_id, types))

    async def delete(self, p: WebhookRef) -> None:
        await self._read()
        hook = self.get(p)
        await self._change(Delete(hook.webhook_id))

    async def listed(self) -> list[FleetWebhook]:
        await self._read()
        return self.hooks

    async def find(self, p: WebhookRef) -> FleetWebhook:
        await self._read()
        return self.get(p)

    async def _change(self, intent: Intent) -> FleetWebhook | None:
        """Answers once the broker's document holds the change and settled (or raises)."""
        await self._read()
        loop = asyncio.get_running_loop()
        entry = self._ledger.add(intent, loop.time())
        answer: asyncio.Future[FleetWebhook | None] = loop.create_future()
        self._callers[entry] = answer
        self._kick()
        try:
            return await answer
        finally:
            self._callers.pop(entry, None)

    def _kick(self) -> None:
        self._changed.set()
        if (self._ledger.tracked or self._ledger.finished) and (
            self._worker is None or self._worker.done()
        ):
            self._worker = asyncio.get_running_loop().create_task(
                self._work(), name="fleet-webhooks"
            )

    async def _work(self) -> None:
        try:
            await self._write()
        except Exception as exc:  # a defect: no caller may wait forever for it
            log.error(
                "fleet: the webhooks writer stopped (%s): changes dropped", type(exc).__name__
            )
            self._ledger.tracked.clear()
            self._ledger.finished.clear()
            for answer in self._callers.values():
                if not answer.done():
                    answer.set_exception(fleet_busy())

    async def _write(self) -> None:
        """Writes this front's intents until each settled or was dropped, answering callers."""
        loop = asyncio.get_running_loop()
        while True:
            self._changed.clear()
            now = loop.time()
            for entry in self._ledger.due(now):
                self._answer(entry)
            document = self._ledger.next_document(now)
            pause = None
            if document is not None:
                assert document.revision is not None
                payload = doc.document(
                    document.webhooks, revision=document.revision, based_on=document.based_on
                )
                try:
                    await self._publish(payload)
                except Exception as exc:  # the connection is going: try again
                    log.warning("fleet: the webhooks document was not published: %s", exc)
                    self._ledger.not_sent(document.revision)
                    pause = REPUBLISH_AFTER
                else:
                    continue
            wake = self._ledger.wake_at()
            if wake is None:
                return
            timeout = max(0.0, wake - loop.time())
            if pause is not None:
                timeout = min(timeout, pause)
                self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)

    def _answer(self, entry: Tracked) -> None:
        answer = self._callers.get(entry)
        if answer is None or answer.done():
            return
        if entry.state is State.ANSWERED:
            answer.set_result(entry.result)
        else:
            log.warning("fleet: a webhooks change did not settle in time: dropped")
            answer.set_exception(fleet_busy() if self._known.is_set() else broker_unreachable())


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
