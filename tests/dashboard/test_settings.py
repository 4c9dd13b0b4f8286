"""The Settings page: API keys (shown once, revocable), webhooks, hub health, backup."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support import secrets_seen
from tests.support.daemon import Daemon


def test_a_key_made_in_the_dashboard_is_shown_once_and_can_be_revoked(
    owner: Page, screenshots: Path
) -> None:
    owner.goto("/ui/settings")
    owner.get_by_label("New key for").fill("Booking app")
    owner.get_by_role("button", name="Create key").click()
    key = owner.locator("#new-key").inner_text()
    secrets_seen.KEYS.update({key, key.rsplit("_", 1)[-1]})
    owner.screenshot(path=screenshots / "settings.png", full_page=True)
    api = owner.request
    assert api.post("/devices/list", data={}, headers={"Authorization": f"Bearer {key}"}).ok
    owner.goto("/ui/settings")
    expect(owner.locator("#new-key")).to_have_count(0)  # never shown again
    assert key not in owner.content()
    row = owner.locator("li[data-key-id]", has_text="Booking app")
    row.get_by_role("button", name="Revoke").click()
    expect(owner.locator("li[data-key-id]", has_text="Booking app")).to_contain_text("revoked")
    refused = api.post("/devices/list", data={}, headers={"Authorization": f"Bearer {key}"})
    assert refused.status == 401


def test_a_key_needs_a_name(owner: Page) -> None:
    owner.goto("/ui/settings")
    owner.get_by_role("button", name="Create key").click()
    expect(owner.locator('.field-error[data-field="name"]')).to_contain_text("Required")


def test_webhooks_are_added_listed_and_removed(owner: Page) -> None:
    owner.goto("/ui/settings")
    owner.get_by_label("New endpoint URL").fill("http://127.0.0.1:9/dashboard-hook")
    owner.get_by_role("button", name="Add webhook").click()
    expect(owner.locator("#new-secret")).to_contain_text("whsec_")
    row = owner.locator("li[data-webhook-id]", has_text="dashboard-hook")
    expect(row).to_contain_text("pending")
    row.get_by_role("button", name="Remove").click()
    expect(owner.locator("li[data-webhook-id]", has_text="dashboard-hook")).to_have_count(0)


def test_a_bad_webhook_url_gets_the_api_message_next_to_the_field(owner: Page) -> None:
    owner.goto("/ui/settings")
    owner.get_by_label("New endpoint URL").fill("ftp://example.com/hook")
    owner.locator("#webhook-url").evaluate("input => input.type = 'text'")  # past the browser
    owner.get_by_role("button", name="Add webhook").click()
    expect(owner.locator('.field-error[data-field="url"]')).to_be_visible()


def test_the_hub_health_and_a_backup_download_are_there(owner: Page, tmp_path: Path) -> None:
    owner.goto("/ui/settings")
    expect(owner.locator("#health")).to_contain_text("4 online, 0 offline")
    with owner.expect_download() as download:
        owner.get_by_role("link", name="Download a backup").click()
    saved = tmp_path / "backup.sqlite3"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"SQLite format 3\x00")
    secrets_seen.saw_store(saved)


def test_settings_shows_the_hubs_health_as_lockgw_doctor_sees_it(
    owner: Page, dashboard: Daemon
) -> None:
    cli = [sys.executable, "-m", "gateway", "doctor", "--json"]
    where = ["--data-dir", str(dashboard.data_dir), "--config", str(dashboard.config)]
    doctor = subprocess.run([*cli, *where], capture_output=True, text=True, check=False)
    verdicts = {row["name"]: row["ok"] for row in json.loads(doctor.stdout)}
    assert "database" in verdicts and "lock Front door" in verdicts, doctor.stdout
    owner.goto("/ui/settings")
    rows = owner.locator("#doctor tr[data-check]")
    expect(rows).to_have_count(len(verdicts))
    shown = {
        rows.nth(i).get_attribute("data-check"): rows.nth(i)
        .locator('[data-field="verdict"]')
        .inner_text()
        for i in range(rows.count())
    }
    assert shown == verdicts
    failed = sum(1 for v in verdicts.values() if v == "FAIL")
    expect(owner.locator("#doctor-summary")).to_have_text(
        "Every check passes."
        if failed == 0
        else f"{failed} check{'s' if failed != 1 else ''} failed."
    )
