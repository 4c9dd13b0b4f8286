"""Prometheus metrics: what an owner graphs to see a hub that is falling behind.

Gauges are read from the store at scrape time (nothing to keep in sync); counters and the
request histogram are updated as things happen. One registry per app: no global state.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from gateway.domain.issues import STALL_WARNING, has
from gateway.store import devices, webhooks
from gateway.store import pool as pool_store
from gateway.store.db import Store


class StoreCollector(Collector):
    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        conn = self.store.conn
        queue = GaugeMetricFamily(
            "lockgw_reconcile_queue_depth",
            "Access codes waiting for their lock (setting or removing)",
            labels=["lock"],
        )
        online = GaugeMetricFamily("lockgw_lock_online", "1 when the lock answers", labels=["lock"])
        stalled_gauge = GaugeMetricFamily(
            "lockgw_lock_stalled",
            "1 when the lock's work has made no progress for too long",
            labels=["lock"],
        )
        pool = GaugeMetricFamily(
            "lockgw_pool_ready_codes", "Backup codes ready on the lock", labels=["lock"]
        )
        pending = dict(
            conn.execute(
                "SELECT device_id, COUNT(*) FROM access_codes WHERE status IN "
                "('setting', 'removing') GROUP BY device_id"
            ).fetchall()
        )
        for device in devices.all_devices(conn):
            queue.add_metric([device.name], pending.get(device.device_id, 0))
            online.add_metric([device.name], 1 if device.online else 0)
            stalled_gauge.add_metric([device.name], 1 if has(device.warnings, STALL_WARNING) else 0)
            if device.has_pool:
                pool.add_metric([device.name], pool_store.ready(conn, device.device_id))
        backlog = GaugeMetricFamily(
            "lockgw_webhook_backlog", "Webhook deliveries not yet made", labels=["url"]
        )
        for item in webhooks.status(conn):
            backlog.add_metric([item.webhook.url], item.pending)
        faults = GaugeMetricFamily(
            "lockgw_store_faults", "Store faults (full disk, busy, I/O) since start"
        )
        faults.add_metric([], self.store.faults.count)
        yield from (queue, online, stalled_gauge, pool, backlog, faults)


class Metrics:
    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(StoreCollector(store))
        self.restarts = Counter(
            "lockgw_task_restarts",
            "Reconcilers and event pumps restarted after they died",
            ["lock", "task"],
            registry=self.registry,
        )
        self.driver_operations = Counter(
            "lockgw_driver_operations",
            "Slot operations sent to locks",
            ["lock", "operation", "outcome"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "lockgw_request_seconds",
            "API request latency",
            ["path"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def observe_request(self, path: str, seconds: float) -> None:
        self.request_seconds.labels(path).observe(seconds)

    def count_restart(self, lock: str, task: str) -> None:
        self.restarts.labels(lock, task).inc()

    def count_operation(self, lock: str, operation: str, outcome: str) -> None:
        self.driver_operations.labels(lock, operation, outcome).inc()
