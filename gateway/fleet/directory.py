"""Which hubs the fleet has, from their retained `status` and announcement (pure: messages in,
the fleet's view out). A hub is online when its status says so; its devices are the ones its
latest announcement lists. A device announced by several hubs belongs to none of them: its calls
are refused (gateway.fleet.router) rather than sent to whichever announced last."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace

from gateway.fleet.topics import ONLINE, PROTOCOL

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hub:
    hub_id: str
    online: bool = False
    version: str | None = None
    workspace_id: str | None = None
    device_ids: tuple[str, ...] = ()
    announced_at: str | None = None

    @property
    def lock_count(self) -> int:
        return len(self.device_ids)

    def summary(self) -> dict[str, object]:
        """What `lockgw fleet hubs --json` and the front's /health show of a hub."""
        return {
            "hub_id": self.hub_id,
            "online": self.online,
            "version": self.version,
            "lock_count": self.lock_count,
            "announced_at": self.announced_at,
        }


@dataclass
class Directory:
    hubs: dict[str, Hub] = field(default_factory=dict)
    _device_hubs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _conflicts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def on_status(self, hub_id: str, payload: bytes) -> bool:
        """A hub's retained status; True when its being online changed. An empty payload (the
        retained status cleared) forgets the hub's status: it counts as offline."""
        online = payload.strip() == ONLINE.encode()
        hub = self.hubs.get(hub_id, Hub(hub_id))
        self.hubs[hub_id] = replace(hub, online=online)
        return hub.online != online

    def on_announcement(self, hub_id: str, payload: bytes) -> None:
        """A hub's retained announcement; an empty payload removes the hub from the fleet."""
        if not payload:
            self.hubs.pop(hub_id, None)
            self._reindex()
            return
        try:
            data = json.loads(payload)
        except ValueError:
            log.warning("fleet: hub %s announced something that is not JSON: ignored", hub_id)
            return
        if not isinstance(data, dict) or data.get("protocol") != PROTOCOL:
            log.warning("fleet: hub %s announced another protocol: ignored", hub_id)
            return
        ids = data.get("device_ids")
        device_ids = tuple(d for d in ids if isinstance(d, str)) if isinstance(ids, list) else ()
        hub = self.hubs.get(hub_id, Hub(hub_id))
        self.hubs[hub_id] = replace(
            hub,
            version=_text(data.get("version")),
            workspace_id=_text(data.get("workspace_id")),
            device_ids=device_ids,
            announced_at=_text(data.get("announced_at")),
        )
        self._reindex()

    def _reindex(self) -> None:
        found: dict[str, list[str]] = {}
        for hub in self.sorted():
            for device_id in dict.fromkeys(hub.device_ids):
                found.setdefault(device_id, []).append(hub.hub_id)
        self._device_hubs = {d: tuple(hubs) for d, hubs in found.items()}
        conflicts = {d: hubs for d, hubs in self._device_hubs.items() if len(hubs) > 1}
        for device_id, hubs in conflicts.items():
            if self._conflicts.get(device_id) != hubs:  # once per new conflict
                log.warning(
                    "fleet: device %s is announced by several hubs (%s): its calls are refused "
                    "until one hub alone announces it",
                    device_id,
                    ", ".join(hubs),
                )
        self._conflicts = conflicts

    def sorted(self) -> list[Hub]:
        return [self.hubs[h] for h in sorted(self.hubs)]

    def online(self) -> list[str]:
        """The online hubs' ids, in hub_id order (the order lists page in)."""
        return [h.hub_id for h in self.sorted() if h.online]

    def offline(self) -> list[str]:
        return [h.hub_id for h in self.sorted() if not h.online]

    def hubs_of_device(self, device_id: str) -> tuple[str, ...]:
        """The hubs announcing the device, in hub_id order (more than one: a conflict)."""
        return self._device_hubs.get(device_id, ())

    def hub_of_device(self, device_id: str) -> str | None:
        """The hub announcing the device, when exactly one does."""
        hubs = self.hubs_of_device(device_id)
        return hubs[0] if len(hubs) == 1 else None

    def is_online(self, hub_id: str) -> bool:
        hub = self.hubs.get(hub_id)
        return hub is not None and hub.online


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
