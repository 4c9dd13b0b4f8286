"""The owner's commands on the hub: init, devices, codes, pool, doctor, backup, restore.

They work on the store directly, through the same services (and checks) as the API; a running
daemon notices the change within a second (it watches the database's data_version).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gateway.cli.backup import add_backup_options, read_as_root, run_backup, run_restore
from gateway.cli.data_dir import no_database
from gateway.cli.options import OPTIONS, OptionError, describe, read_time
from gateway.cli.passwd import offer_password
from gateway.clock import SystemClock
from gateway.config import Config
from gateway.service.bundle import Services
from gateway.service.doctor import Check, root_checks, run_checks
from gateway.store import access_codes, api_keys, devices
from gateway.store import pool as pool_store
from gateway.store.db import Store
from gateway.wire import views
from gateway.wire.errors import ApiError, InvalidInput
from gateway.wire.requests import AccessCodeRef, CreateAccessCode, Params

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "systemd" / "config.example.toml"


def add_owner_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--data-dir", type=Path)
        sub.add_argument("--config", type=Path)
        sub.add_argument("--json", action="store_true", help="machine-readable output")
        return sub

    init = command("init", "write the configuration and the first API key")
    init.add_argument("--config-dir", type=Path, default=Path("/etc/lockgw"))
    command("devices", "list the locks").add_argument("action", choices=["list"])
    codes = command("codes", "list, create or delete access codes")
    codes.add_argument("action", choices=["list", "create", "delete"])
    codes.add_argument("--device", help="device_id")
    codes.add_argument("--code", help="the PIN (picked for you when left out)")
    codes.add_argument("--name")
    when = "2026-12-10 15:00 in the hub's time zone, or with an offset: 2026-12-10T15:00+01:00"
    codes.add_argument("--starts-at", help=f"when the code starts: {when}")
    codes.add_argument("--ends-at", help=f"when the code ends: {when}")
    codes.add_argument("--id", help="access_code_id (delete)")
    command("pool", "backup pool per lock").add_argument("action", choices=["status"])
    command("doctor", "check everything the hub depends on")
    backup = command(
        "backup", "one archive of the hub: database, Nuki and Z-Wave keys, zwave-js cache, NVM"
    )
    backup.add_argument("file", type=Path)
    restore_ = command("restore", "put a backup back (daemon stopped)")
    restore_.add_argument("file", type=Path)
    add_backup_options(backup, restore_)


def _print(args: argparse.Namespace, rows: list[dict[str, Any]], columns: list[str]) -> None:
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return
    cells = [{c: "-" if r.get(c) is None else str(r[c]) for c in columns} for r in rows]
    widths = {c: max([len(c), *(len(row[c]) for row in cells)]) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip())
    for row in cells:
        print("  ".join(row[c].ljust(widths[c]) for c in columns).rstrip())
    if not rows:
        print("(none)")


def run_owner_command(args: argparse.Namespace, config: Config) -> int:
    if args.command == "init":
        return _init(args, config)
    if args.command == "restore":
        return _restore(args, config)
    if args.command in {"doctor", "backup"} and os.geteuid() == 0:
        # The keys are root's; the rest runs as the data dir's owner (no file becomes root's).
        if args.command == "doctor":
            args.as_root = root_checks()
        else:
            args.taken_as_root = read_as_root(args)
        become_owner_of(config.data_dir)
    missing = no_database(config.data_dir)
    if args.command == "doctor" and missing is not None and config.data_dir.is_dir():
        checks = run_checks(config, None, as_root=getattr(args, "as_root", None))
        return _doctor(args, checks)  # never creates a database
    if missing is not None:
        print(missing, file=sys.stderr)
        return 1
    store = Store(config.data_dir)
    try:
        return _with_store(args, config, store)
    except OptionError as exc:
        print(f"lockgw: {exc}", file=sys.stderr)
        return 2
    except ApiError as exc:
        print(f"lockgw: {_api_error(args, exc)}", file=sys.stderr)
        return 2
    finally:
        store.close()


def become_owner_of(data_dir: Path) -> None:
    """Root gives itself up for the data dir's owner (the service user), so a database file the
    doctor opens never becomes root's; a data dir root owns (or none yet) stays root's."""
    try:
        found = data_dir.stat()
    except OSError:
        return
    if found.st_uid == 0:
        return
    os.setgroups([])
    os.setgid(found.st_gid)
    os.setuid(found.st_uid)


def _api_error(args: argparse.Namespace, exc: ApiError) -> str:
    """The service's refusal, naming the option it is about."""
    if isinstance(exc, InvalidInput) and exc.validation_errors:
        for field, option in OPTIONS.items():
            found = exc.validation_errors.get(field)
            if found:
                message = "; ".join(found["_errors"])
                for other, other_option in OPTIONS.items():  # "must be after --starts-at"
                    message = re.sub(rf"\b{other}\b", other_option, message)
                return f"{option}: {message}"
    device, code = getattr(args, "device", None), getattr(args, "id", None)
    if exc.error_type == "device_not_found" and device:
        return f"--device {device}: no such lock (`lockgw devices list` shows them)"
    if exc.error_type == "access_code_not_found" and code:
        return f"--id {code}: no such access code (`lockgw codes list` shows them)"
    return exc.message


