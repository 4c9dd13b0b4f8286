"""The fleet's topics under the fleet root `R` (docs/FLEET.md, protocol 1): what a front
subscribes to, where it asks a hub, and which hub a topic speaks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

PROTOCOL = 1
ONLINE, OFFLINE = "online", "offline"
HUB_ID = re.compile(r"^[a-z0-9_-]{1,63}$")


@dataclass(frozen=True)
class FleetTopics:
    root: str = "lockgw"

    @property
    def statuses(self) -> str:
        return f"{self.root}/hubs/+/status"

    @property
    def announcements(self) -> str:
        return f"{self.root}/hubs/+/hub"

    @property
    def webhooks(self) -> str:
        """The fleet's webhooks: one retained JSON document every front and hub reads."""
        return f"{self.root}/fleet/webhooks"

    def api_request(self, hub_id: str) -> str:
        return f"{self.root}/hubs/{hub_id}/api/request"

    def api_response(self, hub_id: str, user: str, instance: str) -> str:
        return f"{self.root}/hubs/{hub_id}/api/response/{user}/{instance}"

    def api_responses(self, user: str, instance: str) -> str:
        """Every answer addressed to this front, whichever hub sends it."""
        return f"{self.root}/hubs/+/api/response/{user}/{instance}"

    def hub_topic(self, topic: str) -> tuple[str, str] | None:
        """(hub_id, what) for `R/hubs/<hub>/<what...>`; None when the topic is not a hub's."""
        prefix = f"{self.root}/hubs/"
        if not topic.startswith(prefix):
            return None
        hub_id, _, what = topic[len(prefix) :].partition("/")
        if not HUB_ID.match(hub_id) or not what:
            return None
        return hub_id, what
