"""Logging in to the dashboard, and what a session is (and is not) good for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.dashboard.conftest import (
    PASSWORD,
    expire_sessions,
    log_in,
    set_password,
    start_dashboard_daemon,
)
from tests.support.daemon import Daemon

LOGIN_URL = re.compile(r"/ui/login")


def test_the_owner_logs_in_with_the_password_and_sees_the_locks(
    page: Page, screenshots: Path
) -> None:
    page.goto("/")
    expect(page).to_have_url(LOGIN_URL)
    page.screenshot(path=screenshots / "login.png", full_page=True)
    log_in(page)
    expect(page.get_by_role("heading", name="Locks", exact=True)).to_be_visible()
    expect(page.locator("article.lock")).to_have_count(4)
    cookie = next(c for c in page.context.cookies() if c["name"] == "lockgw_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"


def test_a_wrong_password_is_refused(page: Page, screenshots: Path) -> None:
    log_in(page, "not the password")
    expect(page.locator("#login-error")).to_have_text("Wrong password.")
    page.screenshot(path=screenshots / "login-wrong-password.png", full_page=True)
    assert not [c for c in page.context.cookies() if c["name"] == "lockgw_session"]
    page.goto("/")
    expect(page).to_have_url(LOGIN_URL)


def test_logging_out_ends_the_session(owner: Page) -> None:
    cookie = next(c for c in owner.context.cookies() if c["name"] == "lockgw_session")
    owner.get_by_role("button", name="Log out").click()
    expect(owner).to_have_url(LOGIN_URL)
    # The old cookie, presented again, opens nothing: the session is gone on the hub.
    owner.context.add_cookies([cookie])
    owner.goto("/ui/codes")
    expect(owner).to_have_url(LOGIN_URL)


def test_an_expired_session_sends_the_owner_to_the_login_page(
    owner: Page, dashboard: Daemon
) -> None:
    owner.goto("/ui/codes")
    expect(owner.get_by_role("heading", name="Codes", exact=True)).to_be_visible()
    expire_sessions(dashboard.data_dir)
    # The open page notices by itself (its status poll is refused) and goes to the login form.
    expect(owner).to_have_url(LOGIN_URL, timeout=15_000)
    owner.goto("/")
    expect(owner).to_have_url(LOGIN_URL)


def test_an_open_timeline_goes_to_the_login_page_when_the_session_expires(
    owner: Page, dashboard: Daemon
) -> None:
    owner.goto("/ui/events")
    expect(owner.get_by_role("heading", name="Events", exact=True)).to_be_visible()
    expire_sessions(dashboard.data_dir)
    # Its event stream says so (or its reconnection is refused): off to the login form.
    expect(owner).to_have_url(LOGIN_URL, timeout=20_000)
    # Logging in again brings the owner back to where they were going.
    owner.get_by_label("Owner password").fill(PASSWORD)
    owner.get_by_role("button", name="Log in").click()
    expect(owner.get_by_role("heading", name="Events", exact=True)).to_be_visible()


def test_an_api_key_opens_no_dashboard_page(context: BrowserContext, dashboard: Daemon) -> None:
    answer = context.request.get(
        "/", headers={"Authorization": f"Bearer {dashboard.key}"}, max_redirects=0
    )
    assert answer.status == 303
    assert answer.headers["location"].startswith("/ui/login")


def test_the_dashboard_session_opens_no_api_route(owner: Page) -> None:
    answer = owner.request.post("/devices/list", data={})
    assert answer.status == 401
    assert answer.json()["error"]["type"] == "unauthorized"


def test_the_api_still_wants_its_key_everywhere_but_the_dashboard(
    context: BrowserContext,
) -> None:
    for path in ("/devices/list", "/access_codes/list", "/no/such/route"):
        answer = context.request.post(path, data={})
        assert answer.status == 401, path
        assert answer.json()["error"]["type"] == "unauthorized"


def test_the_login_form_without_its_csrf_token_is_refused(context: BrowserContext) -> None:
    answer = context.request.post("/ui/login", form={"password": PASSWORD}, max_redirects=0)
    assert answer.status == 403
    assert not [c for c in context.cookies() if c["name"] == "lockgw_session"]


@pytest.fixture
def own_dashboard(tmp_path: Path) -> Iterator[Daemon]:
    """A daemon of this test's own: the rate limit it trips must not refuse other tests."""
    daemon = start_dashboard_daemon(tmp_path)
    yield daemon
    assert daemon.stop() == 0, daemon.log()


def test_login_attempts_are_rate_limited_even_across_a_restart(
    browser: Browser, own_dashboard: Daemon
) -> None:
    context = browser.new_context(base_url=own_dashboard.url)
    try:
        page = context.new_page()
        for _ in range(5):
            log_in(page, "guess")
            expect(page.locator("#login-error")).to_have_text("Wrong password.")
        log_in(page, PASSWORD)  # even the right one waits now
        expect(page.locator("#login-error")).to_contain_text("Too many wrong passwords")
        assert not [c for c in context.cookies() if c["name"] == "lockgw_session"]
        # Restarting the daemon (or making it crash) hands a guesser no fresh set of guesses.
        assert own_dashboard.stop() == 0, own_dashboard.log()
        own_dashboard.start()
        log_in(page, PASSWORD)
        expect(page.locator("#login-error")).to_contain_text("Too many wrong passwords")
        assert not [c for c in context.cookies() if c["name"] == "lockgw_session"]
    finally:
        context.close()


def test_owner_passwd_refuses_a_short_password(tmp_path: Path) -> None:
    done = set_password(tmp_path, "short")
    assert done.returncode == 2
    assert "too short" in done.stderr
