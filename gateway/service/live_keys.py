"""Which presented API keys are live, asked on every request: the store's answer is kept
until anything in the store changes.

Checking a key is a read of its row and a hash (a fifth of what the hub spends on a
`devices/get` of its own). Most requests present a key already found live, and a key only
stops being live by a commit: the owner's revocation here (the dashboard) or in another
process (`lockgw keys revoke`). So the keys found live are kept under the store's change
stamp (the rows this connection changed, and SQLite's data_version, which moves when another
process commits) and forgotten as soon as it moves: a revoked key is refused from the next
request on. Only the digests of live keys are kept, never a key itself; an unknown key is
always asked of the store."""

from __future__ import annotations

from gateway.store import api_keys
from gateway.store.db import Store


class LiveKeys:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._stamp: tuple[int, int] | None = None
        self._live: set[str] = set()

    def is_live(self, presented: str) -> bool:
        stamp = self.store.change_stamp()
        if stamp != self._stamp:
            self._live.clear()
            self._stamp = stamp
        digest = api_keys.digest(presented)
        if digest in self._live:
            return True
        if not api_keys.verify(self.store.conn, presented):
            return False
        self._live.add(digest)
        return True