def _with_store(args: argparse.Namespace, config: Config, store: Store) -> int:
    conn, workspace = store.conn, store.workspace_id
    if args.command == "devices":
        rows = [views.device(d, workspace) for d in devices.all_devices(conn)]
        flat = [
            {
                "device_id": r["device_id"],
                "name": r["display_name"],
                "online": r["properties"]["online"],
                "type": r["device_type"],
            }
            for r in rows
        ]
        _print(args, rows if args.json else flat, ["device_id", "name", "online", "type"])
    elif args.command == "codes":
        return _codes(args, store)
    elif args.command == "pool":
        rows = [
            {
                "device_id": d.device_id,
                "name": d.name,
                "enabled": d.backup_access_code_pool_enabled,
                "size": d.pool_size,
                "ready": pool_store.ready(conn, d.device_id),
            }
            for d in devices.all_devices(conn)
        ]
        _print(args, rows, ["device_id", "name", "enabled", "size", "ready"])
    elif args.command == "doctor":
        return _doctor(args, run_checks(config, store, as_root=getattr(args, "as_root", None)))
    elif args.command == "backup":
        return run_backup(args, config, store)
    return 0


def _doctor(args: argparse.Namespace, checks: list[Check]) -> int:
    word = {True: "ok", False: "FAIL", None: "-"}
    rows: list[dict[str, Any]] = [
        {"name": c.name, "ok": word[c.ok], "detail": c.detail} for c in checks
    ]
    _print(args, rows, ["name", "ok", "detail"])
    if not args.json:
        for check in checks:
            if check.ok is False and check.fix:
                print(f"fix {check.name}: {check.fix}")
    return 1 if any(c.ok is False for c in checks) else 0


def _codes(args: argparse.Namespace, store: Store) -> int:
    services = Services.build(store, SystemClock(), lambda device_id: None)
    if args.action == "create":
        _create(args, store, services)
    elif args.action == "delete":
        if not args.id:
            raise OptionError("codes delete needs --id ACCESS_CODE_ID (`lockgw codes list`)")
        services.access_codes.delete(_request(AccessCodeRef, {"access_code_id": args.id}))
        print(f"deleting {args.id}")
    else:
        found, _ = access_codes.page(
            store.conn,
            managed=True,
            device_ids=[args.device] if args.device else None,
            limit=10_000,
        )
        rows = [views.access_code(c, store.workspace_id) for c in found]
        if not args.json:  # a code the lock refused is not just "setting": say why
            rows = [{**r, "status": _status(r)} for r in rows]
        _print(args, rows, ["access_code_id", "device_id", "name", "code", "status"])
    return 0


def _create(args: argparse.Namespace, store: Store, services: Services) -> None:
    if not args.device:
        raise OptionError("codes create needs --device DEVICE_ID (`lockgw devices list`)")
    starts = None if args.starts_at is None else read_time("--starts-at", args.starts_at)
    ends = None if args.ends_at is None else read_time("--ends-at", args.ends_at)
    params = {
        "device_id": args.device,
        "code": args.code,
        "name": args.name,
        "starts_at": None if starts is None else starts.moment,
        "ends_at": None if ends is None else ends.moment,
    }
    request = _request(CreateAccessCode, {k: v for k, v in params.items() if v is not None})
    code, _ = services.access_codes.create(request)
    body = views.access_code(code, store.workspace_id)
    _print(args, [body], ["access_code_id", "code", "name", "status"])
    if not args.json:  # say which time zone the times were read in
        for word, time in (("starts", starts), ("ends", ends)):
            if time is not None:
                print(f"{word} {describe(time)}")


def _request[R: Params](model: type[R], params: dict[str, Any]) -> R:
    """The request the API would build, or OptionError naming the option that is wrong."""
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        raise OptionError(f"{OPTIONS.get(field, field)}: {message}") from None


def _status(body: dict[str, Any]) -> str:
    """`setting (Every slot of the lock is in use)`: the status, with the errors that hold the
    code back."""
    errors = [e["message"] for e in body["errors"]]
    return str(body["status"]) if not errors else f"{body['status']} ({'; '.join(errors)})"


def _init(args: argparse.Namespace, config: Config) -> int:
    config_dir: Path = args.config_dir
    config_dir.mkdir(parents=True, exist_ok=True)
    target = config_dir / "config.toml"
    if not target.exists():
        text = EXAMPLE_CONFIG.read_text().replace('"/var/lib/lockgw"', f'"{config.data_dir}"')
        target.write_text(text)
        print(f"wrote {target}")
    store = Store(config.data_dir)
    try:
        with store.transaction() as conn:
            key, plain = api_keys.create(conn, "first key (lockgw init)", SystemClock().now())
    finally:
        store.close()
    offer_password(config.data_dir)
    print(f"created API key {key.key_id}; it is shown only once:")
    print(plain)
    return 0


def _restore(args: argparse.Namespace, config: Config) -> int:
    return run_restore(args, config)
