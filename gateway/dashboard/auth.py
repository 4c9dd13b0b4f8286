"""Logging in and out. The login form has its own CSRF token (double submit: a cookie and a
field that must match), wrong passwords are rate-limited per address, and a session is a
cookie that is HttpOnly, SameSite=Strict, and Secure under TLS."""

from __future__ import annotations

import hmac
import math
import secrets

from aiohttp import web

from gateway.dashboard.html import csrf_field, e, page, secure_headers
from gateway.dashboard.surface import (
    COOKIE,
    LOGIN,
    STATE,
    Ctx,
    local_path,
    owner_only,
    see_other,
    shown,
)

LOGIN_CSRF_COOKIE = "lockgw_login"


def _login_page(
    request: web.Request, *, error: str = "", status: int = 200, token: str | None = None
) -> web.Response:
    state = request.app[STATE]
    token = token or secrets.token_urlsafe(32)
    next_path = local_path(request.query.get("next", "/"))
    notice = ""
    if not state.owner.password_is_set():
        notice = (
            '<p class="notice">No owner password is set yet. On the hub, run '
            "<code>lockgw owner passwd --data-dir DIR</code>.</p>"
        )
    alert = f'<p class="notice error" role="alert" id="login-error">{e(error)}</p>' if error else ""
    body = (
        f"{notice}{alert}"
        f'<form method="post" action="{LOGIN}?next={e(next_path)}" class="card login">'
        f"{csrf_field(token)}"
        '<label for="password">Owner password</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" '
        "required autofocus>"
        '<button type="submit">Log in</button></form>'
    )
    response = page("Log in", body, csrf=None, status=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=request.secure,
        path=LOGIN,
    )
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    return _login_page(request)


async def log_in(request: web.Request) -> web.StreamResponse:
    return await shown(request, None, _log_in(request))


async def _log_in(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    form = await request.post()
    address = request.remote or "unknown"
    wait = state.limiter.retry_after(address)
    if wait is not None:
        response = _login_page(
            request,
            error=f"Too many wrong passwords: try again in {math.ceil(wait)} s.",
            status=429,
        )
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    field, cookie = form.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not (isinstance(field, str) and cookie and hmac.compare_digest(field, cookie)):
        return _login_page(
            request,
            error="This form did not come from this dashboard (CSRF token missing). Try again.",
            status=403,
        )
    password = form.get("password")
    session = state.owner.log_in(password if isinstance(password, str) else "")
    if session is None:
        state.limiter.failed(address)
        return _login_page(request, error="Wrong password.", status=401)
    state.limiter.succeeded(address)
    response = see_other(local_path(request.query.get("next", "/")))
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="Strict",
        secure=request.secure,
        path="/",
    )
    response.del_cookie(LOGIN_CSRF_COOKIE, path=LOGIN)
    return response


@owner_only
async def log_out(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    ctx.state.owner.log_out(ctx.session.token)
    response = see_other(LOGIN)
    response.del_cookie(COOKIE, path="/")
    return secure_headers(response)
