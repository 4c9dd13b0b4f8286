"""The live timeline's server-sent events stream stays out of /metrics' request latency: a
stream open for an hour is not a request that took an hour. The API's timing middleware,
in-process, with a real aiohttp server and client."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from gateway.api.app import EVENT_STREAM, METRICS, timing


class Observed:
    """Stands in for Metrics: which routes were timed."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def observe_request(self, path: str, seconds: float) -> None:
        self.paths.append(path)


async def _stream(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": EVENT_STREAM})
    await response.prepare(request)
    await response.write(b"event: rows\ndata: <tr></tr>\n\n")
    return response


async def _plain(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def _serve_three_requests(observed: Observed) -> None:
    app = web.Application(middlewares=[timing])
    app[METRICS] = observed  # type: ignore[assignment]
    app.router.add_get("/ui/events/stream", _stream)
    app.router.add_get("/locks/list", _plain)
    async with TestClient(TestServer(app)) as client:
        streamed = await client.get("/ui/events/stream")
        assert (await streamed.read()).startswith(b"event: rows")
        asked = await client.get("/ui/events/stream", headers={"Accept": EVENT_STREAM})
        await asked.read()
        assert (await client.get("/locks/list")).status == 200


def test_an_event_stream_is_not_timed_but_every_other_request_is() -> None:
    observed = Observed()
    # In a thread of its own: Playwright's event loop may be running in this one (conftest).
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _serve_three_requests(observed)).result()
    assert observed.paths == ["/locks/list"]
