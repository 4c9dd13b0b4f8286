"""A real HTTP webhook receiver on 127.0.0.1, in its own thread and event loop."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.daemon import free_port


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    at: float = field(default_factory=time.time)  # when it arrived (wall clock)


@dataclass
class Receiver:
    up: bool = True
    delay: float = 0.0  # a slow receiver: seconds before it answers
    redirect_to: str | None = None  # answers every POST with 307 to this URL
    received: list[Received] = field(default_factory=list)
    refused: int = 0

    def __post_init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("receiver did not start")

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._runner = runner
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.text()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.redirect_to is not None:
            with self._lock:
                self.refused += 1
            raise web.HTTPTemporaryRedirect(self.redirect_to)
        with self._lock:
            if not self.up:
                self.refused += 1
                return web.Response(status=503)
            self.received.append(Received(dict(request.headers), body))
        return web.Response(status=204)

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
