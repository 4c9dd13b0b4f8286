"""A call through the front: routed (gateway.fleet.router), asked of its hub(s) over MQTT
(gateway.fleet.requester), answered as one hub would answer it. Lists across hubs are paged and
merged with gateway.fleet.lists."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from gateway.fleet import lists
from gateway.fleet.directory import Directory
from gateway.fleet.learnt import LearntIds
from gateway.fleet.requester import HubAnswer, Requester, broker_unreachable
from gateway.fleet.router import Gather, One, Scatter, route_call
from gateway.wire.errors import ApiError

EVENTS_LIST = "/events/list"
BROKER_WAIT = 2.0  # a call arriving while the front (re)connects waits this long at most
NOT_FOUND = 404


@dataclass(frozen=True)
class Incoming:
    """A call as the front received it: a JSON body, or a GET's query string as pairs."""

    route: str
    body: dict[str, Any] | None = None
    query: tuple[tuple[str, str], ...] | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    hub_named: str | None = None

    def params(self) -> dict[str, Any]:
        """What routing reads: the body, or the query (repeated keys and `*_ids` as lists)."""
        if self.body is not None:
            return self.body
        found: dict[str, Any] = {}
        for key, value in self.query or ():
            if key in found and isinstance(found[key], list):
                found[key].append(value)
            elif key in found:
                found[key] = [found[key], value]
            else:
                found[key] = [value] if key.endswith("_ids") else value
        return found

    def payload(self, **changes: Any) -> dict[str, Any]:
        """The request a hub is sent; `changes` set (or, with None, drop) parameters."""
        message: dict[str, Any] = {"route": self.route, "request_id": self.request_id}
        if self.body is not None or self.query is None:
            body = dict(self.body or {})
            for key, value in changes.items():
                body.pop(key, None)
                if value is not None:
                    body[key] = value
            message["body"] = body
        else:
            pairs = [[k, v] for k, v in self.query if k not in changes]
            pairs += [[k, str(v)] for k, v in changes.items() if v is not None]
            message["query"] = pairs
        return message

    def fresh(self) -> Incoming:
        """The same call under a new request id (read-only asks of several hubs)."""
        return Incoming(self.route, self.body, self.query, uuid.uuid4().hex, self.hub_named)


@dataclass(frozen=True)
class Outgoing:
    status: int
    body: dict[str, Any]
    hub_id: str | None = None  # the hub that answered (header Lockgw-Hub)
    unreachable: tuple[str, ...] = ()  # left out (header Lockgw-Hubs-Unreachable)


