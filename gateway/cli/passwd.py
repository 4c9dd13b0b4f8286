"""`lockgw owner passwd`: the owner's dashboard password (and the offer `lockgw init` makes).

The password is read with getpass on a terminal (asked twice), or as the first line of standard
input otherwise (for scripts: `echo "$PW" | lockgw owner passwd --data-dir DIR`). Setting it
ends every open dashboard session.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from gateway.clock import SystemClock
from gateway.config import Config
from gateway.service.owner import OwnerAccess, PasswordRefused
from gateway.store.db import Store


def add_passwd_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    owner = commands.add_parser("owner", help="the owner's dashboard password")
    owner_commands = owner.add_subparsers(dest="action", required=True)
    passwd = owner_commands.add_parser(
        "passwd", help="set the dashboard password (from standard input when not a terminal)"
    )
    passwd.add_argument("--data-dir", type=Path, help="default: the --config's [store] data_dir")
    passwd.add_argument("--config", type=Path)


def _read_password() -> str | None:
    """The new password, or None when the two typed on a terminal differ."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New dashboard password: ")
    second = getpass.getpass("Again: ")
    return first if first == second else None


def set_password(data_dir: Path, password: str) -> None:
    store = Store(data_dir)
    try:
        OwnerAccess(store, SystemClock()).set_password(password)
    finally:
        store.close()


def run_passwd(args: argparse.Namespace, config: Config) -> int:
    password = _read_password()
    if password is None:
        print("lockgw owner passwd: the two passwords differ; nothing changed", file=sys.stderr)
        return 2
    try:
        set_password(config.data_dir, password)
    except PasswordRefused as exc:
        print(f"lockgw owner passwd: {exc}; nothing changed", file=sys.stderr)
        return 2
    print("dashboard password set (every open dashboard session was logged out)")
    return 0


def offer_password(data_dir: Path) -> None:
    """`lockgw init`'s offer: on a terminal, set the password now (empty: later); otherwise,
    say how (on standard error: standard output's last line is the API key)."""
    how = f"lockgw owner passwd --data-dir {data_dir}"
    if not sys.stdin.isatty():
        print(f"set the dashboard's owner password with: {how}", file=sys.stderr)
        return
    password = getpass.getpass("Dashboard owner password (empty: set it later): ")
    if not password:
        print(f"no dashboard password yet; set it with: {how}", file=sys.stderr)
        return
    if getpass.getpass("Again: ") != password:
        print(f"the two passwords differ; set it later with: {how}", file=sys.stderr)
        return
    try:
        set_password(data_dir, password)
    except PasswordRefused as exc:
        print(f"dashboard password {exc}; set it later with: {how}", file=sys.stderr)
        return
    print("dashboard password set", file=sys.stderr)
