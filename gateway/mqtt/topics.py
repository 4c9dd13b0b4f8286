"""Every topic the hub publishes to or listens on, from `[mqtt] base_topic`, `discovery_prefix`
and `hub_id` (docs/mqtt-acl.example grants them; for a fleet hub, docs/mqtt-fleet-acl.example).

A fleet hub (`hub_id` set, docs/FLEET.md) keeps every topic it has under
`{base_topic}/hubs/{hub_id}/` instead of `{base_topic}/`, and its Home Assistant discovery
under its own node id (the hub id), so the hubs of one broker never overwrite each other."""

from __future__ import annotations

from dataclasses import dataclass

ONLINE, OFFLINE = "online", "offline"
LOCK, UNLOCK = "LOCK", "UNLOCK"


@dataclass(frozen=True)
class Topics:
    base: str = "lockgw"
    discovery_prefix: str = "homeassistant"
    hub_id: str | None = None  # a fleet hub's id (None: a hub on its own)

    @property
    def root(self) -> str:
        """Where this hub's own topics live."""
        return self.base if self.hub_id is None else f"{self.base}/hubs/{self.hub_id}"

    @property
    def hub_status(self) -> str:
        """The hub's availability, retained: `online`, or `offline` (the last will)."""
        return f"{self.root}/status"

    @property
    def hub_announcement(self) -> str:
        """A fleet hub's announcement, retained (gateway.mqtt.announce)."""
        return f"{self.root}/hub"

    @property
    def fleet_webhooks(self) -> str:
        """The fleet's webhooks: one retained JSON document the fronts write (fleet root)."""
        return f"{self.base}/fleet/webhooks"

    def lock_availability(self, device_id: str) -> str:
        return f"{self.root}/locks/{device_id}/availability"

    def lock_state(self, device_id: str) -> str:
        """A lock's state as one retained JSON object (lock, battery, codes, pool, keypad)."""
        return f"{self.root}/locks/{device_id}/state"

    def lock_keypad(self, device_id: str) -> str:
        """A door opened at the keypad (not retained): Home Assistant's event entity."""
        return f"{self.root}/locks/{device_id}/keypad"

    def lock_command(self, device_id: str) -> str:
        """`LOCK` or `UNLOCK`."""
        return f"{self.root}/locks/{device_id}/set"

    @property
    def lock_commands(self) -> str:
        return f"{self.root}/locks/+/set"

    def event(self, event_type: str) -> str:
        return f"{self.root}/events/{event_type}"

    @property
    def api_request(self) -> str:
        """The Seam-shaped API over MQTT 5: {"route": "/access_codes/create", "body": {...}}."""
        return f"{self.root}/api/request"

    @property
    def api_responses(self) -> str:
        """Answers go to the request's own response topic, which must be under this prefix
        (so a request can never make the hub publish on a state or event topic)."""
        return f"{self.root}/api/response/"

    @property
    def homeassistant_status(self) -> str:
        """Home Assistant's birth message (`online`): discovery is published again."""
        return f"{self.discovery_prefix}/status"

    def discovery(self, component: str, object_id: str) -> str:
        return f"{self.discovery_prefix}/{component}/{self.node_id}/{object_id}/config"

    @property
    def node_id(self) -> str:
        """Home Assistant's node id of this hub's entities: the hub id in a fleet (a whole topic
        level, so a broker ACL pattern can name it with %u), else the base topic."""
        return self.hub_id if self.hub_id is not None else self.base.replace("/", "_")

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
        prefix, suffix = f"{self.root}/locks/", "/set"
        if not (topic.startswith(prefix) and topic.endswith(suffix)):
            return None
        device_id = topic[len(prefix) : -len(suffix)]
        return device_id if device_id and "/" not in device_id else None
