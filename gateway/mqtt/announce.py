"""A fleet hub's announcement (pure): what a front learns of the hub from its retained
`{base}/hubs/{hub_id}/hub` message (docs/FLEET.md, protocol 1): which devices it holds, so a
call naming one is routed here. Published at connect and whenever the set of devices changes;
whether the hub is online is its `status` topic's business, not this."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from gateway.domain.timefmt import to_iso

PROTOCOL = 1


def announcement(
    *,
    hub_id: str,
    workspace_id: str,
    version: str,
    device_ids: Iterable[str],
    announced_at: datetime,
) -> dict[str, Any]:
    ids = sorted(set(device_ids))
    return {
        "protocol": PROTOCOL,
        "hub_id": hub_id,
        "workspace_id": workspace_id,
        "version": version,
        "device_ids": ids,
        "lock_count": len(ids),
        "announced_at": to_iso(announced_at),
    }
