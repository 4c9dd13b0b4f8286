"""A fleet front's API keys: the front's data dir holds only them (`lockgw keys create
--data-dir DIR`, the same store and key format as a hub's), and its own workspace id."""

from __future__ import annotations

from pathlib import Path

from gateway.store import api_keys
from gateway.store.db import Store


class FrontKeys:
    def __init__(self, data_dir: Path) -> None:
        self.store = Store(data_dir)

    @property
    def workspace_id(self) -> str:
        return self.store.workspace_id

    def key_id(self, presented: str) -> str | None:
        """The id of the live key `presented` (compared in constant time); None: not a key."""
        if not api_keys.verify(self.store.conn, presented):
            return None
        return presented[len(api_keys.PREFIX) :].split("_", 1)[0]

    def close(self) -> None:
        self.store.close()
