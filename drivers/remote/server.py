"""The lock side: hosts VirtualLocks and answers slot operations over HTTP.

Errors cross the wire by name (`LockOffline`, `DuplicateCode`, ...), so the client raises the
same typed errors a local driver would.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from drivers.base import DriverError
from drivers.remote.wire import reading_to_json, window_from_json
from drivers.virtual import VirtualLock, make_lock
from drivers.virtual.lock import Faults

LOCKS = web.AppKey("locks", dict[str, VirtualLock])


def _lock(request: web.Request) -> VirtualLock:
    lock = request.app[LOCKS].get(request.match_info["ref"])
    if lock is None:
        raise web.HTTPNotFound()
    return lock


async def _call(action: Callable[[], Awaitable[Any]]) -> web.Response:
    try:
        return web.json_response({"ok": True, "result": await action()})
    except DriverError as exc:
        return web.json_response({"ok": False, "error": type(exc).__name__, "message": str(exc)})


async def list_locks(request: web.Request) -> web.Response:
    return web.json_response(
        [
            {"ref": ref, "name": lock.name, "capabilities": lock.capabilities.to_dict()}
            for ref, lock in request.app[LOCKS].items()
        ]
    )


async def operate(request: web.Request) -> web.Response:
    lock = _lock(request)
    body = await request.json() if request.can_read_body else {}
    op = request.match_info["op"]

    async def state() -> dict[str, Any]:
        result = await lock.state()
        return {"online": result.online, "locked": result.locked, "battery": result.battery_level}

    async def read_slots() -> list[dict[str, Any]]:
        return [reading_to_json(r) for r in await lock.read_slots()]

    async def read_slot() -> dict[str, Any]:
        return reading_to_json(await lock.read_slot(body["slot"]))

    async def write_slot() -> None:
        await lock.write_slot(
            body["slot"], body["code"], body.get("name"), window_from_json(body.get("window"))
        )

    async def clear_slot() -> None:
        await lock.clear_slot(body["slot"])

    async def checksum() -> int | None:
        return await lock.checksum()

    async def set_locked() -> None:
        await lock.set_locked(body["locked"])

    actions: dict[str, Callable[[], Awaitable[Any]]] = {
        "state": state,
        "read_slots": read_slots,
        "read_slot": read_slot,
        "write_slot": write_slot,
        "clear_slot": clear_slot,
        "checksum": checksum,
        "set_locked": set_locked,
    }
    if op not in actions:
        raise web.HTTPNotFound()
    return await _call(actions[op])


async def inspect(request: web.Request) -> web.Response:
    """What the lock really holds (tests), and its operation counts."""
    lock = _lock(request)
    return web.json_response(
        {"codes": {str(k): v for k, v in lock.codes().items()}, "operations": lock.operations}
    )


async def keypad(request: web.Request) -> web.Response:
    lock = _lock(request)
    body = await request.json()
    if body.get("code") is None:
        lock.keypad_clear(body["slot"], notify=body.get("notify", True))
        return web.json_response({"ok": True})
    return web.json_response(
        {"ok": lock.keypad_set(body["slot"], body["code"], notify=body.get("notify", True))}
    )


async def faults(request: web.Request) -> web.Response:
    lock = _lock(request)
    body = await request.json()
    for key, value in body.items():
        if not hasattr(lock.faults, key):
            raise web.HTTPBadRequest(text=f"no fault {key}")
        setattr(lock.faults, key, value)
    return web.json_response(dataclasses.asdict(lock.faults))


def build_app(profiles: dict[str, str], delay: float) -> web.Application:
    app = web.Application()
    app[LOCKS] = {
        ref: make_lock(profile, ref, ref.replace("-", " ").title(), Faults(delay=delay))
        for ref, profile in profiles.items()
    }
    app.router.add_get("/locks", list_locks)
    app.router.add_post("/locks/{ref}/op/{op}", operate)
    app.router.add_get("/locks/{ref}", inspect)
    app.router.add_post("/locks/{ref}/keypad", keypad)
    app.router.add_post("/locks/{ref}/faults", faults)
    return app


async def serve(host: str, port: int, profiles: dict[str, str], delay: float) -> None:
    runner = web.AppRunner(build_app(profiles, delay), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    print(f"virtual locks ready on http://{host}:{port}", flush=True)
    await asyncio.Event().wait()
