"""A list gathered from several hubs (gateway.fleet.lists does the paging arithmetic): each
hub's page of the route's own list key, in hub_id order; `events/list` merged newest first."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from gateway.fleet import lists
from gateway.fleet.directory import Directory
from gateway.fleet.incoming import Incoming, Outgoing
from gateway.fleet.requester import HubAnswer
from gateway.fleet.router import Gather
from gateway.wire.errors import ApiError, invalid
from gateway.wire.routes import Declared

Ask = Callable[[str, dict[str, Any]], Awaitable[HubAnswer]]
LEFT_OUT = ("hub_unreachable", "hub_timeout")


async def page(
    ask: Ask,
    incoming: Incoming,
    declared: Declared,
    params: dict[str, Any],
    decision: Gather,
    directory: Directory,
) -> Outgoing:
    cursor = params.get("page_cursor")
    start = lists.decode_cursor(cursor) if isinstance(cursor, str) else None
    if start is not None and start.hub_id not in directory.hubs:
        raise invalid("page_cursor", lists.NOT_ISSUED)
    page = lists.PageAcrossHubs(decision.hub_ids, lists.limit_of(params), start)
    key = declared.list_keys[0]
    unique = declared.same_on_every_hub
    seen: set[object] = set()
    unreachable = list(decision.unreachable)
    while (next_ask := page.next_request()) is not None:
        hub_id, hub_cursor, left = next_ask
        changes: dict[str, Any] = {"page_cursor": hub_cursor}
        if left is not None:
            changes["limit"] = left
        try:
            answer = await ask(hub_id, incoming.fresh().payload(**changes))
        except ApiError as exc:
            if exc.error_type not in LEFT_OUT:
                raise
            unreachable.append(hub_id)
            page.skip_hub()
            continue
        if not answer.succeeded:
            return Outgoing(answer.status, answer.body, answer.hub_id)
        items = answer.body.get(key)
        items = items if isinstance(items, list) else []
        if unique is not None:  # the same thing on every hub: listed once
            items = [i for i in items if _first(i, unique, seen)]
        page.take(items, _hub_next_cursor(answer.body))
    following = page.next_cursor
    next_cursor = None if following is None else following.encode()
    pagination = {
        "has_next_page": next_cursor is not None,
        "next_page_cursor": next_cursor,
        "next_page_url": None,  # the front writes its own URL (gateway/fleet/app.py)
    }
    body = {**{k: page.items for k in declared.list_keys}, "pagination": pagination, "ok": True}
    return Outgoing(200, body, None, tuple(sorted(set(unreachable))))


async def events(
    ask: Ask, incoming: Incoming, params: dict[str, Any], decision: Gather
) -> Outgoing:
    offset, limit = lists.events_window(params)
    each = lists.events_asked_of_each_hub(offset, limit)
    payload = incoming.fresh().payload(unstable_offset=None, limit=each)
    asks = [ask(hub_id, payload) for hub_id in decision.hub_ids]
    results = await asyncio.gather(*asks, return_exceptions=True)
    per_hub: list[list[Any]] = []
    unreachable = list(decision.unreachable)
    for hub_id, result in zip(decision.hub_ids, results, strict=True):
        if isinstance(result, ApiError) and result.error_type in LEFT_OUT:
            unreachable.append(hub_id)
        elif isinstance(result, BaseException):
            raise result
        elif not result.succeeded:
            return Outgoing(result.status, result.body, result.hub_id)
        else:
            found = result.body.get("events")
            per_hub.append(found if isinstance(found, list) else [])
    merged = lists.merge_events(per_hub, offset, limit)
    return Outgoing(200, {"events": merged, "ok": True}, None, tuple(sorted(unreachable)))


def _first(item: Any, id_key: str, seen: set[object]) -> bool:
    some_id = item.get(id_key) if isinstance(item, dict) else None
    if some_id is None:
        return True
    if some_id in seen:
        return False
    seen.add(some_id)
    return True


def _hub_next_cursor(body: dict[str, Any]) -> str | None:
    pagination = body.get("pagination")
    if not isinstance(pagination, dict):
        return None
    cursor = pagination.get("next_page_cursor")
    return cursor if isinstance(cursor, str) and pagination.get("has_next_page") else None
