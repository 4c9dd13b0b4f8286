"""Every topic the hub publishes to or listens on, from `[mqtt] base_topic` and
`discovery_prefix` (docs/mqtt-acl.example grants them)."""

from __future__ import annotations

from dataclasses import dataclass

ONLINE, OFFLINE = "online", "offline"
LOCK, UNLOCK = "LOCK", "UNLOCK"


@dataclass(frozen=True)
class Topics:
    base: str = "lockgw"
    discovery_prefix: str = "homeassistant"

    @property
    def hub_status(self) -> str:
        """The hub's availability, retained: `online`, or `offline` (the last will)."""
        return f"{self.base}/status"

    def lock_availability(self, device_id: str) -> str:
        return f"{self.base}/locks/{device_id}/availability"

    def lock_state(self, device_id: str) -> str:
        """A lock's state as one retained JSON object (lock, battery, codes, pool, keypad)."""
        return f"{self.base}/locks/{device_id}/state"

    def lock_keypad(self, device_id: str) -> str:
        """A door opened at the keypad (not retained): Home Assistant's event entity."""
        return f"{self.base}/locks/{device_id}/keypad"

    def lock_command(self, device_id: str) -> str:
        """`LOCK` or `UNLOCK`."""
        return f"{self.base}/locks/{device_id}/set"

    @property
    def lock_commands(self) -> str:
        return f"{self.base}/locks/+/set"

    def event(self, event_type: str) -> str:
        return f"{self.base}/events/{event_type}"

    @property
    def api_request(self) -> str:
        """The Seam-shaped API over MQTT 5: {"route": "/access_codes/create", "body": {...}}."""
        return f"{self.base}/api/request"

    @property
    def api_responses(self) -> str:
        """Answers go to the request's own response topic, which must be under this prefix
        (so a request can never make the hub publish on a state or event topic)."""
        return f"{self.base}/api/response/"

    @property
    def homeassistant_status(self) -> str:
        """Home Assistant's birth message (`online`): discovery is published again."""
        return f"{self.discovery_prefix}/status"

    def discovery(self, component: str, object_id: str) -> str:
        return (
            f"{self.discovery_prefix}/{component}/{self.base.replace('/', '_')}/{object_id}/config"
        )

    @property
    def node_id(self) -> str:
        return self.base.replace("/", "_")

    @property
    def discoveries(self) -> str:
        """Every discovery config of this hub (read back at connect to remove stale ones)."""
        return f"{self.discovery_prefix}/+/{self.node_id}/+/config"

    def object_of_discovery(self, topic: str) -> str | None:
        """The object id a discovery topic of this hub names (None: not one of ours)."""
        levels = topic.split("/")
        prefix = self.discovery_prefix.split("/")
        if (
            len(levels) != len(prefix) + 4
            or levels[: len(prefix)] != prefix
            or levels[-3] != self.node_id
            or levels[-1] != "config"
        ):
            return None
        return levels[-2]

    def device_of_command(self, topic: str) -> str | None:
        """The lock a command topic names (None: not a command topic of ours)."""
        prefix, suffix = f"{self.base}/locks/", "/set"
        if not (topic.startswith(prefix) and topic.endswith(suffix)):
            return None
        device_id = topic[len(prefix) : -len(suffix)]
        return device_id if device_id and "/" not in device_id else None
