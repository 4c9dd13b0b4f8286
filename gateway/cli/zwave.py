"""`lockgw zwave ports|include|exclude|ping|heal`: Z-Wave locks onto the hub's network and off it.

They talk to the zwave-js server of the config's `[zwave] url` (or `--url`) with a connection of
their own, while the daemon runs: a lock included here becomes a device of the running daemon
once zwave-js has interviewed it. The DSK PIN is asked on the terminal (or given with
`--dsk-pin`) and never printed or logged.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from pathlib import Path

from drivers.zwave.ports import find_ports
from gateway.config import Config

DSK_PIN_DIGITS = 5


def add_zwave_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    zwave = commands.add_parser("zwave", help="Z-Wave locks: find the stick, include, exclude")
    sub = zwave.add_subparsers(dest="zwave_command", required=True)
    sub.add_parser("ports", help="serial devices that look like a Z-Wave controller")
    include_ = sub.add_parser("include", help="add a lock (S2 Access Control; S0 if it must)")
    include_.add_argument(
        "--dsk-pin", help="the first 5 digits of the lock's DSK (asked on the terminal if left out)"
    )
    include_.add_argument("--timeout", type=float, default=60.0, help="seconds for the lock's step")
    exclude_ = sub.add_parser("exclude", help="remove a lock from any Z-Wave network")
    exclude_.add_argument("--timeout", type=float, default=60.0, help="seconds for the lock's step")
    for name, help_text in (
        ("ping", "does the lock answer?"),
        ("heal", "rebuild the lock's routes (it drops out, or was moved)"),
    ):
        sub.add_parser(name, help=help_text).add_argument("node", type=int, help="its node id")
    for parser in sub.choices.values():
        parser.add_argument("--config", type=Path, help="whose [zwave] url to use")
        parser.add_argument("--url", help="the zwave-js server (default: the config's)")
        parser.set_defaults(data_dir=None)


def run_zwave(args: argparse.Namespace, config: Config) -> int:
    if args.zwave_command == "ports":
        return _ports()
    url = args.url or config.zwave_url
    if not url:
        print(
            "lockgw zwave: which zwave-js server? give --config FILE (its [zwave] url) or --url "
            "ws://127.0.0.1:3000",
            file=sys.stderr,
        )
        return 2
    pin = getattr(args, "dsk_pin", None)
    if pin is not None and not pin_ok(pin):
        print(f"lockgw: --dsk-pin: the DSK PIN is {DSK_PIN_DIGITS} digits", file=sys.stderr)
        return 2
    logging.getLogger("zwave_js_server").setLevel(logging.WARNING)  # not its "Connected to"
    # The zwave-js client library loads only for these commands (not for `lockgw serve`).
    from drivers.zwave.controller import ControllerError
    from gateway.cli.zwave_session import run_session

    try:
        return asyncio.run(run_session(args, url))
    except ControllerError as exc:
        print(f"lockgw: {exc}", file=sys.stderr)
        return 1


def pin_ok(pin: str) -> bool:
    return len(pin) == DSK_PIN_DIGITS and pin.isdigit()


def _ports() -> int:
    ports = find_ports()
    if not ports:
        print(
            "no USB serial device at all: is the stick plugged in? (`dmesg | tail` shows what "
            "the kernel saw)",
            file=sys.stderr,
        )
        return 1
    for port in ports:
        print(f"{port.verdict:7} {port.path} -> {port.device}: {port.why}")
    likely = [p for p in ports if p.verdict == "z-wave"]
    if likely:
        print(f"use: sudo scripts/install-hub --zwave-stick {likely[0].path}")
    return 0


def read_pin() -> str:
    prompt = "type its first 5 digits (XXXXX, on the lock's label): "
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    say(prompt)  # a script answering on stdin
    line = sys.stdin.readline()
    if not line:
        raise EOFError("no DSK PIN was given")
    return line


def say(line: str) -> None:
    print(line, flush=True)
