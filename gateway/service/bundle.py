"""The services the API calls, built once in the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gateway.clock import Clock
from gateway.service.access_codes import AccessCodes, Waker
from gateway.service.access_methods import AccessMethods
from gateway.service.activity import Activity
from gateway.service.backup_pool import BackupPool
from gateway.service.devices import Devices
from gateway.service.grants import AccessGrants
from gateway.service.health import component_health
from gateway.service.live_keys import LiveKeys
from gateway.service.lock_config import LockConfig
from gateway.service.related import RelatedResources
from gateway.service.simulate import NoSimulation, Simulation, SimulationControls
from gateway.service.spaces import Spaces
from gateway.service.unmanaged import UnmanagedCodes
from gateway.service.user_identities import UserIdentities
from gateway.service.webhooks import Webhooks
from gateway.service.workspaces import Workspaces
from gateway.store.db import Store
from gateway.wire.rendered import RenderedCodes


@dataclass
class Services:
    store: Store
    clock: Clock
    access_codes: AccessCodes
    unmanaged: UnmanagedCodes
    devices: Devices
    backup_pool: BackupPool
    activity: Activity
    webhooks: Webhooks
    workspaces: Workspaces
    # Access Grants (code mode): identities, spaces, grants and their access methods.
    user_identities: UserIdentities
    spaces: Spaces
    access_grants: AccessGrants
    access_methods: AccessMethods
    related: RelatedResources
    # Locks whose work has made no progress for too long (the engine's supervisor knows).
    stalled: Callable[[], frozenset[str]] = frozenset
    # The sandbox's simulate calls and /locks/configure_auto_lock (built by `build`).
    simulation: Simulation | None = None
    lock_config: LockConfig | None = None
    # What lists rendered of managed codes, reused while a code's row is unchanged.
    rendered_codes: RenderedCodes = field(default_factory=RenderedCodes)
    # The API keys found live since the store last changed.
    live_keys: LiveKeys = field(init=False)

    def __post_init__(self) -> None:
        self.live_keys = LiveKeys(self.store)

    @classmethod
    def build(
        cls,
        store: Store,
        clock: Clock,
        wake: Waker,
        stalled: Callable[[], frozenset[str]] = frozenset,
        simulation: SimulationControls | None = None,
    ) -> Services:
        return cls(
            simulation=Simulation(store, clock, simulation or NoSimulation()),
            lock_config=LockConfig(store, clock, wake),
            stalled=stalled,
            store=store,
            clock=clock,
            access_codes=AccessCodes(store, clock, wake),
            unmanaged=UnmanagedCodes(store, clock, wake),
            devices=Devices(store, clock, wake),
            backup_pool=BackupPool(store, clock, wake),
            activity=Activity(store),
            webhooks=Webhooks(store, clock),
            # Syncing an account reads its locks again (a plain wake may trust what it knows).
            workspaces=Workspaces(store, wake if simulation is None else simulation.look_now),
            user_identities=UserIdentities(store, clock, wake),
            spaces=Spaces(store, clock, wake),
            access_grants=AccessGrants(store, clock, wake),
            access_methods=AccessMethods(store, clock, wake),
            related=RelatedResources(store),
        )

    @property
    def workspace_id(self) -> str:
        return self.store.workspace_id

    def key_is_valid(self, presented: str) -> bool:
        """An API key that is live (compared in constant time when the store is asked)."""
        return self.live_keys.is_live(presented)

    def health(self) -> dict[str, Any]:
        return component_health(self.store, self.clock, self.stalled)
