"""`lockgw`: serve the gateway, and manage its API keys."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gateway.cli.ble import add_ble_commands
from gateway.cli.data_dir import ask_for_data_dir, no_database
from gateway.cli.fleet import add_fleet_commands
from gateway.cli.owner import add_owner_commands, run_owner_command
from gateway.cli.passwd import add_passwd_commands
from gateway.cli.status import add_status_command
from gateway.cli.zwave import add_zwave_commands
from gateway.clock import SystemClock
from gateway.config import Config, ConfigError, load
from gateway.domain.event_types import unknown_event_types
from gateway.domain.timefmt import to_iso
from gateway.host import logs
from gateway.host.data_dir_lock import DataDirInUse
from gateway.host.listener import CannotListen
from gateway.host.tls import TlsUnusable
from gateway.service.faults import store_fault
from gateway.store import api_keys
from gateway.store.db import Store
from gateway.store.soundness import DatabaseUnusable

OWNER_COMMANDS = frozenset({"init", "devices", "codes", "pool", "doctor", "backup", "restore"})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lockgw", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the daemon")
    serve.add_argument("--config", type=Path, help="TOML configuration file")
    serve.add_argument("--data-dir", type=Path, help="where the database lives")
    serve.add_argument("--host", help="address the API listens on")
    serve.add_argument("--port", type=int, help="port the API listens on")
    serve.add_argument(
        "--sim", action="store_true", help="add simulated locks when no hardware is configured"
    )

    keys = commands.add_parser("keys", help="manage API keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    for name, help_text in (
        ("create", "create a key (printed once, as the last line)"),
        ("list", "list keys"),
        ("revoke", "revoke a key"),
    ):
        sub = key_commands.add_parser(name, help=help_text)
        sub.add_argument("--data-dir", type=Path, help="default: the --config's [store] data_dir")
        sub.add_argument("--config", type=Path)
        if name == "create":
            sub.add_argument("--name", required=True)
        if name == "revoke":
            sub.add_argument("key_id", help="the id shown by `lockgw keys list`")
    add_owner_commands(commands)
    add_passwd_commands(commands)
    add_status_command(commands)
    add_ble_commands(commands)
    add_zwave_commands(commands)
    add_fleet_commands(commands)

    hooks = commands.add_parser("webhooks", help="manage webhook endpoints")
    hook_commands = hooks.add_subparsers(dest="webhooks_command", required=True)
    for name, help_text in (
        ("add", "add an endpoint (its whsec_ secret is printed as the last line)"),
        ("list", "list endpoints"),
        ("remove", "remove an endpoint"),
        ("status", "pending and failed deliveries per endpoint"),
        ("events", "the event types an endpoint can ask for (add --events)"),
    ):
        sub = hook_commands.add_parser(name, help=help_text)
        sub.add_argument("--data-dir", type=Path, help="default: the --config's [store] data_dir")
        sub.add_argument("--config", type=Path)
        if name == "add":
            sub.add_argument("url")
            sub.add_argument(
                "--events",
                nargs="+",
                metavar="TYPE",
                help="only these types (`lockgw webhooks events` lists them)",
            )
            sub.add_argument(
                "--rotate-secret",
                action="store_true",
                help="the URL is already registered: give it a new secret (its types are kept "
                "unless --events is given)",
            )
        if name == "remove":
            sub.add_argument("webhook_id")
    return parser


def _config(args: argparse.Namespace) -> Config:
    config = load(args.config)
    for number, hook in enumerate(config.webhooks, start=1):
        unknown = unknown_event_types(hook.events or ())
        if unknown:  # an endpoint that would never fire
            raise ConfigError(
                f"{args.config}: [[webhooks]] #{number} events: unknown event "
                f"type {unknown[0]!r} (`lockgw webhooks events` lists them)"
            )
    overrides = {
        "data_dir": args.data_dir,
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
    }
    return replace(config, **{k: v for k, v in overrides.items() if v is not None})


def _keys(args: argparse.Namespace, config: Config) -> int:
    missing = None if args.keys_command == "create" else no_database(config.data_dir)
    if missing is not None:  # nothing to list or revoke: never create a database for it
        print(missing, file=sys.stderr)
        return 1
    store = Store(config.data_dir)
    now = SystemClock().now()
    try:
        if args.keys_command == "create":
            with store.transaction() as conn:
                key, plain = api_keys.create(conn, args.name, now)
            print(f"created key {key.key_id} ({key.name}); it is shown only once:")
            print(plain)
        elif args.keys_command == "list":
            for key in api_keys.list_keys(store.conn):
                revoked = f"revoked {to_iso(key.revoked_at)}" if key.revoked_at else "active"
                print(f"{key.key_id}\t{key.name}\t{to_iso(key.created_at)}\t{revoked}")
        else:
            with store.transaction() as conn:
                if not api_keys.revoke(conn, args.key_id, now):
                    print(f"no active key {args.key_id}", file=sys.stderr)
                    return 1
            print(f"revoked {args.key_id}")
    finally:
        store.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    # PINs, pool codes and keys live in the data dir: nothing we write is for other users.
    os.umask(0o077)
    args = _parser().parse_args(argv)
    try:
        config = _config(args)
    except ConfigError as exc:
        print(f"lockgw: bad configuration: {exc}", file=sys.stderr)
        return 2
    logs.configure(config.log_level)
    try:
        return _run(args, config)
    except (DatabaseUnusable, DataDirInUse, CannotListen, TlsUnusable) as exc:
        print(f"lockgw: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # e.g. a full disk or another process's lock at start-up
        fault = store_fault(exc)
        what = fault.message if fault is not None else str(exc)
        print(f"lockgw: database in {config.data_dir}: {what}", file=sys.stderr)
        return 1
    except OSError as exc:  # the data dir cannot be written (full, read-only, permissions)
        print(f"lockgw: {exc.filename or config.data_dir}: {exc.strerror or exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, config: Config) -> int:
    if args.command == "zwave":  # the zwave-js server's business: no data dir involved
        from gateway.cli.zwave import run_zwave

        return run_zwave(args, config)
    if args.command == "fleet":  # a front's data dir is required by its parser
        from gateway.cli.fleet import run_fleet

        return run_fleet(args, config)
    question = ask_for_data_dir(args)
    if question is not None:  # never fall back on /var/lib/lockgw (and create it) unasked
        print(question, file=sys.stderr)
        return 2
    if args.command == "keys":
        return _keys(args, config)
    if args.command in OWNER_COMMANDS:
        return run_owner_command(args, config)
    if args.command == "owner":
        from gateway.cli.passwd import run_passwd

        return run_passwd(args, config)
    if args.command == "status":
        from gateway.cli.status import run_status

        return run_status(args, config)
    if args.command == "ble":
        from gateway.cli.ble import run_ble

        return run_ble(args, config)
    if args.command == "webhooks":
        from gateway.cli.webhooks import run_webhooks

        return run_webhooks(args, config)
    from gateway.daemon import serve

    asyncio.run(serve(config, sim=args.sim))
    return 0


if __name__ == "__main__":
    sys.exit(main())
