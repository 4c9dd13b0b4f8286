"""Pruning old events, finished deliveries and recorded API answers (kept 24 hours), in small
batches that never block the loop."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from gateway.clock import Clock
from gateway.service.api_answers import KEPT_FOR
from gateway.store import api_answers, events, webhooks
from gateway.store.db import Store

BATCH = 500
EVERY = 3600.0


def prune_once(store: Store, clock: Clock, retention: timedelta) -> int:
    cutoff = clock.now() - retention
    with store.transaction() as conn:
        removed = events.prune(conn, cutoff, BATCH)
        removed += webhooks.prune_delivered(conn, cutoff, BATCH)
        removed += api_answers.prune(conn, clock.now() - KEPT_FOR, BATCH)
    return removed


async def prune_forever(store: Store, clock: Clock, retention: timedelta) -> None:
    while True:
        removed = prune_once(store, clock, retention)
        # A full batch means more to do: yield (the API and reconcilers run), then go on.
        await asyncio.sleep(0 if removed >= BATCH else EVERY)
