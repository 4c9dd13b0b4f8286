"""`lockgw backup FILE` and `lockgw restore FILE [--nvm --yes]`: the whole hub in one archive
(gateway/service/backup.py says what it holds), and back.

The Z-Wave keys file is root's: back up and restore as root (`sudo /opt/lockgw/.venv/bin/lockgw
...`) to include it; files restored into the data dir still go to the data dir's owner. Run as
the service user, the archive holds the rest and says what it left out.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from gateway.clock import SystemClock
from gateway.config import Config
from gateway.host.data_dir_lock import DataDirInUse
from gateway.service.backup import (
    DEFAULT_CACHE,
    DEFAULT_KEYS,
    Nvm,
    Taken,
    ZWaveFiles,
    take_zwave,
    write_backup,
)
from gateway.service.restore import (
    RestoreRefused,
    is_archive,
    read_nvm,
    restore,
    restore_archive,
)
from gateway.store.db import DB_FILE, Store

NVM_SECONDS = 300.0  # a 500-series stick's memory takes up to a minute or two to read


def add_backup_options(backup: argparse.ArgumentParser, restore: argparse.ArgumentParser) -> None:
    for parser in (backup, restore):
        parser.add_argument(
            "--zwave-keys",
            type=Path,
            default=DEFAULT_KEYS,
            help=f"the zwave-js server's security keys file (default {DEFAULT_KEYS})",
        )
        parser.add_argument(
            "--zwave-cache",
            type=Path,
            default=DEFAULT_CACHE,
            help=f"zwave-js's cache folder (default {DEFAULT_CACHE})",
        )
    backup.add_argument(
        "--no-nvm",
        action="store_true",
        help="leave out the controller's memory (reading it turns the radio off for a while)",
    )
    restore.add_argument(
        "--nvm",
        action="store_true",
        help="ONLY write the backup's controller memory into the stick (a replaced or wiped "
        "stick), through the running zwave-js server; needs --yes",
    )
    restore.add_argument("--yes", action="store_true", help="confirm --nvm")


def read_as_root(args: argparse.Namespace) -> list[Taken]:
    """The Z-Wave files, read while still root (the rest runs as the data dir's owner)."""
    return take_zwave(_zwave(args))


def _zwave(args: argparse.Namespace) -> ZWaveFiles:
    return ZWaveFiles(keys=args.zwave_keys, cache=args.zwave_cache)


def run_backup(args: argparse.Namespace, config: Config, store: Store) -> int:
    target = Path(args.file)
    if not target.parent.is_dir():
        print(f"lockgw: {target}: no such folder to write the backup in", file=sys.stderr)
        return 2
    zwave = getattr(args, "taken_as_root", None) or take_zwave(_zwave(args))
    nvm = _read_nvm(config.zwave_url, skip=args.no_nvm)
    parts = write_backup(target, store.conn, config.data_dir, zwave, nvm, SystemClock().now())
    for part in parts:
        print(f"  {'included' if part.included else 'left out':9} {part.name}: {part.detail}")
    print(f"backed up to {target} (readable by you alone: it holds PINs and keys)")
    return 0


def _read_nvm(url: str | None, *, skip: bool) -> Nvm:
    if skip:
        return Nvm(None, "left out on request (--no-nvm)")
    if not url:
        return Nvm(None, "no zwave-js server configured ([zwave] url)")
    from drivers.zwave.controller import ControllerError, backup_nvm, connected

    async def read() -> bytes:
        async with connected(url) as client:
            return await asyncio.wait_for(backup_nvm(client), NVM_SECONDS)

    try:
        return Nvm(asyncio.run(read()), "included")
    except ControllerError as exc:
        return Nvm(None, str(exc))
    except TimeoutError:
        return Nvm(None, f"the controller did not hand its memory over in {NVM_SECONDS:.0f} s")


def run_restore(args: argparse.Namespace, config: Config) -> int:
    source = Path(args.file)
    if args.nvm:
        return _restore_nvm(source, config.zwave_url, confirmed=args.yes)
    now = SystemClock().now()
    try:
        if is_archive(source):
            restored = restore_archive(source, config.data_dir, _zwave(args), now)
            locks = restored.locks
            print(f"restored {source}:")
            for part in restored.parts:
                print(f"  {part}")
        else:  # a database file, as `lockgw backup` wrote before it wrote archives
            locks = restore(source, config.data_dir, now)
            print(f"restored {source} into {config.data_dir / DB_FILE}")
    except RestoreRefused as exc:
        print(f"lockgw: {exc}", file=sys.stderr)
        return 2
    except DataDirInUse as exc:
        print(f"lockgw: {exc}; stop it first (systemctl stop lockgw)", file=sys.stderr)
        return 1
    print(
        f"at the next start the daemon reads each of the {locks} locks in full and keeps "
        "what they hold that the backup does not know as unmanaged codes"
    )
    return 0


def _restore_nvm(source: Path, url: str | None, *, confirmed: bool) -> int:
    if not confirmed:
        print(
            "lockgw: --nvm replaces the whole memory of the Z-Wave stick (its network and "
            "nodes) with the backup's: only for a new or wiped stick; add --yes to go on",
            file=sys.stderr,
        )
        return 2
    if not url:
        print("lockgw: --nvm: no zwave-js server configured ([zwave] url)", file=sys.stderr)
        return 2
    try:
        data = read_nvm(source)
    except RestoreRefused as exc:
        print(f"lockgw: {exc}", file=sys.stderr)
        return 2
    from drivers.zwave.controller import ControllerError, connected, restore_nvm

    async def write() -> None:
        async with connected(url) as client:
            await asyncio.wait_for(restore_nvm(client, data), NVM_SECONDS)

    try:
        asyncio.run(write())
    except (ControllerError, TimeoutError) as exc:
        print(f"lockgw: {exc or 'the controller took too long'}", file=sys.stderr)
        return 1
    print(f"the stick's memory is the backup's ({len(data)} bytes); zwave-js restarts on it")
    return 0
