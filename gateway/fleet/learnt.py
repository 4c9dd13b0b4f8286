"""Which hub an id belongs to, learnt from the answers passing through the front (pure, bounded:
the oldest ids are forgotten first). A miss only costs finding the hub again.

A hub's answer is believed only for what it can hold: an object naming a device (`device_id`)
teaches its ids only when that hub alone announces the device; such an id is *anchored* to that
hub, and no answer of another hub moves it unless anchored too (the device moved). An id from an
object naming no device is learnt from the first hub that names it and not moved by another."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_CAPACITY = 200_000
MAX_DEPTH = 6
# Ids that name no one hub's thing: the workspace is per hub, an account id is derived from
# the driver (the same on every hub), a device's hub is the announcement's business.
NOT_LEARNT = frozenset({"workspace_id", "connected_account_id", "device_id"})

HubsOfDevice = Callable[[str], tuple[str, ...]]


@dataclass(frozen=True)
class Learnt:
    hub_id: str
    anchored: bool


class LearntIds:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._hub_of: OrderedDict[str, Learnt] = OrderedDict()

    def __len__(self) -> int:
        return len(self._hub_of)

    def hub_of(self, some_id: str) -> str | None:
        found = self._hub_of.get(some_id)
        if found is None:
            return None
        self._hub_of.move_to_end(some_id)
        return found.hub_id

    def remember(self, some_id: str, hub_id: str, *, anchored: bool = False) -> None:
        known = self._hub_of.get(some_id)
        if known is not None and known.hub_id != hub_id and not anchored:
            return  # another hub's claim, without its device to back it: not believed
        if known is not None and known.hub_id == hub_id:
            anchored = anchored or known.anchored
        self._hub_of[some_id] = Learnt(hub_id, anchored)
        self._hub_of.move_to_end(some_id)
        while len(self._hub_of) > self.capacity:
            self._hub_of.popitem(last=False)

    def learn(self, body: Any, hub_id: str, hubs_of_device: HubsOfDevice) -> None:
        """The `*_id` strings of an answer (at any depth up to MAX_DEPTH) the hub may hold."""
        for some_id, anchored in ids_in(body, hub_id, hubs_of_device):
            self.remember(some_id, hub_id, anchored=anchored)


def credible(body: Any, hub_id: str, hubs_of_device: HubsOfDevice, depth: int = 0) -> bool:
    """No object of the answer names a device that hub does not alone announce."""
    if depth > MAX_DEPTH:
        return True
    if isinstance(body, dict):
        device_id = body.get("device_id")
        if isinstance(device_id, str) and hubs_of_device(device_id) != (hub_id,):
            return False
        items: Any = body.values()
    elif isinstance(body, list):
        items = body
    else:
        return True
    return all(credible(item, hub_id, hubs_of_device, depth + 1) for item in items)


def ids_in(
    value: Any, hub_id: str, hubs_of_device: HubsOfDevice, depth: int = 0, anchored: bool = False
) -> list[tuple[str, bool]]:
    if depth > MAX_DEPTH:
        return []
    found: list[tuple[str, bool]] = []
    if isinstance(value, dict):
        device_id = value.get("device_id")
        if isinstance(device_id, str):
            if hubs_of_device(device_id) != (hub_id,):
                return []  # a device of another hub (or of none): nothing here is learnt
            anchored = True
        for key, item in value.items():
            if isinstance(item, str) and key.endswith("_id") and key not in NOT_LEARNT:
                found.append((item, anchored))
            elif isinstance(item, dict | list):
                found.extend(ids_in(item, hub_id, hubs_of_device, depth + 1, anchored))
    elif isinstance(value, list):
        for item in value:
            found.extend(ids_in(item, hub_id, hubs_of_device, depth + 1, anchored))
    return found
