"""Slots over a Nuki lock's keypad code ids (pure).

A Nuki lock numbers its keypad codes itself (the id comes back from "add"); the gateway thinks in
slots. The map keeps each slot's code id, and is rebuilt from the lock's list: codes gone from
the lock free their slot, codes nobody mapped (added in the Nuki app, or added by us just before a
crash) get one. An add in flight is remembered as `pending` (a digest of the PIN, never the PIN),
so the code the lock took just before a crash lands back in the slot it was meant for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any


def digest(salt: str, code: int) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SlotMap:
    salt: str
    ids: dict[int, int] = field(default_factory=dict)  # slot -> code id
    pending: dict[int, str] = field(default_factory=dict)  # slot -> digest of the PIN being added

    def free_slot(self, slots: Iterable[int], taken: Iterable[int] = ()) -> int | None:
        busy = set(self.ids) | set(taken)
        return next((slot for slot in slots if slot not in busy), None)

    def adding(self, slot: int, code: int) -> SlotMap:
        return replace(self, pending={**self.pending, slot: digest(self.salt, code)})

    def added(self, slot: int, code_id: int) -> SlotMap:
        pending = {s: d for s, d in self.pending.items() if s != slot}
        return replace(self, ids={**self.ids, slot: code_id}, pending=pending)

    def without(self, slot: int) -> SlotMap:
        ids = {s: i for s, i in self.ids.items() if s != slot}
        pending = {s: d for s, d in self.pending.items() if s != slot}
        return replace(self, ids=ids, pending=pending)

    def moved(self, slot: int, to: int) -> SlotMap:
        ids = {s: i for s, i in self.ids.items() if s != slot}
        ids[to] = self.ids[slot]
        return replace(self, ids=ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "salt": self.salt,
            "ids": {str(s): i for s, i in sorted(self.ids.items())},
            "pending": {str(s): d for s, d in sorted(self.pending.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SlotMap:
        return cls(
            salt=str(data["salt"]),
            ids={int(s): int(i) for s, i in data.get("ids", {}).items()},
            pending={int(s): str(d) for s, d in data.get("pending", {}).items()},
        )


def rebuild(current: SlotMap, listed: dict[int, int], slots: range) -> tuple[SlotMap, set[int]]:
    """The map after the lock listed `listed` (code id -> PIN), and the slots that were given
    to codes the map did not know (their content is news to the caller)."""
    ids = {slot: code_id for slot, code_id in current.ids.items() if code_id in listed}
    known = set(ids.values())
    for slot, wanted in sorted(current.pending.items()):
        if slot in ids:
            continue
        for code_id, code in sorted(listed.items()):
            if code_id not in known and digest(current.salt, code) == wanted:
                ids[slot] = code_id
                known.add(code_id)
                break
    new: set[int] = set()
    for code_id in sorted(listed):
        if code_id in known:
            continue
        free = next((s for s in slots if s not in ids), None)
        if free is None:
            break  # more codes on the lock than slots: the rest stay invisible
        ids[free] = code_id
        new.add(free)
    return SlotMap(current.salt, ids), new
