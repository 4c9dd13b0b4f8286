"""The app's services, the handler type, and a route of the table run over HTTP: the request
becomes a `Call` (its query string as ordered pairs for GET/DELETE, its body read once
otherwise), the route's handler answers, the answer renders (`{...resources, "ok": true}`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web

from gateway.calls.call import RequestCall, Route, succeeded
from gateway.calls.params import query_is_empty
from gateway.service.bundle import Services

SERVICES = web.AppKey("services", Services)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

QUERY_METHODS = ("GET", "DELETE", "HEAD")


async def http_call(request: web.Request) -> RequestCall:
    """GET/DELETE read the query string; a DELETE with no query but a body reads its body (as
    JSON, strictly, like every other method)."""
    services = request.app[SERVICES]

    def page_url(cursor: str) -> str:  # the URL is built only for a page that has a next one
        return str(request.url.update_query(page_cursor=cursor))

    if request.method in QUERY_METHODS:
        query = list(request.query.items())
        if not (request.method == "DELETE" and request.can_read_body and query_is_empty(query)):
            return RequestCall(services, query=query, page_url=page_url)
    return RequestCall(services, body=await request.read(), page_url=page_url)


def handler(route: Route) -> Handler:
    async def handle(request: web.Request) -> web.Response:
        answer = await route.answer(await http_call(request))
        return web.Response(body=orjson.dumps(succeeded(answer)), content_type="application/json")

    handle.__name__ = route.path.strip("/").replace("/", "_")
    return handle
