"""A call through the front: read as a hub reads it (the route's declaration and model, from
gateway/wire/routes.py), routed (gateway.fleet.router), asked of its hub(s) over MQTT
(gateway.fleet.requester), answered as one hub would answer it. Lists across hubs are gathered by
gateway.fleet.gather."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from gateway.fleet import gather
from gateway.fleet.directory import Directory
from gateway.fleet.incoming import Incoming, Outgoing
from gateway.fleet.learnt import LearntIds, credible
from gateway.fleet.requester import HubAnswer, Requester, broker_unreachable
from gateway.fleet.router import (
    Ask,
    Find,
    Gather,
    One,
    Scatter,
    endpoint_not_found,
    everywhere,
    hub_unreachable,
    route_call,
)
from gateway.wire import routes
from gateway.wire.errors import ApiError

__all__ = ["Forwarder", "Incoming", "Outgoing"]

EVENTS_LIST = "/events/list"
BROKER_WAIT = 2.0  # a call arriving while the front (re)connects waits this long at most
NOT_FOUND = 404
MAX_DEPTH = 8


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
        declared = routes.BY_PATH.get(incoming.route)
        if declared is None:
            raise endpoint_not_found(incoming.route)
        params = incoming.fields(declared)  # refused here exactly as a hub refuses it
        if self.settled is not None and not self.settled.is_set():
            try:
                await asyncio.wait_for(self.settled.wait(), BROKER_WAIT)
            except TimeoutError:
                raise broker_unreachable() from None
        out = await self._call(incoming, declared, params)
        if _route_refused(out.body):  # a hub of another version without this route
            return Outgoing(404, endpoint_not_found(incoming.route).body(), None, out.unreachable)
        return out

    async def _call(
        self, incoming: Incoming, declared: routes.Declared, params: dict[str, Any]
    ) -> Outgoing:
        decision = self._route(incoming, params)
        if isinstance(decision, Find):
            found: dict[str, str] = {}
            for ask in decision.asks:
                holder = await self._find(ask)
                if isinstance(holder, Outgoing):
                    if incoming.keyed and not _carries_pin(params):
                        # A retry (same Idempotency-Key) of a change that ran, whose thing is
                        # gone: the hub that ran it answers what it answered then.
                        return await self._scatter(incoming, everywhere(self.directory))
                    return holder  # nobody holds it: the hubs' own "not found"
                found[ask.value] = holder
            decision = self._route(incoming, params, found)
            assert not isinstance(decision, Find), "found hubs place the call"
        if isinstance(decision, One):
            answer = await self._ask(decision.hub_id, incoming.payload())
            return Outgoing(answer.status, answer.body, answer.hub_id)
        if isinstance(decision, Scatter):
            return await self._scatter(incoming, decision)
        if incoming.route == EVENTS_LIST:
            return await gather.events(self._ask, incoming, params, decision)
        return await gather.page(self._ask, incoming, declared, params, decision, self.directory)

    def _route(
        self, incoming: Incoming, params: dict[str, Any], found: dict[str, str] | None = None
    ) -> One | Scatter | Gather | Find:
        return route_call(
            incoming.route,
            params,
            self.directory,
            self.learnt,
            hub_named=incoming.hub_named,
            found=found,
        )

    async def _ask(self, hub_id: str, payload: dict[str, Any]) -> HubAnswer:
        answer = await self.requester.ask(hub_id, payload)
        if answer.succeeded:
            self.learnt.learn(answer.body, hub_id, self.directory.hubs_of_device)
        return answer

    async def _find(self, ask: Ask) -> str | Outgoing:
        """The hub holding `ask.value`, asked of every online hub with the read-only get (no
        PIN travels); none: the hubs' refusal, as the change would have had it."""
        online = self.directory.online()
        if not online:
            raise hub_unreachable(self.directory.offline())
        payload = {
            "route": ask.route,
            "body": {ask.param: ask.value},
            "request_id": uuid.uuid4().hex,
        }
        results = await asyncio.gather(
            *(self._ask(hub_id, payload) for hub_id in online), return_exceptions=True
        )
        holders: list[str] = []
        refusals: list[HubAnswer] = []
        failures: list[ApiError] = []
        for hub_id, result in zip(online, results, strict=True):
            if isinstance(result, ApiError):
                failures.append(result)
            elif isinstance(result, BaseException):
                raise result
            elif result.succeeded:
                if credible(result.body, hub_id, self.directory.hubs_of_device):
                    holders.append(hub_id)
            else:
                refusals.append(result)
        if len(holders) == 1:
            return holders[0]
        if holders:
            raise ApiError(
                "found_on_several_hubs",
                f"{ask.param} {ask.value} is found on several hubs: {', '.join(holders)}; the "
                "call is refused rather than sent to the wrong one",
                status=409,
                data={"hub_ids": holders},
            )
        unreachable = tuple(sorted({*self.directory.offline(), *map(_hub_of_error, failures)}))
        refusals.sort(key=lambda a: (a.status == NOT_FOUND, a.hub_id))
        if refusals:
            first = refusals[0]
            return Outgoing(first.status, first.body, None, unreachable)
        raise failures[0] if failures else hub_unreachable(unreachable)

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


def _carries_pin(value: Any, depth: int = 0) -> bool:
    """A `code` anywhere in the parameters (a PIN: never sent to a hub that does not hold it)."""
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, dict):
        return "code" in value or any(_carries_pin(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_carries_pin(v, depth + 1) for v in value)
    return False


def _drop_outcome(task: asyncio.Future[HubAnswer]) -> None:
    if not task.cancelled():
        task.exception()


def _route_refused(body: dict[str, Any]) -> bool:
    """A hub's refusal of the request's `route` (a hub of another version)."""
    error = body.get("error")
    if not isinstance(error, dict) or error.get("type") != "invalid_input":
        return False
    fields = error.get("validation_errors")
    return isinstance(fields, dict) and "route" in fields


def _hub_of_error(exc: ApiError) -> str:
    data = exc.data or {}
    hubs = data.get("hub_ids")
    return str(hubs[0]) if isinstance(hubs, list) and hubs else "?"
