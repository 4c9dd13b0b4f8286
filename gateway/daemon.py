"""The composition root: store, drivers, engine and HTTP API wired together, then served."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

from drivers.virtual import VirtualLock, make_lock
from gateway.api.app import build_app
from gateway.api.runner import ApiRunner
from gateway.clock import Clock
from gateway.clock.trusted import TrustedClock
from gateway.config import SIM_LOCKS, Config
from gateway.dashboard import app as dashboard
from gateway.engine.clock_watch import watch_clock
from gateway.engine.locks import Locks
from gateway.host import mdns, sd_notify
from gateway.host.background import Background
from gateway.host.data_dir_lock import LOCK_FILE, DataDirLock
from gateway.host.listener import listen
from gateway.host.tls import tls_context
from gateway.service.bundle import Services
from gateway.service.dashboard_health import HubHealth, doctor_checks
from gateway.service.metrics import Metrics
from gateway.service.mqtt_events import MqttEvents
from gateway.service.owner import OwnerAccess
from gateway.service.retention import prune_forever
from gateway.store import devices, webhooks
from gateway.store.db import DB_FILE, Store
from gateway.store.soundness import check_not_lost
from gateway.webhooks.delivery import Deliverer, DeliveryPolicy

if TYPE_CHECKING:  # the radios' libraries load only when a lock of theirs is configured
    from drivers.nuki.files import LockFiles
    from drivers.nuki.lock import NukiLock
    from drivers.nuki.radio import Radio
    from drivers.zwave.network import ZWaveNetwork

log = logging.getLogger("lockgw")

STORE_BUSY_WAIT_MS = 100
# Where `lockgw ble pair` keeps paired Nuki locks (drivers.nuki.files.FOLDER), named here so
# that a hub without Nuki locks never loads that driver to find none.
NUKI_FOLDER = "nuki"


@dataclass
class SimulatedLocks:
    """The simulate calls' way to the in-memory locks (service.simulate.SimulationControls):
    a lock the config or `--sim` declares is simulated; a radio's lock never is."""

    locks: Locks

    def simulated_lock(self, device_id: str) -> VirtualLock | None:
        driver = self.locks.drivers.get(device_id)
        return driver if isinstance(driver, VirtualLock) else None

    async def detach(self, device_id: str) -> None:
        await self.locks.remove(device_id)

    def look_now(self, device_id: str) -> None:
        reconciler = self.locks.reconcilers.get(device_id)
        if reconciler is not None:
            reconciler.read_again()


