"""Many simulated fleet hubs in one OS process, for bench/fleet.py: each is its own MQTT 5
connection speaking the hub side of docs/FLEET.md (protocol 1). It keeps `status` online with a
last will saying `offline`, announces itself retained with a few device ids, and answers
`api/request` on the request's response topic with canned Seam-shaped bodies (a device shaped as
a real hub answers it, from `--device-template`), the HTTP status as the `status` user property,
and a create's answer stored under its `request_id` (a repeat is replayed, as a hub does).

Run: .venv/bin/python -m bench.fleet_sim_hub --port 1883 --first 0 --count 250 \
        --password sim-secret --device-template device.json
It prints `sim hubs: N online` once every hub has announced itself, then serves until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import socket
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

WORKSPACE = "00000000-0000-4000-8000-00000000f1ee"
NO_DELAY = ((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),)  # as gateway.host.mqtt_broker
CONNECTS_AT_ONCE = 25  # hubs connecting at the same time (a broker's accept backlog is finite)


def hub_id(index: int) -> str:
    return f"sim-{index:04d}"


def device_ids(hub: str, devices: int) -> list[str]:
    return [str(uuid.uuid5(uuid.NAMESPACE_URL, f"lockgw-sim/{hub}/{n}")) for n in range(devices)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _error(status: int, error_type: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": error_type, "message": message}, "ok": False}


@dataclass
class SimHub:
    hub_id: str
    devices: dict[str, dict[str, Any]]
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # request_id -> answer

    def announcement(self) -> bytes:
        return json.dumps(
            {
                "protocol": 1,
                "hub_id": self.hub_id,
                "workspace_id": WORKSPACE,
                "version": "sim",
                "device_ids": list(self.devices),
                "lock_count": len(self.devices),
                "announced_at": _now(),
            }
        ).encode()

    def answer(self, request: dict[str, Any]) -> tuple[int, bytes]:
        request_id = request.get("request_id")
        if isinstance(request_id, str) and request_id in self.answers:
            return self.answers[request_id]
        status, body = self._route(request)
        encoded = json.dumps(body).encode()
        if isinstance(request_id, str) and request.get("route", "").endswith("/create"):
            self.answers[request_id] = (status, encoded)
        return status, encoded

    def _route(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        route = request.get("route")
        params: dict[str, Any] = dict(request.get("query") or []) or request.get("body") or {}
        device = self.devices.get(str(params.get("device_id")))
        if route in ("/devices/get", "/locks/get"):
            if device is None:
                return _error(404, "device_not_found", "Device not found")
            return 200, {"device": device, "lock": device, "ok": True}
        if route in ("/devices/list", "/locks/list"):
            found = list(self.devices.values())
            page = {"has_next_page": False, "next_page_cursor": None, "next_page_url": None}
            return 200, {"devices": found, "locks": found, "pagination": page, "ok": True}
        if route == "/access_codes/create":
            if device is None:
                return _error(404, "device_not_found", "Device not found")
            code = self._code(device["device_id"], str(params.get("name", "")))
            attempt = {"action_attempt_id": str(uuid.uuid4()), "status": "pending"}
            attempt |= {"action_type": "CREATE_ACCESS_CODE", "result": None, "error": None}
            return 200, {"access_code": code, "action_attempt": attempt, "ok": True}
        if route == "/access_codes/get":
            code = self.codes.get(str(params.get("access_code_id")))
            if code is None:
                return _error(404, "access_code_not_found", "Access code not found")
            return 200, {"access_code": code, "ok": True}
        if route == "/access_codes/list":
            if params.get("device_id") is not None and device is None:
                return _error(404, "device_not_found", "Device not found")
            wanted = None if device is None else device["device_id"]
            codes = [c for c in self.codes.values() if wanted in (None, c["device_id"])]
            page = {"has_next_page": False, "next_page_cursor": None, "next_page_url": None}
            return 200, {"access_codes": codes, "pagination": page, "ok": True}
        if route == "/events/list":
            return 200, {"events": [], "ok": True}
        return _error(404, "endpoint_not_found", f"No endpoint {route}")

    def _code(self, device_id: str, name: str) -> dict[str, Any]:
        code_id = str(uuid.uuid4())
        code: dict[str, Any] = {
            "access_code_id": code_id, "device_id": device_id, "name": name,
            "code": f"{len(self.codes) % 9000 + 1000}", "type": "ongoing", "status": "setting",
            "created_at": _now(), "errors": [], "warnings": [], "is_managed": True,
            "workspace_id": WORKSPACE, "common_code_key": None, "is_backup": False,
        }  # fmt: skip
        self.codes[code_id] = code
        return code


def make_hub(index: int, devices: int, template: dict[str, Any]) -> SimHub:
    hub = hub_id(index)
    bodies = {}
    for n, device_id in enumerate(device_ids(hub, devices)):
        body = json.loads(json.dumps(template))
        body |= {"device_id": device_id, "display_name": f"{hub} lock {n}"}
        bodies[device_id] = body
    return SimHub(hub, bodies)


async def _answer(mqtt: aiomqtt.Client, hub: SimHub, message: aiomqtt.Message) -> None:
    props = message.properties
    response_topic = getattr(props, "ResponseTopic", None)
    if not response_topic:
        return
    try:
        request = json.loads(message.payload if isinstance(message.payload, bytes) else b"")
    except ValueError:
        request = {}
    status, payload = hub.answer(request if isinstance(request, dict) else {})
    out = Properties(PacketTypes.PUBLISH)
    correlation = getattr(props, "CorrelationData", None)
    if correlation is not None:
        out.CorrelationData = correlation
    out.UserProperty = [("status", str(status))]
    await mqtt.publish(response_topic, payload, qos=1, properties=out)


async def serve_hub(
    hub: SimHub, args: argparse.Namespace, gate: asyncio.Semaphore, online: asyncio.Queue[str]
) -> None:
    base = f"{args.root}/hubs/{hub.hub_id}"
    will = aiomqtt.Will(f"{base}/status", "offline", qos=1, retain=True)
    first = True
    while True:
        try:
            async with gate:
                mqtt = aiomqtt.Client(
                    args.host, args.port, username=hub.hub_id, password=args.password,
                    identifier=hub.hub_id, protocol=aiomqtt.ProtocolVersion.V5, will=will,
                    keepalive=60, timeout=30, socket_options=NO_DELAY,
                )  # fmt: skip
                await mqtt.__aenter__()
            try:
                await mqtt.publish(f"{base}/status", "online", qos=1, retain=True)
                await mqtt.publish(f"{base}/hub", hub.announcement(), qos=1, retain=True)
                await mqtt.subscribe(f"{base}/api/request", qos=1)
                if first:
                    online.put_nowait(hub.hub_id)
                    first = False
                async for message in mqtt.messages:
                    await _answer(mqtt, hub, message)
            finally:
                with contextlib.suppress(aiomqtt.MqttError):
                    await mqtt.publish(f"{base}/status", "offline", qos=1, retain=True)
                with contextlib.suppress(Exception):
                    await mqtt.__aexit__(None, None, None)
        except aiomqtt.MqttError:
            await asyncio.sleep(1.0)


async def main(args: argparse.Namespace, template: dict[str, Any]) -> None:
    hubs = [make_hub(i, args.devices, template) for i in range(args.first, args.first + args.count)]
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    online: asyncio.Queue[str] = asyncio.Queue()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(serve_hub(h, args, gate, online)) for h in hubs]
    for _ in hubs:
        await online.get()
    print(f"sim hubs: {len(hubs)} online", flush=True)
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", default="lockgw")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--devices", type=int, default=3)
    parser.add_argument("--password", required=True)
    parser.add_argument("--device-template", required=True)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    with open(arguments.device_template) as file:
        asyncio.run(main(arguments, json.load(file)))
