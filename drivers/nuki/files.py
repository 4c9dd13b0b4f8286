"""What the gateway keeps about each paired Nuki lock, in the data dir: the credentials from
pairing, the lock's name, and the slot map. Private files (0600), written atomically, so a
crash leaves either the old or the new content."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drivers.nuki.slot_map import SlotMap

if TYPE_CHECKING:  # libsodium loads only when credentials are read (not for a backup's folder)
    from drivers.nuki.pairing import Credentials

FOLDER = "nuki"


def write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    spare = path.with_name(path.name + ".new")
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(spare, path)


@dataclass(frozen=True)
class LockFiles:
    folder: Path

    @classmethod
    def of(cls, data_dir: Path, address: str) -> LockFiles:
        return cls(data_dir / FOLDER / address.upper().replace(":", "-"))

    @property
    def paired(self) -> bool:
        return (self.folder / "credentials.json").exists()

    def credentials(self) -> Credentials:
        from drivers.nuki.pairing import Credentials

        return Credentials.from_json((self.folder / "credentials.json").read_text())

    def save_credentials(self, credentials: Credentials, name: str) -> None:
        write_private(self.folder / "credentials.json", credentials.to_json())
        write_private(self.folder / "lock.json", json.dumps({"name": name}))

    def name(self) -> str:
        try:
            return str(json.loads((self.folder / "lock.json").read_text())["name"])
        except (OSError, ValueError, KeyError):
            return f"Nuki {self.folder.name}"

    def slot_map(self) -> SlotMap:
        try:
            return SlotMap.from_json(json.loads((self.folder / "slots.json").read_text()))
        except FileNotFoundError:
            return SlotMap(salt=secrets.token_hex(8))

    def save_slot_map(self, slot_map: SlotMap) -> None:
        write_private(self.folder / "slots.json", json.dumps(slot_map.to_json()))


def paired_locks(data_dir: Path) -> list[LockFiles]:
    root = data_dir / FOLDER
    if not root.is_dir():
        return []
    return [LockFiles(folder) for folder in sorted(root.iterdir()) if LockFiles(folder).paired]
