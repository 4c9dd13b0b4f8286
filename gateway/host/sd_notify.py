"""systemd's notify protocol (Type=notify): READY, STATUS, WATCHDOG, STOPPING.

Written here rather than depending on a library: it is one datagram to $NOTIFY_SOCKET. The
watchdog pings come from a task on the event loop, so a stuck loop stops them and systemd
restarts the daemon.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable


def notify(message: str) -> bool:
    """Send one notification; False when not run by systemd (no NOTIFY_SOCKET)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(message.encode())
    return True


def watchdog_interval() -> float | None:
    """Half of WatchdogSec, as systemd recommends; None when no watchdog is set for us."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and int(pid) != os.getpid()):
        return None
    return int(usec) / 1_000_000 / 2


async def keep_alive(healthy: Callable[[], bool]) -> None:
    interval = watchdog_interval()
    if interval is None:
        return
    while True:
        if healthy():
            notify("WATCHDOG=1")
        await asyncio.sleep(interval)
