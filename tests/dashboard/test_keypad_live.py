"""A code changed at the lock's keypad, seen live in the Events timeline: the hub finds the
change, puts its code back, and the open page shows it without a reload.

The lock is a virtual lock in a process of its own (hardware-sim/virtual), whose keypad the test
works like a person at the door. Such a lock sends the hub no reports (drivers/remote has no
events), so the hub finds a keypad change when it reads the lock whole: at start-up, as after a
power cut. The test holds the lock out of reach while the page opens, so the put-back happens
while the owner watches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.dashboard.conftest import log_in, start_dashboard_daemon
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.virtual_server import VirtualLockServer
from tests.support.wait import eventually

REF = "keypad-door"


@pytest.fixture(scope="module")
def lock_server() -> Iterator[VirtualLockServer]:
    server = VirtualLockServer({REF: "zwave-30"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def keypad_dashboard(
    tmp_path_factory: pytest.TempPathFactory, lock_server: VirtualLockServer
) -> Iterator[Daemon]:
    config = f'[virtual_server]\nurl = "{lock_server.url}"\n'
    daemon = start_dashboard_daemon(tmp_path_factory.mktemp("dashboard-keypad"), config)
    yield daemon
    assert daemon.stop() == 0, daemon.log()


def test_a_code_changed_at_the_keypad_is_put_back_and_the_timeline_shows_it_live(
    browser: Browser,
    keypad_dashboard: Daemon,
    lock_server: VirtualLockServer,
    openapi: SeamOpenApi,
    screenshots: Path,
) -> None:
    with checked_seam(keypad_dashboard.url, keypad_dashboard.key, openapi) as sdk:
        device_id = eventually(lambda: next(iter(d.device_id for d in sdk.locks.list()), None))
        code = sdk.access_codes.create(device_id=device_id, name="Keypad guest", code="582914")
        eventually(lambda: sdk.access_codes.get(access_code_id=code.access_code_id).status == "set")
    slot = next(s for s, pin in lock_server.codes(REF).items() if pin == "582914")
    # The power goes; meanwhile someone at the door types another PIN into the guest's slot.
    assert keypad_dashboard.stop() == 0, keypad_dashboard.log()
    lock_server.keypad(REF, slot, "111999", notify=False)
    lock_server.faults(REF, offline=True)  # out of reach until the owner watches
    keypad_dashboard.start()
    context = browser.new_context(base_url=keypad_dashboard.url)
    try:
        page = context.new_page()
        log_in(page)
        page.wait_for_url("**/")
        page.goto(f"/ui/events?device_id={device_id}")
        timeline = page.locator("#timeline")
        expect(timeline).to_contain_text("code “Keypad guest” set on the lock")
        expect(timeline).not_to_contain_text("changed at the lock")
        url = page.url
        lock_server.faults(REF, offline=False)
        with checked_seam(keypad_dashboard.url, keypad_dashboard.key, openapi) as sdk:
            sdk.locks.lock_door(device_id=device_id)  # the hub reaches the lock again
            expect(timeline).to_contain_text(
                "code “Keypad guest” was changed at the lock", timeout=20_000
            )
            eventually(lambda: lock_server.codes(REF).get(slot) == "582914")  # put back
            assert page.url == url  # pushed to the open page: no reload, no navigation
            page.screenshot(path=screenshots / "events-keypad.png", full_page=True)
            stored = sdk.access_codes.get(access_code_id=code.access_code_id)
            assert (stored.code, stored.status) == ("582914", "set")
    finally:
        context.close()
