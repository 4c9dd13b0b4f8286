"""The part of `lockgw zwave` that talks to the zwave-js server (include, exclude, ping, heal),
apart so that the zwave-js client library loads only when one of them runs."""

from __future__ import annotations

import argparse
import asyncio
import sys

from zwave_js_server.client import Client

from drivers.zwave.controller import connected, ping, rebuild_routes
from drivers.zwave.controller import security_name as security
from drivers.zwave.inclusion import exclude, include
from gateway.cli.zwave import DSK_PIN_DIGITS, pin_ok, read_pin, say


async def run_session(args: argparse.Namespace, url: str) -> int:
    async with connected(url) as client:
        command = args.zwave_command
        if command == "include":
            return await _include(client, args)
        if command == "exclude":
            left = await exclude(client, say, args.timeout)
            print(f"node {left.node_id} left the network ({left.reason}); the lock can join again")
            return 0
        if command == "ping":
            answer = await ping(client, args.node)
            word = "answers" if answer.answered else "does NOT answer"
            print(f"node {args.node} {word} (zwave-js says: {answer.status})")
            if not answer.answered:
                print(f"try `lockgw zwave heal {args.node}` with the lock awake and in place")
            return 0 if answer.answered else 1
        done = await rebuild_routes(client, args.node)
        if done:
            print(f"node {args.node}: routes rebuilt")
            return 0
        print(f"node {args.node}: the controller could not rebuild its routes (is it reachable?)")
        return 1


async def _include(client: Client, args: argparse.Namespace) -> int:
    given: str | None = args.dsk_pin

    async def ask_pin(dsk: str) -> str:
        if given is not None:
            return given
        shown = f"XXXXX{dsk}" if dsk.startswith("-") else dsk
        say(f"the lock's DSK is {shown}")
        while True:  # the PIN is not echoed: it is a secret of the lock's inclusion
            pin = await asyncio.to_thread(read_pin)
            if pin_ok(pin.strip()):
                return pin.strip()
            say(f"the DSK PIN is {DSK_PIN_DIGITS} digits")

    say(f"inclusion mode for {args.timeout:.0f} s: do the lock's inclusion step now")
    added = await include(client, ask_pin, say, args.timeout)
    name = f" ({added.name})" if added.name else ""
    if added.problem is not None:
        print(f"lockgw: node {added.node_id}{name} joined, but {added.problem}", file=sys.stderr)
        return 1
    print(f"node {added.node_id}{name} joined with {security(added.security)}")
    if added.warning is not None:
        print(f"WARNING: {added.warning}")
    print(
        "zwave-js now interviews it (it reads every user code: minutes on a lock with many "
        "slots); then the daemon lists it (`lockgw devices list`)"
    )
    return 0
