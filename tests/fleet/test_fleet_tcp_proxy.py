"""The link the fleet tests cut (tests/support/tcp_proxy.py) breaks as real links do: a cut is
seen at once by both ends and refuses new connections; a black hole is silent, holds the bytes
and delivers them when the link is back, unless an end died meanwhile."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.support.tcp_proxy import Direction, TcpProxy
from tests.support.wait import eventually


def _echo(server: socket.socket) -> None:
    while True:
        try:
            conn, _ = server.accept()
        except OSError:
            return

        def serve(conn: socket.socket = conn) -> None:
            with conn:
                while data := conn.recv(1024):
                    conn.sendall(data)

        threading.Thread(target=serve, daemon=True).start()


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=_echo, args=(server,), daemon=True).start()
    link = TcpProxy(server.getsockname()[1]).start()
    yield link
    link.stop()
    server.close()


def _connect(proxy: TcpProxy) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    conn.sendall(b"hello")
    assert conn.recv(16) == b"hello"
    return conn


def test_a_cut_closes_both_ends_at_once_and_refuses_new_connections(proxy: TcpProxy) -> None:
    conn = _connect(proxy)
    proxy.cut()
    assert conn.recv(16) == b""  # the client sees the close
    refused = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    assert refused.recv(16) == b""
    proxy.restore()
    _connect(proxy).close()
    conn.close()
    refused.close()


def test_a_black_hole_holds_bytes_silently_and_delivers_them_when_restored(
    proxy: TcpProxy,
) -> None:
    conn = _connect(proxy)
    proxy.black_hole()
    conn.sendall(b"late")
    eventually(lambda: proxy.held(Direction.UP) == 4)
    conn.settimeout(0.3)
    with pytest.raises(TimeoutError):
        conn.recv(16)
    proxy.restore()
    conn.settimeout(5)
    assert conn.recv(16) == b"late"
    proxy.black_hole(Direction.DOWN)  # one way only: the request goes, the echo is held
    conn.sendall(b"x")
    eventually(lambda: proxy.held(Direction.DOWN) == 1)
    proxy.restore()
    assert conn.recv(16) == b"x"
    conn.close()


def test_a_connection_whose_end_died_in_the_hole_is_closed_when_restored(
    proxy: TcpProxy,
) -> None:
    conn = _connect(proxy)
    proxy.black_hole()
    conn.close()
    eventually(lambda: proxy.stalled == 1)  # the proxy saw the close, the server was not told
    assert proxy.connections == 1
    proxy.restore()
    eventually(lambda: proxy.connections == 0)
