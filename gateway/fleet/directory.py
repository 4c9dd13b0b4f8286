"""Which hubs the fleet has, from their retained `status` and announcement (pure: messages in,
the fleet's view out). A hub is online when its status says so; its devices are the ones its
latest announcement lists."""

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
    _device_hub: dict[str, str] = field(default_factory=dict)

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
        self._device_hub = {d: h.hub_id for h in self.sorted() for d in h.device_ids}

    def sorted(self) -> list[Hub]:
        return [self.hubs[h] for h in sorted(self.hubs)]

    def online(self) -> list[str]:
        """The online hubs' ids, in hub_id order (the order lists page in)."""
        return [h.hub_id for h in self.sorted() if h.online]

    def offline(self) -> list[str]:
        return [h.hub_id for h in self.sorted() if not h.online]

    def hub_of_device(self, device_id: str) -> str | None:
        return self._device_hub.get(device_id)

    def is_online(self, hub_id: str) -> bool:
        hub = self.hubs.get(hub_id)
        return hub is not None and hub.online


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
