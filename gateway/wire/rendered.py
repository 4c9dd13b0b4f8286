"""Managed codes as a list renders them, kept for the next list (pure: a bounded map).

A list of 200 codes spends most of its time building each code's JSON from its row (~5 us a
code: the row, the domain object, the Seam-shaped object, the encoding). A code whose row has
not changed renders the same, so each rendering is kept under what it depends on: the store's
row (`seq`), the row's revision (`rev`, counted up by every change of the row), the workspace
and what its lock's backup pool offers (whether its backup can be pulled depends on that and on
the row). An unchanged code is then a lookup; a changed one has a new revision, so nothing
stale is ever served. The least recently listed renderings go first beyond `capacity` (2,048
codes: about 1.5 MB)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import orjson

CAPACITY = 2048

Key = tuple[str, int, int, int]  # workspace_id, seq, rev, the lock's PoolOffer


class RenderedCodes:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._kept: OrderedDict[Key, orjson.Fragment] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def get_many(self, keys: Sequence[Key]) -> list[orjson.Fragment | None]:
        """The rendering kept under each key (None: not kept), in order; each one found counts
        as listed now."""
        kept, touch = self._kept, self._kept.move_to_end
        found = [kept.get(key) for key in keys]
        for key, rendered in zip(keys, found, strict=True):
            if rendered is not None:
                touch(key)
        return found

    def keep(self, key: Key, rendered: orjson.Fragment) -> None:
        self._kept[key] = rendered
        self._kept.move_to_end(key)
        while len(self._kept) > self.capacity:
            self._kept.popitem(last=False)