class Forwarder:
    def __init__(
        self,
        directory: Directory,
        learnt: LearntIds,
        requester: Requester,
        settled: asyncio.Event | None = None,
    ) -> None:
        self.directory = directory
        self.learnt = learnt
        self.requester = requester
        # Set while the front is connected and knows the hubs (gateway.fleet.link); None: always.
        self.settled = settled

    async def call(self, incoming: Incoming) -> Outgoing:
        if self.settled is not None and not self.settled.is_set():
            try:
                await asyncio.wait_for(self.settled.wait(), BROKER_WAIT)
            except TimeoutError:
                raise broker_unreachable() from None
        out = await self._call(incoming)
        if _route_refused(out.body):  # no hub has this route: as a hub's HTTP API says it
            body = {
                "error": {"type": "endpoint_not_found", "message": f"No endpoint {incoming.route}"},
                "ok": False,
            }
            return Outgoing(404, body, None, out.unreachable)
        return out

    async def _call(self, incoming: Incoming) -> Outgoing:
        decision = route_call(
            incoming.route,
            incoming.params(),
            self.directory,
            self.learnt,
            hub_named=incoming.hub_named,
        )
        if isinstance(decision, One):
            answer = await self._ask(decision.hub_id, incoming.payload())
            return Outgoing(answer.status, answer.body, answer.hub_id)
        if isinstance(decision, Scatter):
            return await self._scatter(incoming, decision)
        if incoming.route == EVENTS_LIST:
            return await self._events(incoming, decision)
        return await self._page(incoming, decision)

    async def _ask(self, hub_id: str, payload: dict[str, Any]) -> HubAnswer:
        answer = await self.requester.ask(hub_id, payload)
        if answer.succeeded:
            self.learnt.learn(answer.body, hub_id)
        return answer

    async def _scatter(self, incoming: Incoming, decision: Scatter) -> Outgoing:
        """Every online hub at once: the first 2xx wins; a refusal other than 404 comes next
        (the hub that knows the thing said no); all 404: the 404."""
        payload = incoming.payload()
        asks = {
            asyncio.ensure_future(self._ask(hub_id, payload)): hub_id for hub_id in decision.hub_ids
        }
        for task in asks:  # the answers after the winner are dropped, failures included
            task.add_done_callback(_drop_outcome)
        answers: dict[str, HubAnswer] = {}
        failures: dict[str, ApiError] = {}
        try:
            for finished in asyncio.as_completed(asks):
                try:
                    answer = await finished
                except ApiError as exc:
                    failures[_hub_of_error(exc)] = exc
                    continue
                if answer.succeeded:
                    return Outgoing(answer.status, answer.body, answer.hub_id)
                answers[answer.hub_id] = answer
        finally:
            for task in asks:
                task.cancel()
        unreachable = tuple(sorted({*decision.unreachable, *failures}))
        ordered = [answers[h] for h in sorted(answers)]
        for answer in ordered:
            if answer.status != NOT_FOUND:
                return Outgoing(answer.status, answer.body, answer.hub_id, unreachable)
        if ordered:
            return Outgoing(ordered[0].status, ordered[0].body, None, unreachable)
        raise next(iter(failures.values()))

    async def _page(self, incoming: Incoming, decision: Gather) -> Outgoing:
        params = incoming.params()
        cursor = params.get("page_cursor")
        start = lists.decode_cursor(cursor) if isinstance(cursor, str) else None
        page = lists.PageAcrossHubs(decision.hub_ids, lists.limit_of(params), start)
        found: dict[str, list[Any]] = {}
        unreachable = list(decision.unreachable)
        while (ask := page.next_request()) is not None:
            hub_id, hub_cursor, left = ask
            changes: dict[str, Any] = {"page_cursor": hub_cursor}
            if left is not None:
                changes["limit"] = left
            try:
                answer = await self._ask(hub_id, incoming.fresh().payload(**changes))
            except ApiError as exc:
                if exc.error_type not in ("hub_unreachable", "hub_timeout"):
                    raise
                unreachable.append(hub_id)
                page.skip_hub()
                continue
            if not answer.succeeded:
                return Outgoing(answer.status, answer.body, answer.hub_id)
            keyed = {k: v for k, v in answer.body.items() if isinstance(v, list)}
            for key, items in keyed.items():
                found.setdefault(key, []).extend(items)
            first = next(iter(keyed.values()), [])
            page.take(first, _hub_next_cursor(answer.body))
        if not found:
            found[_items_key(incoming.route)] = []
        following = page.next_cursor
        next_cursor = None if following is None else following.encode()
        pagination = {
            "has_next_page": next_cursor is not None,
            "next_page_cursor": next_cursor,
            "next_page_url": None,  # the front writes its own URL (gateway/fleet/app.py)
        }
        body = {**found, "pagination": pagination, "ok": True}
        return Outgoing(200, body, None, tuple(sorted(set(unreachable))))

    async def _events(self, incoming: Incoming, decision: Gather) -> Outgoing:
        offset, limit = lists.events_window(incoming.params())
        each = lists.events_asked_of_each_hub(offset, limit)
        payload = incoming.fresh().payload(unstable_offset=None, limit=each)
        asks = [self._ask(hub_id, payload) for hub_id in decision.hub_ids]
        results = await asyncio.gather(*asks, return_exceptions=True)
        per_hub: list[list[Any]] = []
        unreachable = list(decision.unreachable)
        for hub_id, result in zip(decision.hub_ids, results, strict=True):
            if isinstance(result, ApiError) and result.error_type in (
                "hub_unreachable",
                "hub_timeout",
            ):
                unreachable.append(hub_id)
            elif isinstance(result, BaseException):
                raise result
            elif not result.succeeded:
                return Outgoing(result.status, result.body, result.hub_id)
            else:
                events = result.body.get("events")
                per_hub.append(events if isinstance(events, list) else [])
        merged = lists.merge_events(per_hub, offset, limit)
        return Outgoing(200, {"events": merged, "ok": True}, None, tuple(sorted(unreachable)))


def _drop_outcome(task: asyncio.Future[HubAnswer]) -> None:
    if not task.cancelled():
        task.exception()


def _route_refused(body: dict[str, Any]) -> bool:
    """A hub's refusal of the request's `route` (the front forwards paths it does not know)."""
    error = body.get("error")
    if not isinstance(error, dict) or error.get("type") != "invalid_input":
        return False
    fields = error.get("validation_errors")
    return isinstance(fields, dict) and "route" in fields


def _hub_of_error(exc: ApiError) -> str:
    data = exc.data or {}
    hubs = data.get("hub_ids")
    return str(hubs[0]) if isinstance(hubs, list) and hubs else "?"


def _hub_next_cursor(body: dict[str, Any]) -> str | None:
    pagination = body.get("pagination")
    if not isinstance(pagination, dict):
        return None
    cursor = pagination.get("next_page_cursor")
    return cursor if isinstance(cursor, str) and pagination.get("has_next_page") else None


def _items_key(route: str) -> str:
    """The resources' key of a list route: `/access_codes/unmanaged/list` -> access_codes."""
    return route.strip("/").split("/")[0]
