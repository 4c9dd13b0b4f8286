"""Delivering the webhook outbox: at least once, in order per endpoint, signed the Svix way.

Each endpoint drains in its own task, so a slow or dead receiver delays only itself: never the
reconcilers, the API or other endpoints. A failing delivery is retried with exponential backoff
(and jitter) for at least 24 hours, then marked failed, and the endpoint moves on.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import random
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp

from gateway.clock import Clock
from gateway.store import devices, events, webhooks
from gateway.store.db import Store
from gateway.webhooks.signing import headers
from gateway.wire import views

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryPolicy:
    first_retry: float = 5.0  # seconds
    max_retry: float = 3600.0
    give_up_after: timedelta = timedelta(hours=24)
    timeout: float = 10.0


STORE_PAUSE_FIRST, STORE_PAUSE_MAX = 2.0, 60.0


@dataclass
class Deliverer:
    store: Store
    clock: Clock
    policy: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self._wake = asyncio.Event()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._session: aiohttp.ClientSession | None = None
        self._store_pause = STORE_PAUSE_FIRST / 2
        self.store.on_commit(self._wake.set)

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.policy.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            self._session = session
            try:
                while True:
                    self._wake.clear()
                    next_due = self._start_due()
                    delay = 3600.0 if next_due is None else max(0.0, next_due)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), delay)
            finally:
                for task in self._tasks.values():
                    task.cancel()
                await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    def _start_due(self) -> float | None:
        """Start a drain for every endpoint with a due delivery; seconds until the next one."""
        now = self.clock.now()
        soonest: float | None = None
        for webhook in webhooks.all_webhooks(self.store.conn):
            if webhook.webhook_id in self._tasks:
                continue
            head = webhooks.head(self.store.conn, webhook.webhook_id)
            if head is None:
                continue
            wait = (head[1] - now).total_seconds()
            if wait <= 0:
                task = asyncio.create_task(self._drain(webhook), name=f"webhook:{webhook.url}")
                self._tasks[webhook.webhook_id] = task
                task.add_done_callback(functools.partial(self._done, webhook.webhook_id))
            elif soonest is None or wait < soonest:
                soonest = wait
        return soonest

    def _done(self, webhook_id: str, _task: asyncio.Task[None]) -> None:
        self._tasks.pop(webhook_id, None)
        self._wake.set()

    async def _drain(self, webhook: webhooks.Webhook) -> None:
        while True:
            head = webhooks.head(self.store.conn, webhook.webhook_id)
            if head is None or head[1] > self.clock.now():
                return
            delivery, _ = head
            try:
                await self._attempt(webhook, delivery)
            except sqlite3.Error as exc:
                # The outcome could not be recorded (full disk, busy): the delivery stays due
                # and is sent again (at least once), after a pause, never in a tight loop.
                self._store_pause = min(STORE_PAUSE_MAX, self._store_pause * 2)
                log.warning(
                    "webhook %s: recording a delivery failed (%s); pausing %.0f s",
                    webhook.url,
                    exc,
                    self._store_pause,
                )
                await asyncio.sleep(self._store_pause)
                return
            self._store_pause = STORE_PAUSE_FIRST / 2

    async def _attempt(self, webhook: webhooks.Webhook, delivery: webhooks.Delivery) -> None:
        body = self._payload(delivery.event_id)
        if body is None:
            with self.store.transaction() as conn:
                webhooks.give_up(conn, delivery.seq, "event no longer stored", self.clock.now())
            return
        sent = headers(webhook.secret, f"msg_{delivery.event_id}", int(time.time()), body)
        assert self._session is not None
        error: str | None = None
        try:
            # A redirect is a failed attempt, never followed: the signed, PIN-bearing body goes
            # to the registered URL alone (and a 302 that drops the body is not "delivered").
            async with self._session.post(
                webhook.url, data=body, headers=sent, allow_redirects=False
            ) as response:
                if 300 <= response.status < 400:
                    error = f"HTTP {response.status} redirect (not followed)"
                elif not 200 <= response.status < 300:
                    error = f"HTTP {response.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        now = self.clock.now()
        with self.store.transaction() as conn:
            if error is None:
                webhooks.delivered(conn, delivery.seq, now)
                return
            if now - delivery.created_at >= self.policy.give_up_after:
                log.warning(
                    "webhook %s: giving up on event %s: %s", webhook.url, delivery.event_id, error
                )
                webhooks.give_up(conn, delivery.seq, error, now)
                return
            backoff = min(self.policy.max_retry, self.policy.first_retry * 2.0**delivery.attempts)
            when = now + timedelta(seconds=backoff * self.rng.uniform(0.8, 1.2))
            webhooks.retry_later(conn, delivery.seq, error, when)
        log.info("webhook %s: %s; retrying at %s", webhook.url, error, when.isoformat())

    def _payload(self, event_id: str) -> bytes | None:
        conn = self.store.conn
        event = events.get(conn, event_id)
        if event is None:
            return None
        device = devices.get(conn, event.device_id) if event.device_id else None
        body = views.event(event, self.store.workspace_id, device.driver if device else None)
        return json.dumps(body, separators=(",", ":")).encode()
