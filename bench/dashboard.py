"""The dashboard's Locks overview with a realistic store: 50 locks x 200 codes.

Measures, in Debian's chromium driven by Playwright, the overview's first paint (the browser's
`first-paint` entry, from the start of the navigation) and the server's time for the page
(request start to response end), over repeated loads of a logged-in owner. Target: first paint
under 300 ms (#18).
Run: .venv/bin/python -m bench.dashboard
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from bench.common import summary_ms, write_results
from tests.support.daemon import Daemon

LOCKS = 50
CODES_PER_LOCK = 200
ROUNDS = 30
PASSWORD = "bench password"
TARGET_MS = 300


def _config(path: Path) -> Path:
    blocks = [
        f'[[virtual_locks]]\nname = "Unit {i:02d}"\nprofile = "zwave-250"\nref = "bench-{i}"\n'
        for i in range(LOCKS)
    ]
    path.write_text("\n".join(blocks))
    return path


def _seed(client: httpx.Client) -> list[str]:
    """CODES_PER_LOCK codes on every lock (one create_multiple per round), all programmed."""
    devices = [d["device_id"] for d in client.get("/devices/list").json()["devices"]]
    for n in range(CODES_PER_LOCK):
        client.post(
            "/access_codes/create_multiple", json={"device_ids": devices, "name": f"Seed {n}"}
        ).raise_for_status()
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        events = client.get(
            "/events/list",
            params={
                "since": "2000-01-01T00:00:00Z",
                "event_type": "access_code.set_on_device",
                "limit": LOCKS * CODES_PER_LOCK,
            },
        ).json()["events"]
        if len(events) >= LOCKS * CODES_PER_LOCK:
            return devices
        time.sleep(1.0)
    raise TimeoutError("seeded codes were not programmed")


def _measure(url: str) -> tuple[list[float], list[float]]:
    paints: list[float] = []
    server: list[float] = []
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is missing (scripts/system-packages installs it)")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_context(base_url=url).new_page()
        page.goto("/")
        page.get_by_label("Owner password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("article.lock")
        for _ in range(ROUNDS):
            page.goto("/", wait_until="load")
            timing = page.evaluate(
                """() => new Promise((resolve) => {
                  const nav = performance.getEntriesByType("navigation")[0];
                  const done = (paint) => resolve({
                    paint: paint ? paint.startTime : null,
                    server: nav.responseEnd - nav.requestStart,
                  });
                  // The paint entry may come after the load event: wait for it (buffered).
                  new PerformanceObserver((list) => done(list.getEntries()[0]))
                    .observe({type: "paint", buffered: true});
                  setTimeout(() => done(null), 3000);
                })"""
            )
            if timing["paint"] is not None:
                paints.append(timing["paint"] / 1000)
            server.append(timing["server"] / 1000)
        assert page.locator("article.lock").count() == LOCKS
        browser.close()
    return paints, server


def main() -> None:
    # BENCH_DATA_DIR=DIR keeps the seeded data dir there (to profile the overview on it).
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(os.environ.get("BENCH_DATA_DIR") or tmp)
        data.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "gateway", "owner", "passwd", "--data-dir", str(data)],
            input=f"{PASSWORD}\n",
            text=True,
            check=True,
            capture_output=True,
        )
        daemon = Daemon(data, config=_config(data / "bench.toml"), sim=False)
        daemon.start()
        try:
            client = httpx.Client(
                base_url=daemon.url,
                headers={"Authorization": f"Bearer {daemon.key}"},
                timeout=60,
            )
            seed_start = time.perf_counter()
            _seed(client)
            seed_seconds = time.perf_counter() - seed_start
            paints, server = _measure(daemon.url)
        finally:
            daemon.stop()
    paint = summary_ms(paints)
    write_results(
        "dashboard",
        {
            "machine": f"{platform.machine()} {platform.python_version()}",
            "store": {"locks": LOCKS, "codes_per_lock": CODES_PER_LOCK},
            "seed_seconds": round(seed_seconds, 1),
            "overview_first_paint": paint,
            "overview_server": summary_ms(server),
            "target_first_paint_ms": TARGET_MS,
            "meets_target": paint["p99_ms"] < TARGET_MS,
        },
    )


if __name__ == "__main__":
    main()
