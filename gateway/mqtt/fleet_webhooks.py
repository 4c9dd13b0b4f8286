"""A fleet hub follows the fleet's webhooks document (retained on `{base}/fleet/webhooks`, written
by the fronts) into its own webhook store as `fleet` webhooks: its durable outbox then delivers
its events to them, signed with their secrets, with retries, even for events raised while its
link to the broker was down. A document that does not parse is logged (never its secrets) and
ignored: the hub keeps the webhooks it had."""

from __future__ import annotations

import logging

from gateway.service.faults import store_fault
from gateway.service.webhooks import Webhooks
from gateway.wire.fleet_webhooks import BadFleetWebhooks, parse

log = logging.getLogger(__name__)


def follow(webhooks: Webhooks, payload: bytes) -> bool:
    """Apply one retained document; False when it was refused (or could not be stored)."""
    try:
        wanted = parse(payload)
    except BadFleetWebhooks as refused:
        log.warning(
            "fleet webhooks document refused (%s): keeping the webhooks the hub had", refused
        )
        return False
    try:
        changes = webhooks.follow_fleet(wanted)
    except Exception as exc:
        fault = store_fault(exc)
        if fault is None:
            raise
        log.warning("fleet webhooks: store %s, not applied: %s", fault.kind.value, exc)
        return False
    if changes.added or changes.changed or changes.removed:
        log.info(
            "fleet webhooks: %d now (%d added, %d changed, %d removed)",
            len(wanted) - len(changes.clashing),
            changes.added,
            changes.changed,
            changes.removed,
        )
    for webhook_id in changes.clashing:
        log.warning(
            "fleet webhook %s left out: its URL or id is one of the hub's own webhooks already",
            webhook_id,
        )
    return True
