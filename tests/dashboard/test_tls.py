"""The dashboard on a hub serving TLS (the owner's certificate, `[api] tls_cert`): the login
works over https and the session cookie is Secure there (a browser never sends it in clear)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.dashboard.conftest import DASHBOARD_CONFIG, log_in, start_dashboard_daemon
from tests.support.daemon import Daemon
from tests.support.tls import self_signed


@pytest.fixture(scope="module")
def tls_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    data_dir = tmp_path_factory.mktemp("dashboard-tls")
    cert, key = self_signed(data_dir)
    config = f'[api]\ntls_cert = "{cert}"\ntls_key = "{key}"\n{DASHBOARD_CONFIG}'
    daemon = start_dashboard_daemon(data_dir, config)
    yield daemon
    assert daemon.stop() == 0, daemon.log()


def test_over_https_the_login_works_and_the_session_cookie_is_secure(
    browser: Browser, tls_dashboard: Daemon
) -> None:
    https = f"https://127.0.0.1:{tls_dashboard.port}"
    assert f"lockgw: API on {https}" in tls_dashboard.log()
    # The certificate is the owner's own (self-signed): the browser is told to accept it.
    context = browser.new_context(base_url=https, ignore_https_errors=True)
    try:
        page = context.new_page()
        log_in(page)
        page.wait_for_url(f"{https}/")
        expect(page.locator("article.lock")).to_have_count(4)
        cookies = {c["name"]: c for c in context.cookies()}
        session = cookies["lockgw_session"]
        assert session["secure"] is True
        assert session["httpOnly"] is True
        assert session["sameSite"] == "Strict"
        # The login form's own CSRF cookie is Secure too.
        page.goto("/ui/login")
        login_cookie = {c["name"]: c for c in context.cookies()}["lockgw_login"]
        assert login_cookie["secure"] is True
        # The session opens the pages over https (the Settings page, say).
        page.goto("/ui/settings")
        expect(page.get_by_role("heading", name="Hub health")).to_be_visible()
    finally:
        context.close()
