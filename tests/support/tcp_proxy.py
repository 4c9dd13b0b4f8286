"""A TCP proxy in the test process, between a client (a hub) and a server (the broker), that
can cut the link the two ways a real one breaks:

- `cut()`: every connection is closed cleanly (both ends see it end at once, as when a router
  reboots or a cable is pulled and the stack notices) and new connections are refused;
- `black_hole()`: bytes stop flowing but nobody is told (a link that silently drops packets).
  Bytes are held, not lost, as TCP would keep retransmitting them: when the link is restored
  they flow on. A connection whose end closed inside the hole did not survive it: `restore()`
  closes its other end instead. New connections are accepted but stay silent.

`restore()` ends either. The proxy runs in a thread of its own with its own event loop, so a
synchronous test drives it with plain calls."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from tests.support.daemon import free_port

CHUNK = 65536


class Direction(Enum):
    UP = "client to server"
    DOWN = "server to client"


@dataclass(eq=False)
class _Link:
    client: asyncio.StreamWriter
    server: asyncio.StreamWriter
    held: dict[Direction, bytearray] = field(
        default_factory=lambda: {Direction.UP: bytearray(), Direction.DOWN: bytearray()}
    )
    dead: bool = False  # an end closed while bytes were held: restore closes the other one
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def close(self) -> None:
        self.closed.set()
        for writer in (self.client, self.server):
            if not writer.is_closing():
                writer.close()


class TcpProxy:
    def __init__(self, server_port: int, server_host: str = "127.0.0.1") -> None:
        self.server_host, self.server_port = server_host, server_port
        self.port = free_port()
        self._links: set[_Link] = set()
        self._refusing = False
        self._holding: set[Direction] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="tcp-proxy")
        self.accepted = 0  # connections accepted and forwarded (refused ones not counted)

    # -- the test's side -------------------------------------------------------------------

    def start(self) -> TcpProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("tcp proxy did not start")
        return self

    def stop(self) -> None:
        self._call(self._close_all())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def cut(self) -> None:
        """Close every connection now (both ends see a clean close); refuse new ones."""
        self._call(self._cut())

    def black_hole(self, *directions: Direction) -> None:
        """Bytes stop flowing in `directions` (both when none is named), silently."""
        self._call(self._hole(set(directions or Direction)))

    def restore(self) -> None:
        """The link works again: held bytes flow on, new connections are forwarded."""
        self._call(self._restore())

    @property
    def connections(self) -> int:
        return len(self._links)

    @property
    def stalled(self) -> int:
        """Connections an end of which closed inside the hole (the other end not told yet)."""
        return sum(1 for link in list(self._links) if link.dead)

    def held(self, direction: Direction) -> int:
        """Bytes the hole holds in that direction, over every connection."""
        return sum(len(link.held[direction]) for link in list(self._links))

    # -- the proxy's thread ------------------------------------------------------------------

    def _call(self, coro: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", self.port)
        )
        self._ready.set()
        self._loop.run_forever()
        server.close()
        self._loop.run_until_complete(server.wait_closed())

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._refusing:
            writer.close()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(
                self.server_host, self.server_port
            )
        except OSError:
            writer.close()
            return
        if self._refusing:  # cut while connecting
            server_writer.close()
            writer.close()
            return
        link = _Link(writer, server_writer)
        self._links.add(link)
        self.accepted += 1
        await asyncio.gather(
            self._pump(link, Direction.UP, reader, server_writer),
            self._pump(link, Direction.DOWN, server_reader, writer),
        )
        self._links.discard(link)

    async def _pump(
        self,
        link: _Link,
        direction: Direction,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        try:
            while data := await reader.read(CHUNK):
                if direction in self._holding:
                    link.held[direction] += data
                    continue
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        if self._holding:
            link.dead = True  # the other end learns nothing until the hole ends
            await link.closed.wait()
        link.close()

    async def _cut(self) -> None:
        self._refusing = True
        await self._close_all()

    async def _close_all(self) -> None:
        for link in list(self._links):
            link.close()

    async def _hole(self, directions: set[Direction]) -> None:
        self._holding |= directions

    async def _restore(self) -> None:
        # One step of the loop: no pump runs between flushing what was held and flowing again.
        for link in list(self._links):
            if link.dead:
                link.close()
                self._links.discard(link)
                continue
            for direction, writer in ((Direction.UP, link.server), (Direction.DOWN, link.client)):
                if link.held[direction] and not writer.is_closing():
                    writer.write(bytes(link.held[direction]))
                link.held[direction].clear()
        self._holding.clear()
        self._refusing = False
