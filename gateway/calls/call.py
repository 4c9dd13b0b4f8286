"""What a route's handler is given (a `Call`: the services, the request's parameters, the
pagination object) and what the route table holds (`Route`). No transport in here: the HTTP API
and the MQTT API each build a `RequestCall` from what they received."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.calls import params
from gateway.service.bundle import Services
from gateway.wire.body import decode_object
from gateway.wire.pagination import encode_cursor
from gateway.wire.requests import Params

# A route's answer: the resources it renders, without the `"ok": true` every success carries
# (the surfaces add it: `succeeded`).
Answer = dict[str, Any]


class Call(Protocol):
    @property
    def services(self) -> Services: ...

    def params[P: Params](self, model: type[P]) -> P:
        """The request's parameters as `model` (invalid_input naming the field otherwise)."""
        ...

    def pagination(self, next_seq: int | None) -> dict[str, Any]:
        """The cloud's `pagination` object for a page that ends before `next_seq`."""
        ...


Handler = Callable[[Call], Answer]
AsyncHandler = Callable[[Call], Awaitable[Answer]]


@dataclass(frozen=True)
class Route:
    """One route of the API. `read_only`: nothing changes (its get/list calls), so a retried
    request simply runs again. A route whose service must wait (a simulated lock reporting
    back) has `waits` instead of `run`."""

    path: str
    methods: tuple[str, ...]
    run: Handler | None = None
    waits: AsyncHandler | None = None
    read_only: bool = False

    async def answer(self, call: Call) -> Answer:
        if self.run is not None:
            return self.run(call)
        assert self.waits is not None, self.path
        return await self.waits(call)


GET_POST = ("GET", "POST")
POST = ("POST",)


def reading(path: str, run: Handler, methods: tuple[str, ...] = GET_POST) -> Route:
    return Route(path, methods, run=run, read_only=True)


def changing(path: str, methods: tuple[str, ...], run: Handler) -> Route:
    return Route(path, methods, run=run)


def succeeded(answer: Answer) -> dict[str, Any]:
    """The body of a successful answer, as the cloud renders it."""
    return {**answer, "ok": True}


@dataclass
class RequestCall:
    """A call from what a request carried: a query string (ordered pairs) or a JSON body (the
    raw bytes, decoded on first use within the API's bounds, or an object already decoded).
    `page_url` makes the next page's URL from its cursor (HTTP); without it the URL is null."""

    services: Services
    query: params.Query | None = None
    body: bytes | dict[str, Any] | None = None
    page_url: Callable[[str], str] | None = None

    def params[P: Params](self, model: type[P]) -> P:
        if self.query is not None:
            return params.from_query(self.query, model)
        if isinstance(self.body, bytes):
            self.body = decode_object(self.body)
        return params.from_body(self.body or {}, model)

    def pagination(self, next_seq: int | None) -> dict[str, Any]:
        if next_seq is None:
            return {"has_next_page": False, "next_page_cursor": None, "next_page_url": None}
        cursor = encode_cursor(next_seq)
        url = None if self.page_url is None else self.page_url(cursor)
        return {"has_next_page": True, "next_page_cursor": cursor, "next_page_url": url}
