"""Which data dir a command works on, said in one line when it is not clear.

A command that needs the hub's data dir takes it from `--data-dir`, or from the `[store]
data_dir` of the `--config` file; given neither, it asks for one instead of falling back on
/var/lib/lockgw (and creating it). A command that only reads never creates a data dir or a
database: on a data dir without one it says so.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gateway.store.db import DB_FILE

DEFAULT_CONFIG = Path("/etc/lockgw/config.toml")  # where `lockgw init` writes it

# Commands (and sub-commands) that work without a data dir, or that make one on purpose.
_WITHOUT = {("serve", None), ("init", None), ("ble", "scan"), ("webhooks", "events")}


def _sub_command(args: argparse.Namespace) -> str | None:
    for name in ("keys_command", "webhooks_command", "ble_command"):
        if getattr(args, name, None) is not None:
            return str(getattr(args, name))
    return None


def command_name(args: argparse.Namespace) -> str:
    sub = _sub_command(args) or getattr(args, "action", None)
    return str(args.command) if sub is None else f"{args.command} {sub}"


def ask_for_data_dir(args: argparse.Namespace) -> str | None:
    """One line asking for the data dir, when this command needs one and was given neither."""
    if (args.command, _sub_command(args)) in _WITHOUT:
        return None
    if getattr(args, "data_dir", None) is not None or getattr(args, "config", None) is not None:
        return None
    return (
        f"lockgw {command_name(args)}: which hub? give --data-dir DIR, or --config FILE to use "
        f"its [store] data_dir (`lockgw init` writes {DEFAULT_CONFIG})"
    )


def no_database(data_dir: Path) -> str | None:
    """One line, when there is no database to read in `data_dir` (nothing is created)."""
    if (data_dir / DB_FILE).exists():
        return None
    where = "no such folder" if not data_dir.exists() else "no database"
    return (
        f"lockgw: {data_dir}: {where} (a fresh install: `lockgw init`; or restore a backup "
        "with `lockgw restore FILE`; or is --data-dir/--config the hub's?)"
    )
