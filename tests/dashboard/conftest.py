"""The owner's dashboard in a real browser: Playwright driving Debian's chromium (installed by
`make test` through scripts/system-packages) against the daemon run as a subprocess.

Each test gets a fresh browser context (no cookies); `owner` is one that has logged in through
the form. Screenshots of each page go to $LOCKGW_SCREENSHOTS, or the session's
pytest tmp dir (`screenshots0/`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from seam import Seam
from seam.resources.access_code import AccessCode

from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.wait import eventually

PASSWORD = "correct horse battery staple"
PHONE = {"width": 375, "height": 740}

DASHBOARD_CONFIG = """
[[virtual_locks]]
name = "Front door"
profile = "zwave-30"
ref = "dash-front"
codes = [
    { slot = 1, code = "4711", name = "Owner" },
    { slot = 2, code = "8642" },
]

[[virtual_locks]]
name = "Back door"
profile = "zwave-250"
ref = "dash-back"

[[virtual_locks]]
name = "Garage"
profile = "nuki"
ref = "dash-garage"

[[virtual_locks]]
name = "Shed"
profile = "zwave-30"
ref = "dash-shed"
codes = [
    { slot = 3, code = "2468" },
    { slot = 4, code = "1357" },
]
"""


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("Debian's chromium is missing: run `make test` (scripts/system-packages)")
    return found


def set_password(data_dir: Path, password: str) -> subprocess.CompletedProcess[str]:
    """`lockgw owner passwd`, the password on standard input (not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "gateway", "owner", "passwd", "--data-dir", str(data_dir)],
        input=f"{password}\n",
        capture_output=True,
        text=True,
        check=False,
    )


def start_dashboard_daemon(data_dir: Path, config_text: str = DASHBOARD_CONFIG) -> Daemon:
    """The daemon on `config_text`, with the owner's password set (PASSWORD)."""
    config = data_dir / "lockgw.toml"
    config.write_text(config_text)
    done = set_password(data_dir, PASSWORD)
    assert done.returncode == 0, done.stderr
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    return daemon


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    daemon = start_dashboard_daemon(tmp_path_factory.mktemp("dashboard"))
    yield daemon
    assert daemon.stop() == 0, daemon.log()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the pages' screenshots go: $LOCKGW_SCREENSHOTS, or the session's tmp dir."""
    chosen = os.environ.get("LOCKGW_SCREENSHOTS")
    if not chosen:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(chosen)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Package-scoped, not session-scoped: while it is open, the main thread has Playwright's
    event loop running, and the suite's later tests (asyncio.run, pytest-asyncio) need none."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=chromium_path(), args=["--no-sandbox", "--disable-dev-shm-usage"]
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, dashboard: Daemon) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=dashboard.url)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def log_in(page: Page, password: str = PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Owner password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def owner(page: Page) -> Page:
    """A page whose context has logged in as the owner, on the Locks overview."""
    log_in(page)
    page.wait_for_url("**/")
    return page


@pytest.fixture
def seam(dashboard: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(dashboard.url, dashboard.key, openapi) as client:
        yield client


@pytest.fixture
def locks(seam: Seam) -> dict[str, str]:
    """Lock name -> device_id."""
    return {d.display_name: d.device_id for d in seam.locks.list()}


def expire_sessions(data_dir: Path) -> None:
    """Every dashboard session's time is up (as if the owner came back the next day)."""
    conn = sqlite3.connect(data_dir / "lockgw.sqlite3", timeout=10)
    try:
        with conn:
            conn.execute("UPDATE owner_sessions SET expires_at = '2000-01-01T00:00:00.000Z'")
    finally:
        conn.close()


def counts_from_api(codes: list[AccessCode]) -> dict[str, int]:
    """What the overview should show, worked out from the API's answer."""
    counts = {"set": 0, "setting": 0, "failed": 0, "scheduled": 0}
    for code in codes:
        if code.errors:
            counts["failed"] += 1
        elif code.status == "set":
            counts["set"] += 1
        elif code.status == "unset":
            counts["scheduled"] += 1
        else:
            counts["setting"] += 1
    return counts


def settled_codes(seam: Seam, locks: dict[str, str]) -> dict[str, list[AccessCode]]:
    def probe() -> dict[str, list[AccessCode]] | None:
        found = {d: seam.access_codes.list(device_id=d) for d in locks.values()}
        busy = any(c.status in ("setting", "removing") for cs in found.values() for c in cs)
        return None if busy else found

    return eventually(probe, timeout=30)
