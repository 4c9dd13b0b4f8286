"""The services the API calls, built once in the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.clock import Clock
from gateway.service.access_codes import AccessCodes, Waker
from gateway.service.activity import Activity
from gateway.service.backup_pool import BackupPool
from gateway.service.devices import Devices
from gateway.service.health import component_health
from gateway.service.unmanaged import UnmanagedCodes
from gateway.store import api_keys
from gateway.store.db import Store


@dataclass
class Services:
    store: Store
    clock: Clock
    access_codes: AccessCodes
    unmanaged: UnmanagedCodes
    devices: Devices
    backup_pool: BackupPool
    activity: Activity
    # Locks whose work has made no progress for too long (the engine's supervisor knows).
    stalled: Callable[[], frozenset[str]] = frozenset

    @classmethod
    def build(
        cls,
        store: Store,
        clock: Clock,
        wake: Waker,
        stalled: Callable[[], frozenset[str]] = frozenset,
    ) -> Services:
        return cls(
            stalled=stalled,
            store=store,
            clock=clock,
            access_codes=AccessCodes(store, clock, wake),
            unmanaged=UnmanagedCodes(store, clock, wake),
            devices=Devices(store, clock, wake),
            backup_pool=BackupPool(store, clock, wake),
            activity=Activity(store),
        )

    @property
    def workspace_id(self) -> str:
        return self.store.workspace_id

    def key_is_valid(self, presented: str) -> bool:
        """An API key that is live (compared in constant time)."""
        return api_keys.verify(self.store.conn, presented)

    def health(self) -> dict[str, Any]:
        return component_health(self.store, self.clock, self.stalled)