@dataclass
class Gateway:
    """Everything the daemon runs, built once (`build`), started once (`start`) and stopped
    once (`close`): the background tasks it starts are its own, kept alive until then."""

    config: Config
    store: Store
    clock: Clock
    locks: Locks
    services: Services
    app: web.Application
    zwave: ZWaveNetwork | None = None
    radio: Radio | None = None
    nuki: set[str] = field(default_factory=set)
    background: Background = field(default_factory=Background)

    @classmethod
    def build(cls, config: Config, clock: Clock | None = None) -> Gateway:
        store = Store(config.data_dir)
        # Another process holding the write lock must not stall the event loop: wait briefly,
        # then the API retries asynchronously and reconcilers back off.
        store.wait_when_busy(STORE_BUSY_WAIT_MS)
        clock = clock or TrustedClock(store)
        metrics = Metrics(store)
        locks = Locks(store, clock, config.pool_size, config.stall_after, counters=metrics)
        services = Services.build(
            store, clock, locks.wake, locks.supervisor.stalled_now, SimulatedLocks(locks)
        )
        app = build_app(services, metrics, other_surfaces=dashboard.PATHS)
        health = HubHealth(doctor_checks(config))  # the doctor's checks, on Settings
        dashboard.install(app, services, OwnerAccess(store, clock), health)
        return cls(config, store, clock, locks, services, app)

    def start(self) -> None:
        self._apply_webhooks()
        self.locks.start()
        policy = DeliveryPolicy(first_retry=self.config.webhook_first_retry)
        retention = timedelta(days=self.config.event_retention_days)
        keep = self.background.keep
        keep("outside changes", self._watch_outside_changes)
        keep("webhooks", Deliverer(self.store, self.clock, policy).run)
        keep("retention", lambda: prune_forever(self.store, self.clock, retention))
        if isinstance(self.clock, TrustedClock):
            clock = self.clock
            keep("clock", lambda: watch_clock(self.store, clock, self.locks.wake_all))
        self._start_mqtt()

    def _start_mqtt(self) -> None:
        """`[mqtt]`: state, events and commands on the broker; without it, no event queues for
        a broker (and what was queued for one is dropped)."""
        settings = self.config.mqtt
        if settings is None:
            MqttEvents(self.store, self.clock).set_enabled(False)
            self.services.webhooks.follow_fleet(())  # no longer in a fleet: its webhooks go
            return
        from gateway.mqtt.bridge import MqttBridge  # aiomqtt loads only when [mqtt] is set

        bridge = MqttBridge(settings, self.services)
        bridge.events.set_enabled(True)  # events from now on queue for it, even before it connects
        self.background.keep("mqtt", bridge.run)

    async def add_remote_locks(self, session: aiohttp.ClientSession) -> None:
        url = self.config.virtual_server_url
        if url is None:
            return
        from drivers.remote.client import RemoteLock

        for driver in await RemoteLock.discover(session, url):
            self.locks.add(driver)

    async def add_zwave_locks(self, session: aiohttp.ClientSession) -> None:
        """Locks on the zwave-js server: those known from earlier runs at once (offline until
        the server answers), then every lock node the server has."""
        url = self.config.zwave_url
        if url is None:
            return
        from drivers.zwave.lock import ZWaveLock
        from drivers.zwave.network import ZWaveNetwork

        network = ZWaveNetwork(
            url,
            session,
            self.locks.add,
            allow_insecure_nodes=frozenset(self.config.zwave_allow_insecure_nodes),
        )
        for device in devices.all_devices(self.store.conn):
            if device.driver == "zwave":
                lock = ZWaveLock(device.ref, device.display_name, device.capabilities)
                network.adopt(lock)
                self.locks.add(lock)
        self.zwave = network
        network.start()
        if not await network.wait_connected(self.config.zwave_connect_wait):
            log.warning("zwave-js server %s not reachable yet; its locks show offline", url)

    async def add_nuki_locks(self) -> None:
        """Nuki locks paired with `lockgw ble pair` (now or while the daemon runs)."""
        if not (self.config.data_dir / NUKI_FOLDER).is_dir():
            return  # none paired: the Nuki driver (and libsodium) is not even loaded
        from drivers.nuki.files import paired_locks
        from gateway.host.ble_radio import configured_radio

        for files in paired_locks(self.config.data_dir):
            if files.folder.name in self.nuki:
                continue
            if self.radio is None:
                self.radio = await configured_radio(self.config)
            self.nuki.add(files.folder.name)
            self.locks.add(self._nuki_lock(files, self.radio))

    @staticmethod
    def _nuki_lock(files: LockFiles, radio: Radio) -> NukiLock:
        from drivers.nuki.lock import NukiLock

        return NukiLock(files.credentials(), files.name(), files, radio)

    def add_locks(self, sim: bool) -> None:
        hardware = (
            self.config.virtual_server_url is not None or self.zwave is not None or bool(self.nuki)
        )
        wanted = self.config.virtual_locks or (SIM_LOCKS if sim and not hardware else ())
        # One commit for all of them (each add alone is a commit: 50 locks, 50 syncs to disk).
        with self.store.transaction():
            for lock_config in wanted:
                lock = make_lock(lock_config.profile, lock_config.ref, lock_config.name)
                for preset in lock_config.codes:
                    lock.keypad_set(preset.slot, preset.code, notify=False)
                self.locks.add(lock)

    async def _watch_outside_changes(self) -> None:
        """The owner's CLI writes to the store from another process; SQLite's data_version
        changes when another connection commits, and then every lock gets a look."""
        seen = self.store.data_version()
        while True:
            await asyncio.sleep(1.0)
            try:
                await self.add_nuki_locks()
            except Exception:  # a bad credential file or radio must not stop this loop
                log.exception("adding the paired Nuki locks failed")
            version = self.store.data_version()
            if version != seen:
                seen = version
                self.locks.wake_all()

    def healthy(self) -> bool:
        """The store answers (the watchdog also stops by itself if the event loop is stuck)."""
        try:
            self.store.conn.execute("SELECT 1").fetchone()
        except Exception:
            return False
        return True

    def _apply_webhooks(self) -> None:
        with self.store.transaction() as conn:
            for hook in self.config.webhooks:
                webhooks.add(conn, hook.url, hook.secret, hook.events, self.clock.now())

    async def close(self) -> None:
        await self.background.close()
        if isinstance(self.clock, TrustedClock):
            try:
                self.clock.save()
            except sqlite3.Error as exc:  # a full disk at shutdown: the slots matter more
                log.warning("saving the trusted time at shutdown failed: %s", exc)
        await self.locks.close()
        if self.zwave is not None:
            await self.zwave.close()
        self.store.close()


async def serve(config: Config, *, sim: bool) -> None:
    # One daemon per data dir, and the API's port bound before any lock is contacted: either
    # refusal is one line (DataDirInUse, CannotListen), with nothing touched.
    check_not_lost(config.data_dir, DB_FILE, LOCK_FILE)
    data_dir_lock = DataDirLock.take(config.data_dir)
    listener = listen(config.host, config.port)
    tls = tls_context(config)  # a certificate that will not load is refused before any radio
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    gateway = Gateway.build(config)
    session = aiohttp.ClientSession()
    await gateway.add_remote_locks(session)
    await gateway.add_zwave_locks(session)
    await gateway.add_nuki_locks()
    gateway.add_locks(sim)
    # What is built by now lives as long as the daemon: moved out of the cyclic collector's
    # way, a full collection scans what requests and passes leave, not the ~65,000 objects of
    # the modules and the wiring (a 40 ms pause, e.g. in the middle of a list of 1,000 codes).
    gc.freeze()
    gateway.start()
    runner = ApiRunner(gateway.app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.SockSite(runner, listener, ssl_context=tls)
    await site.start()
    scheme = "https" if tls else "http"
    url = f"{scheme}://{config.host}:{config.port}"
    log.info("lockgw API listening on %s", url)
    print(f"lockgw: API on {url}", flush=True)
    advertiser = None
    if mdns.wanted(config.host, config.mdns):
        advertiser = mdns.Advertiser(mdns.advert_for(config.host, config.port, scheme))
        await advertiser.start()
    sd_notify.notify(f"READY=1\nSTATUS=API on {url}, {len(gateway.locks.drivers)} locks")
    watchdog = asyncio.create_task(sd_notify.keep_alive(gateway.healthy), name="watchdog")
    try:
        await stop.wait()
    finally:
        log.info("lockgw shutting down")
        sd_notify.notify("STOPPING=1\nSTATUS=finishing the slot operations in flight")
        watchdog.cancel()
        if advertiser is not None:
            await advertiser.stop()
        await runner.cleanup()
        await gateway.close()
        await session.close()
        data_dir_lock.release()
        log.info("lockgw stopped")
