"""Building the dashboard's HTML: escaping, the page frame, small formatting helpers.

Every value that comes from the store or the request goes through `e()`; markup is built only
from literals and already-escaped parts (`Html`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime

from aiohttp import web

STATIC = "/ui/static"


class Html(str):
    """Markup that is already safe to send."""

    __slots__ = ()


def e(value: object) -> Html:
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


def join(parts: Iterable[str]) -> Html:
    return Html("".join(parts))


def when(moment: datetime | None) -> str:
    """In the hub's time zone, to the minute."""
    if moment is None:
        return "-"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def window(starts_at: datetime | None, ends_at: datetime | None) -> str:
    if starts_at is None and ends_at is None:
        return "ongoing"
    return f"{when(starts_at)} → {when(ends_at)}"


def field_errors(errors: dict[str, list[str]], name: str) -> Html:
    """The messages for one form field, shown next to it."""
    found = errors.get(name) or []
    return join(f'<p class="field-error" data-field="{e(name)}">{e(m)}</p>' for m in found)


def csrf_field(csrf: str) -> Html:
    return Html(f'<input type="hidden" name="csrf" value="{e(csrf)}">')


NAV = (
    ("/", "Locks"),
    ("/ui/codes", "Codes"),
    ("/ui/events", "Events"),
    ("/ui/settings", "Settings"),
)


def page(
    title: str,
    body: str,
    *,
    csrf: str | None,
    active: str = "",
    status: int = 200,
    live: str = "",
) -> web.Response:
    """A whole page. `csrf` None: the logged-out frame (no navigation)."""
    nav = ""
    if csrf is not None:
        links = join(
            f'<a href="{href}"{" aria-current=page" if href == active else ""}>{label}</a>'
            for href, label in NAV
        )
        nav = (
            f'<nav>{links}<form method="post" action="/ui/logout" class="inline">'
            f'{csrf_field(csrf)}<button class="link" type="submit">Log out</button></form></nav>'
        )
    meta_csrf = "" if csrf is None else f'<meta name="csrf" content="{e(csrf)}">'
    text = (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{meta_csrf}<title>{e(title)} · lockgw</title>"
        f'<link rel="stylesheet" href="{STATIC}/dashboard.css">'
        f'<script src="{STATIC}/dashboard.js" defer></script>'
        f'</head><body data-live="{e(live)}"><header><span class="brand">lockgw</span>{nav}'
        f"</header><main><h1>{e(title)}</h1>{body}</main></body></html>"
    )
    response = web.Response(text=text, content_type="text/html", charset="utf-8", status=status)
    return secure_headers(response)


def secure_headers[R: web.StreamResponse](response: R) -> R:
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def message_page(title: str, message: str, *, csrf: str | None, status: int) -> web.Response:
    body = f'<p class="notice error" role="alert">{e(message)}</p><p><a href="/">Back</a></p>'
    return page(title, body, csrf=csrf, status=status)
