"""What a route's handler is given (a `Call`: the services, the request's parameters, the
pagination object) and what the route table holds (`Route`). No transport in here: the HTTP API
and the MQTT API each build a `RequestCall` from what they received."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.calls import params
from gateway.service.bundle import Services
from gateway.wire import routes
from gateway.wire.body import decode_object
from gateway.wire.pagination import encode_cursor
from gateway.wire.requests import Params
from gateway.wire.routes import Declared

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
    """A declared route of the API (gateway/wire/routes.py: path, methods, model, read_only)
    bound to its handler. `read_only`: nothing changes (its get/list calls), so a retried request
    simply runs again. A route whose service must wait (a simulated lock reporting back) has
    `waits` instead of `run`."""

    declared: Declared
    run: Handler | None = None
    waits: AsyncHandler | None = None

    @property
    def path(self) -> str:
        return self.declared.path

    @property
    def methods(self) -> tuple[str, ...]:
        return self.declared.methods

    @property
    def read_only(self) -> bool:
        return self.declared.read_only

    async def answer(self, call: Call) -> Answer:
        if self.run is not None:
            return self.run(call)
        assert self.waits is not None, self.path
        return await self.waits(call)


def _declared(path: str, *, read_only: bool) -> Declared:
    declared = routes.BY_PATH[path]
    assert declared.read_only == read_only, f"{path} is declared read_only={declared.read_only}"
    return declared


def reading(path: str, run: Handler) -> Route:
    return Route(_declared(path, read_only=True), run=run)


def changing(path: str, run: Handler) -> Route:
    return Route(_declared(path, read_only=False), run=run)


def waiting(path: str, waits: AsyncHandler) -> Route:
    return Route(_declared(path, read_only=False), waits=waits)


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
