"""`lockgw fleet serve|hubs`: a fleet front, and the fleet's hubs as the broker knows them
(docs/FLEET.md)."""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import sys
from pathlib import Path
from typing import Any

from gateway.config import Config


def add_fleet_commands(commands: Any) -> None:
    fleet = commands.add_parser("fleet", help="a fleet of hubs behind one MQTT broker")
    fleet_commands = fleet.add_subparsers(dest="fleet_command", required=True)
    serve = fleet_commands.add_parser("serve", help="run a front: the API for every hub")
    serve.add_argument("--config", type=Path, required=True, help="its [mqtt] is the fleet's")
    serve.add_argument("--data-dir", type=Path, required=True, help="the front's API keys")
    serve.add_argument("--host", help="address the API listens on")
    serve.add_argument("--port", type=int, help="port the API listens on")
    hubs = fleet_commands.add_parser("hubs", help="the hubs of the fleet, online or not")
    hubs.add_argument("--config", type=Path, required=True)
    hubs.add_argument("--json", action="store_true", help="one JSON array")
    hubs.set_defaults(data_dir=None)


def run_fleet(args: argparse.Namespace, config: Config) -> int:
    if config.mqtt is None:
        print(f"lockgw fleet: {args.config} has no [mqtt] section (the fleet's broker)",
              file=sys.stderr)  # fmt: skip
        return 2
    if args.fleet_command == "serve":
        from gateway.fleet.serve import serve

        asyncio.run(serve(config))
        return 0
    import aiomqtt  # loaded for the fleet's commands alone

    from gateway.fleet.hubs import read_hubs, table

    try:
        hubs = asyncio.run(read_hubs(config.mqtt))
    except (aiomqtt.MqttError, OSError, ssl.SSLError) as exc:
        print(f"lockgw fleet: MQTT broker {config.mqtt.url}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([hub.summary() for hub in hubs], indent=2))
    else:
        print("\n".join(table(hubs)))
    return 0
