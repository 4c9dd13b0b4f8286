"""The API's listening socket, bound before anything else starts: a port that is taken stops
the daemon in one line, before any lock has been contacted."""

from __future__ import annotations

import socket


class CannotListen(Exception):
    """The API's address cannot be bound (in use, not an address of this host, no permission)."""


def listen(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket for host:port (what aiohttp's TCPSite would bind)."""
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        return socket.create_server(address, family=family, backlog=128)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CannotListen(f"cannot listen on {host}:{port}: {reason}") from None
