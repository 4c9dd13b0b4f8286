"""The Codes page: create on several locks, watch it land, reveal, delete; forms need their
CSRF token; bad input gets the API's own message next to the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect
from seam import Seam
from seam.resources.access_code import AccessCode

from tests.support.daemon import Daemon
from tests.support.wait import eventually

STEP = "%Y-%m-%dT%H:%M:%S"  # a datetime-local value, in the hub's (this machine's) zone


def _all_codes(seam: Seam, locks: dict[str, str]) -> list[AccessCode]:
    return [c for device_id in locks.values() for c in seam.access_codes.list(device_id=device_id)]


def test_a_time_bound_code_on_two_locks_turns_set_without_reloading(
    owner: Page, seam: Seam, locks: dict[str, str], screenshots: Path
) -> None:
    owner.goto("/ui/codes")
    owner.get_by_text("New code").click()
    form = owner.locator("form.create")
    form.get_by_label("Name", exact=True).fill("Smith stay")
    form.get_by_role("checkbox", name="Front door").check()
    form.get_by_role("checkbox", name="Back door").check()
    form.get_by_role("radio", name="time-bound").check()
    # Starts in a few seconds: the page first shows it waiting, then set, by itself.
    starts = datetime.now() + timedelta(seconds=8)
    form.get_by_label("Starts").fill(starts.strftime(STEP))
    form.get_by_label("Ends").fill((starts + timedelta(days=2)).strftime(STEP))
    form.get_by_role("button", name="Create").click()
    cards = owner.locator("article.code", has_text="Smith stay")
    expect(cards).to_have_count(2)
    assert cards.first.get_attribute("data-status") != "set"
    owner.evaluate("window.notReloaded = true")
    owner.screenshot(path=screenshots / "codes-created.png", full_page=True)
    for index in range(2):
        expect(cards.nth(index)).to_have_attribute("data-status", "set", timeout=30_000)
        expect(cards.nth(index).locator(".status")).to_have_text("set")
    assert owner.evaluate("window.notReloaded") is True
    owner.screenshot(path=screenshots / "codes-set.png", full_page=True)
    # The API sees the same two codes: one PIN on both locks, with the window asked for.
    made = [c for c in _all_codes(seam, locks) if c.name == "Smith stay"]
    assert sorted(c.device_id for c in made) == sorted([locks["Front door"], locks["Back door"]])
    assert len({c.code for c in made}) == 1
    assert all(c.type == "time_bound" and c.status == "set" for c in made)


def test_bad_input_shows_the_api_message_next_to_the_field(
    owner: Page, seam: Seam, locks: dict[str, str], dashboard: Daemon
) -> None:
    before = len(_all_codes(seam, locks))
    owner.goto("/ui/codes")
    owner.get_by_text("New code").click()
    form = owner.locator("form.create")
    form.get_by_label("Name", exact=True).fill("Too long a PIN")
    form.get_by_role("checkbox", name="Garage").check()
    form.get_by_label("PIN").fill("1234567890123")
    form.get_by_role("button", name="Create").click()
    form = owner.locator("form.create")
    refusal = form.locator('.field-error[data-field="code"]')
    expect(refusal).to_have_text("String should have at most 12 characters")
    # The same request to the API is refused with the same words, and nothing was created.
    answer = owner.request.post(
        "/access_codes/create",
        data={"device_id": locks["Garage"], "code": "1234567890123"},
        headers={"Authorization": f"Bearer {dashboard.key}"},
    )
    assert answer.json()["error"]["validation_errors"]["code"]["_errors"] == [
        "String should have at most 12 characters"
    ]
    assert len(_all_codes(seam, locks)) == before
    # Time-bound without an end: named on its field too.
    form.get_by_role("radio", name="time-bound").check()
    form.get_by_label("PIN").fill("")
    form.get_by_role("button", name="Create").click()
    expect(owner.locator('form.create .field-error[data-field="ends_at"]')).to_be_visible()


def test_revealing_a_pin_shows_it_and_is_recorded(
    owner: Page, seam: Seam, locks: dict[str, str], screenshots: Path
) -> None:
    code = seam.access_codes.create(device_id=locks["Garage"], name="Reveal me")
    owner.goto("/ui/codes")
    card = owner.locator(f'article.code[data-code-id="{code.access_code_id}"]')
    pin = card.locator(".pin")
    expect(pin).not_to_have_text(code.code or "")
    card.get_by_role("button", name="Reveal PIN").click()
    expect(pin).to_have_text(code.code or "")
    owner.screenshot(path=screenshots / "codes-revealed.png", full_page=True)
    card.get_by_role("button", name="Hide PIN").click()
    expect(pin).not_to_have_text(code.code or "")
    owner.goto(f"/ui/events?access_code_id={code.access_code_id}")
    expect(owner.locator("#timeline")).to_contain_text(
        "PIN of code “Reveal me” revealed in the dashboard"
    )


def test_deleting_a_code_takes_it_off_the_lock(
    owner: Page, seam: Seam, locks: dict[str, str]
) -> None:
    code = seam.access_codes.create(device_id=locks["Back door"], name="Leaving")
    eventually(lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set")
    owner.goto("/ui/codes")
    card = owner.locator(f'article.code[data-code-id="{code.access_code_id}"]')
    card.get_by_role("button", name="Delete").click()
    # Off the lock, then gone from the page without a reload.
    expect(card).to_have_count(0, timeout=30_000)
    eventually(
        lambda: code.access_code_id not in {c.access_code_id for c in _all_codes(seam, locks)}
    )


def test_a_form_posted_without_its_csrf_token_is_refused(
    owner: Page, context: BrowserContext, seam: Seam, locks: dict[str, str]
) -> None:
    before = {c.access_code_id for c in _all_codes(seam, locks)}
    # The session cookie alone (a forged form from elsewhere) changes nothing.
    for form in ({"name": "Forged", "device_ids": locks["Garage"]}, {"csrf": "wrong"}):
        answer = context.request.post("/ui/codes", form=form, max_redirects=0)
        assert answer.status == 403
        assert "CSRF" in answer.text()
    assert {c.access_code_id for c in _all_codes(seam, locks)} == before
    victim = seam.access_codes.create(device_id=locks["Garage"], name="Stays")
    answer = context.request.post(
        f"/ui/codes/{victim.access_code_id}/delete", form={}, max_redirects=0
    )
    assert answer.status == 403
    answer = context.request.post(
        f"/ui/codes/{victim.access_code_id}/reveal",
        form={},
        headers={"Accept": "application/json"},
        max_redirects=0,
    )
    assert answer.status == 403
    assert victim.code not in answer.text()
    assert seam.access_codes.get(access_code_id=victim.access_code_id).name == "Stays"


def test_a_backup_is_pulled_for_a_stay_whose_code_will_not_do(
    owner: Page, seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Back door"]
    start = datetime.now(UTC)
    stay = seam.access_codes.create(
        device_id=device_id,
        name="Needs a backup",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(days=1)).isoformat(),
        use_backup_access_code_pool=True,
    )
    eventually(
        lambda: (
            seam.access_codes.get(
                access_code_id=stay.access_code_id
            ).is_backup_access_code_available
        ),
        timeout=60,
    )
    owner.goto("/ui/codes")
    card = owner.locator(f'article.code[data-code-id="{stay.access_code_id}"]')
    card.get_by_role("button", name="Pull backup").click()
    expect(card).to_contain_text("backup pulled")
    backups = owner.locator("article.code", has=owner.locator("h2 small", has_text="backup"))
    expect(backups).to_have_count(1)
    expect(backups).to_contain_text("Back door")
    # The API sees the same pull: the stay is linked to the backup the page shows.
    pulled = seam.access_codes.get(access_code_id=stay.access_code_id)
    assert pulled.pulled_backup_access_code_id == backups.get_attribute("data-code-id")


def test_editing_a_code_changes_its_name_and_window(
    owner: Page, seam: Seam, locks: dict[str, str]
) -> None:
    code = seam.access_codes.create(device_id=locks["Garage"], name="Before edit")
    owner.goto("/ui/codes")
    card = owner.locator(f'article.code[data-code-id="{code.access_code_id}"]')
    card.get_by_text("Edit", exact=True).click()
    # A window that ends before it starts is refused next to the field; nothing changes.
    start = datetime.now() + timedelta(hours=1)
    card.get_by_label("Name", exact=True).fill("After edit")
    card.get_by_role("radio", name="time-bound").check()
    card.get_by_label("Starts").fill(start.strftime(STEP))
    card.get_by_label("Ends").fill((start - timedelta(minutes=5)).strftime(STEP))
    card.get_by_role("button", name="Save").click()
    card = owner.locator(f'article.code[data-code-id="{code.access_code_id}"]')
    expect(card.locator('.field-error[data-field="ends_at"]')).to_have_text(
        "must be after starts_at"  # the API's words (gateway.domain.rules)
    )
    assert seam.access_codes.get(access_code_id=code.access_code_id).name == "Before edit"
    card.get_by_label("Ends").fill((start + timedelta(days=1)).strftime(STEP))
    card.get_by_role("button", name="Save").click()
    card = owner.locator(f'article.code[data-code-id="{code.access_code_id}"]')
    expect(card.get_by_role("heading")).to_have_text("After edit")
    changed = seam.access_codes.get(access_code_id=code.access_code_id)
    assert changed.name == "After edit" and changed.type == "time_bound"
    assert changed.code == code.code  # an empty PIN field keeps the PIN
