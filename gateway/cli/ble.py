"""`lockgw ble scan|pair|forget`: Nuki locks over Bluetooth LE, as a user sets them up.

Pairing needs the lock in pairing mode (press its button for 5 s) and its security PIN; the
credentials it yields go to the data dir (0600) and the running daemon adopts the lock as a
device within a few seconds. The PIN is never printed or logged."""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from pathlib import Path

from drivers.base import DriverError, PermanentDriverError
from gateway.config import Config

HUB_NAME = "lockgw hub"
MAX_SECURITY_PIN = 0xFFFF


def add_ble_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ble = commands.add_parser("ble", help="Nuki locks over Bluetooth LE")
    sub = ble.add_subparsers(dest="ble_command", required=True)
    scan = sub.add_parser("scan", help="list the Nuki locks in range")
    scan.add_argument("--seconds", type=float, default=5.0)
    pair = sub.add_parser("pair", help="pair with a lock in pairing mode")
    pair.add_argument("address", help="the lock's Bluetooth address, as `ble scan` shows it")
    pair.add_argument("--pin", required=True, help="the lock's security PIN")
    pair.add_argument("--name", help="the device's name (default: the name the lock shows)")
    forget = sub.add_parser("forget", help="forget a paired lock's credentials")
    forget.add_argument("address")
    sub.add_parser("list", help="the paired locks")
    for parser in (scan, pair, forget, sub.choices["list"]):
        parser.add_argument("--data-dir", type=Path)
        parser.add_argument("--config", type=Path)


def run_ble(args: argparse.Namespace, config: Config) -> int:
    # The BLE libraries load only for these commands (not for every `lockgw` command).
    from drivers.nuki.files import LockFiles, paired_locks

    command = args.ble_command
    if command == "list":
        for files in paired_locks(config.data_dir):
            print(f"{files.credentials().address}\t{files.name()}")
        return 0
    if command == "forget":
        files = LockFiles.of(config.data_dir, args.address)
        if not files.paired:
            print(f"lockgw: no paired lock {args.address}", file=sys.stderr)
            return 1
        for path in files.folder.iterdir():
            path.unlink()
        files.folder.rmdir()
        print(f"forgot {args.address}; remove it from the lock's users in the Nuki app")
        return 0
    if command == "pair":
        pin = _security_pin(args.pin)
        if pin is None:
            print(
                f"lockgw: --pin: the lock's security PIN is a number of 0-{MAX_SECURITY_PIN}",
                file=sys.stderr,
            )
            return 2
        return asyncio.run(_pair(config, args.address.upper(), pin, args.name))
    return asyncio.run(_scan(config, args.seconds))


def _security_pin(text: str) -> int | None:
    if not text.isdigit() or int(text) > MAX_SECURITY_PIN:
        return None
    return int(text)


async def _scan(config: Config, seconds: float) -> int:
    from gateway.host.ble_radio import configured_radio

    radio = await configured_radio(config)
    found = await radio.scan(seconds)
    if not found:
        print("no Nuki lock heard; is Bluetooth on and the lock in range?", file=sys.stderr)
        return 1
    print("address\tname\trssi\tpairing mode")
    for lock in found:
        mode = "yes" if lock.pairing_mode else "no"
        print(f"{lock.address}\t{lock.name or '-'}\t{lock.rssi}\t{mode}")
    return 0


async def _pair(config: Config, address: str, pin: int, name: str | None) -> int:
    from drivers.nuki.client import session
    from drivers.nuki.files import LockFiles
    from drivers.nuki.pairing import Pairing, PairingRefused
    from gateway.host.ble_radio import configured_radio

    radio = await configured_radio(config)
    device = await radio.find(address)
    if device is None:
        print(f"lockgw: no Nuki lock heard at {address}; is it in range?", file=sys.stderr)
        return 1
    pairing = Pairing(address, HUB_NAME, secrets.randbits(31), pin)
    try:
        async with session(device, None, radio.client_backend) as link:
            credentials = await link.pair(pairing)
        async with session(device, credentials, radio.client_backend) as link:
            await link.verify_security_pin()
    except PairingRefused as exc:
        print(f"lockgw: {exc}; hold the lock's button for 5 s, then pair again", file=sys.stderr)
        return 1
    except PermanentDriverError as exc:
        print(
            f"lockgw: the lock refused the security PIN ({exc}); nothing was saved", file=sys.stderr
        )
        return 1
    except DriverError as exc:
        print(f"lockgw: pairing with {address} failed: {exc}", file=sys.stderr)
        return 1
    files = LockFiles.of(config.data_dir, address)
    files.save_credentials(credentials, name or device.name or f"Nuki {address}")
    print(f"paired with {address} ({files.name()}); the daemon adds it as a device")
    return 0
