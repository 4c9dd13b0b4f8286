"""An emulated Nuki lock on a bumble link, reachable over loopback TCP (for `make run`).

Every process that connects (the daemon, `lockgw ble scan/pair`) gets its own virtual controller
on the lock's link, as if it had its own Bluetooth adapter in range of the lock; it speaks HCI
over the socket (bumble's `tcp-client:` transport, see `nukisim.remote`). With `--state` the
lock remembers its keys, pairings and keypad codes across restarts, like a real one.

usage: python -m nukisim.serve --port 7510 [--address F0:F0:F0:F0:F0:01] [--name Nuki_1A2B3C4D]
                               [--security-pin 1234] [--state FILE.json]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import nacl.public
from bumble.controller import Controller
from bumble.link import LocalLink
from bumble.transport.common import StreamPacketSink, StreamPacketSource

from drivers.base import Window
from drivers.nuki.messages import KeypadCode
from nukisim.host import NukiPeripheral
from nukisim.model import NukiModel, Reply

log = logging.getLogger("nukisim")


class _Adapter(asyncio.Protocol):
    """One connected process: a controller of its own on the lock's link."""

    numbers = itertools.count(1)

    def __init__(self, link: LocalLink, lock: NukiPeripheral) -> None:
        self.link, self.lock = link, lock
        self.source = StreamPacketSource()
        self.controller: Controller | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        number = next(self.numbers)
        self.controller = Controller(
            f"adapter-{number}",
            host_source=self.source,
            host_sink=StreamPacketSink(transport),
            link=self.link,
            public_address=f"F0:F0:F0:F0:E0:{number % 256:02X}",
        )

    def data_received(self, data: bytes) -> None:
        self.source.data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.controller is not None:
            self.link.remove_controller(self.controller)
        # The process is gone: the lock drops its link (it takes one at a time).
        for connection in list(self.lock.connections):
            task = asyncio.ensure_future(connection.disconnect())
            task.add_done_callback(lambda t: t.exception())


def _code_json(code: KeypadCode) -> dict[str, Any]:
    window = code.window
    return {
        "code_id": code.code_id,
        "code": code.code,
        "name": code.name,
        "enabled": code.enabled,
        "window": None
        if window is None
        else [window.starts_at.isoformat(), window.ends_at.isoformat()],
    }


def _code_from(data: dict[str, Any]) -> KeypadCode:
    window = data["window"]
    return KeypadCode(
        data["code_id"],
        data["code"],
        data["name"],
        data["enabled"],
        None if window is None else Window(*(datetime.fromisoformat(w) for w in window)),
    )


def save(model: NukiModel, path: Path) -> None:
    state = {
        "secret_key": bytes(model.secret_key).hex(),
        "authorizations": {a.hex(): k.hex() for a, k in model.authorizations.items()},
        "codes": [_code_json(c) for c in model.codes.values()],
        "next_code_id": model._next_code_id,
        "lock_state": int(model.lock_state),
        "advanced_config": model.advanced_config.hex(),
    }
    spare = path.with_suffix(".new")
    spare.write_text(json.dumps(state, indent=1))
    spare.replace(path)


def restore(model: NukiModel, path: Path) -> None:
    state = json.loads(path.read_text())
    model.secret_key = nacl.public.PrivateKey(bytes.fromhex(state["secret_key"]))
    model.public_key = bytes(model.secret_key.public_key)
    model.authorizations = {
        bytes.fromhex(a): bytes.fromhex(k) for a, k in state["authorizations"].items()
    }
    model.codes = {c["code_id"]: _code_from(c) for c in state["codes"]}
    model._next_code_id = state["next_code_id"]
    model.lock_state = state["lock_state"]
    if "advanced_config" in state:
        model.advanced_config = bytes.fromhex(state["advanced_config"])


def _remembering(model: NukiModel, path: Path) -> None:
    """Save the lock's memory after every frame it handles."""
    for name in ("on_pairing_write", "on_user_write"):
        handle = getattr(model, name)

        def remembered(data: bytes, handle: Any = handle) -> Reply:
            reply: Reply = handle(data)
            save(model, path)
            return reply

        setattr(model, name, remembered)


def lock_model(pin: int, state: Path | None) -> NukiModel:
    model = NukiModel(security_pin=pin)
    if state is not None:
        if state.exists():
            restore(model, state)
        _remembering(model, state)
    return model


async def serve(port: int, address: str, name: str, model: NukiModel) -> None:
    link = LocalLink()
    lock = NukiPeripheral(link, address, name, model)
    await lock.start()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Adapter(link, lock), "127.0.0.1", port)
    print(
        f"lockgw-nuki-sim: ready, lock {name} at {address}, HCI on tcp 127.0.0.1:{port}", flush=True
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(prog="nukisim.serve", description=__doc__)
    parser.add_argument("--port", type=int, default=7510)
    parser.add_argument("--address", default="F0:F0:F0:F0:F0:01")
    parser.add_argument("--name", default="Nuki_1A2B3C4D")
    parser.add_argument("--security-pin", type=int, default=1234)
    parser.add_argument("--state", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    model = lock_model(args.security_pin, args.state)
    asyncio.run(serve(args.port, args.address, args.name, model))


if __name__ == "__main__":
    main()
