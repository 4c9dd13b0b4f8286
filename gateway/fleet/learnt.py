"""Which hub an id belongs to, learnt from the answers passing through the front (pure, bounded:
the oldest ids are forgotten first). A miss only costs asking every online hub."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

DEFAULT_CAPACITY = 200_000
MAX_DEPTH = 6
# Ids that name no one hub's thing: the workspace is per hub, an account id is derived from
# the driver (the same on every hub), a device's hub is the announcement's business.
NOT_LEARNT = frozenset({"workspace_id", "connected_account_id", "device_id"})


class LearntIds:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._hub_of: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._hub_of)

    def hub_of(self, some_id: str) -> str | None:
        hub = self._hub_of.get(some_id)
        if hub is not None:
            self._hub_of.move_to_end(some_id)
        return hub

    def remember(self, some_id: str, hub_id: str) -> None:
        self._hub_of[some_id] = hub_id
        self._hub_of.move_to_end(some_id)
        while len(self._hub_of) > self.capacity:
            self._hub_of.popitem(last=False)

    def learn(self, body: Any, hub_id: str) -> None:
        """Every `*_id` string in an answer (at any depth up to MAX_DEPTH) is the hub's."""
        for some_id in ids_in(body):
            self.remember(some_id, hub_id)


def ids_in(value: Any, depth: int = 0) -> list[str]:
    if depth > MAX_DEPTH:
        return []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and key.endswith("_id") and key not in NOT_LEARNT:
                found.append(item)
            elif isinstance(item, dict | list):
                found.extend(ids_in(item, depth + 1))
    elif isinstance(value, list):
        for item in value:
            found.extend(ids_in(item, depth + 1))
    return found
