"""The Locks overview, one lock's slot grid, the timeline, and every page on a phone."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, Route, expect
from seam import Seam

from tests.dashboard.conftest import PHONE, counts_from_api, log_in, settled_codes
from tests.support.daemon import Daemon
from tests.support.wait import eventually


def test_the_overview_shows_every_lock_with_the_rightcounts_from_api(
    owner: Page, seam: Seam, locks: dict[str, str], screenshots: Path
) -> None:
    for name in ("Front door", "Back door"):
        seam.access_codes.create(device_id=locks[name], name=f"Counted {name}")
    codes = settled_codes(seam, locks)
    owner.reload()
    owner.screenshot(path=screenshots / "locks.png", full_page=True)
    expect(owner.locator("article.lock")).to_have_count(len(locks))
    for name, device_id in locks.items():
        card = owner.locator(f'article.lock[data-device-id="{device_id}"]')
        expect(card.get_by_role("heading")).to_contain_text(name)
        expect(card.locator(".badge")).to_have_text("online")
        for what, number in counts_from_api(codes[device_id]).items():
            expect(card.locator(f'[data-count="{what}"]')).to_have_text(str(number))
    assert counts_from_api(codes[locks["Front door"]])["set"] >= 1


def test_the_lock_buttons_lock_and_unlock_the_door(
    owner: Page, seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Front door"]
    card = owner.locator(f'article.lock[data-device-id="{device_id}"]')
    for verb, locked in (("unlock", False), ("lock", True)):
        card.locator(f'button[data-action="{verb}"]').click()
        eventually(
            lambda locked=locked: seam.locks.get(device_id=device_id).properties.locked is locked
        )
        owner.reload()
        expect(card.locator('[data-field="bolt"]')).to_have_text("locked" if locked else "unlocked")


def test_one_lock_shows_its_slot_grid(
    owner: Page, seam: Seam, locks: dict[str, str], screenshots: Path
) -> None:
    device_id = locks["Front door"]
    code = seam.access_codes.create(device_id=device_id, name="Grid guest")
    eventually(lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set")
    owner.goto(f"/ui/locks/{device_id}")
    owner.screenshot(path=screenshots / "lock.png", full_page=True)
    # The codes the lock came with are unmanaged, in their slots; the new one has its name.
    expect(owner.locator('tr.slot[data-slot="1"]')).to_contain_text("unmanaged")
    expect(owner.locator('tr.slot[data-slot="2"]')).to_contain_text("unmanaged")
    guest = owner.locator("tr.slot.code", has_text="Grid guest")
    expect(guest).to_have_count(1)
    expect(guest).to_contain_text("set")
    expect(owner.locator("tr.slot.free").last).to_contain_text("free")
    # No PIN of any slot is on the page.
    page_text = owner.locator("main").inner_text()
    assert code.code not in page_text and "4711" not in page_text


def test_the_timeline_says_what_happened_in_words(
    owner: Page, seam: Seam, locks: dict[str, str], screenshots: Path
) -> None:
    owner.goto(f"/ui/events?device_id={locks['Garage']}")
    timeline = owner.locator("#timeline")
    seam.access_codes.create(device_id=locks["Garage"], name="Live one")
    # Pushed to the open page without a reload.
    expect(timeline).to_contain_text("code “Live one” set on the lock", timeout=20_000)
    expect(timeline).not_to_contain_text("Front door")
    owner.screenshot(path=screenshots / "events.png", full_page=True)


def test_every_page_fits_a_375_px_phone(
    browser: Browser, dashboard: Daemon, locks: dict[str, str], screenshots: Path
) -> None:
    context = browser.new_context(base_url=dashboard.url, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        log_in(page)
        expect(page.locator("article.lock").first).to_be_visible()
        pages = {
            "phone-locks": "/",
            "phone-lock": f"/ui/locks/{locks['Front door']}",
            "phone-codes": "/ui/codes",
            "phone-events": "/ui/events",
            "phone-settings": "/ui/settings",
        }
        for shot, path in pages.items():
            page.goto(path)
            if path == "/ui/codes":
                page.get_by_text("New code").click()
            page.screenshot(path=screenshots / f"{shot}.png", full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} scrolls sideways: {width} px"
    finally:
        context.close()


def test_an_unmanaged_code_can_be_adopted_or_removed(
    owner: Page, seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Shed"]
    found = eventually(lambda: seam.access_codes.unmanaged.list(device_id=device_id))
    assert len(found) == 2
    owner.goto(f"/ui/locks/{device_id}")
    keep = owner.locator("li.unmanaged", has_text="Slot 3")
    keep.get_by_role("button", name="Adopt").click()
    expect(owner.locator("li.unmanaged", has_text="Slot 3")).to_have_count(0)
    adopted = eventually(lambda: seam.access_codes.list(device_id=device_id))
    assert len(adopted) == 1
    expect(owner.locator('tr.slot.code[data-slot="3"]')).to_contain_text(adopted[0].name or "")
    owner.locator("li.unmanaged", has_text="Slot 4").get_by_role("button", name="Remove").click()
    expect(owner.locator("li.unmanaged", has_text="Slot 4")).to_contain_text("removing")
    eventually(lambda: not seam.access_codes.unmanaged.list(device_id=device_id))
    owner.reload()
    expect(owner.locator("li.unmanaged")).to_have_count(0)
    expect(owner.locator('tr.slot[data-slot="4"]')).to_contain_text("free")
    assert [c.access_code_id for c in seam.access_codes.list(device_id=device_id)] == [
        adopted[0].access_code_id
    ]


def test_the_timeline_names_the_code_that_opened_the_door(
    owner: Page, seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Back door"]
    code = seam.access_codes.create(device_id=device_id, name="Cleaner")
    eventually(lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set")
    owner.goto(f"/ui/events?device_id={device_id}")
    seam.locks.simulate.keypad_code_entry(device_id=device_id, code=code.code or "")
    expect(owner.locator("#timeline")).to_contain_text(
        "unlocked with code “Cleaner”", timeout=20_000
    )


def test_what_happens_while_the_timeline_is_still_connecting_shows_up_too(
    owner: Page, seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Garage"]
    held: list[Route] = []

    def hold(route: Route) -> None:  # Playwright wants a Python function here, not a builtin
        held.append(route)

    # The page's live stream is held back (a slow phone, a busy hub) while a code is set.
    owner.route("**/ui/events/stream*", hold)
    with owner.expect_request("**/ui/events/stream*"):
        owner.goto(f"/ui/events?device_id={device_id}")
    timeline = owner.locator("#timeline")
    code = seam.access_codes.create(device_id=device_id, name="Early bird")
    eventually(lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set")
    expect(timeline).not_to_contain_text("Early bird")
    assert len(held) == 1
    held[0].continue_()
    expect(timeline).to_contain_text("code “Early bird” set on the lock")
