"""The Settings page: hub health, API keys (a new key is shown once), webhooks (add, remove,
delivery status), and the database backup to download."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from gateway.dashboard.forms import FieldErrors, api_errors
from gateway.dashboard.html import csrf_field, e, field_errors, join, page, secure_headers, when
from gateway.dashboard.surface import Ctx, owner_only, see_other
from gateway.service.dashboard_health import HealthReport
from gateway.wire.errors import ApiError
from gateway.wire.webhooks import CreateWebhook, WebhookRef

SETTINGS = "/ui/settings"


def _health(health: dict[str, Any]) -> str:
    parts = health.get("components", {})
    locks = parts.get("locks", {})
    hooks = parts.get("webhooks", {})
    facts = [
        ("Status", health.get("status", "-")),
        ("Store", parts.get("store_problem") or parts.get("store", "-")),
        (
            "Locks",
            f"{locks.get('online', 0)} online, {locks.get('offline', 0)} offline, "
            f"{locks.get('stalled', 0)} stalled",
        ),
        ("Clock", parts.get("clock", "-")),
        ("Webhooks", f"{hooks.get('pending', 0)} pending, {hooks.get('failed', 0)} failed"),
    ]
    rows = join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)
    return f'<section class="card" id="health"><dl class="facts">{rows}</dl></section>'


_VERDICT = {True: ("ok", "online"), False: ("FAIL", "failed"), None: ("-", "")}


def _doctor(report: HealthReport) -> str:
    """The checks `lockgw doctor` runs, with its verdicts (ok / FAIL / - for not applicable)."""
    rows = []
    for check in report.checks:
        word, badge = _VERDICT[check.ok]
        rows.append(  # the detail under the name: a phone's width has room for two columns
            f'<tr data-check="{e(check.name)}"><td><strong>{e(check.name)}</strong><br>'
            f'<small data-field="detail">{e(check.detail)}</small></td>'
            f'<td><span class="badge {badge}" data-field="verdict">{word}</span></td></tr>'
        )
    summary = (
        "Every check passes."
        if report.failed == 0
        else f"{report.failed} check{'s' if report.failed != 1 else ''} failed."
    )
    return (
        '<section class="card" id="doctor"><h3>Checks, as <code>lockgw doctor</code> sees '
        f'them</h3><p id="doctor-summary">{e(summary)}</p><table class="checks">'
        "<thead><tr><th>Check</th><th>Verdict</th></tr></thead>"
        f"<tbody>{join(rows)}</tbody></table></section>"
    )


def _keys(ctx: Ctx, errors: FieldErrors, shown_key: str | None) -> str:
    lines = ctx.state.settings.keys()
    items = []
    for key in lines:
        state = "active" if key.revoked_at is None else f"revoked {when(key.revoked_at)}"
        revoke = (
            ""
            if key.revoked_at is not None
            else f'<form method="post" action="{SETTINGS}/keys/{e(key.key_id)}/revoke" '
            f'class="inline">{csrf_field(ctx.csrf)}'
            '<button type="submit" class="danger">Revoke</button></form>'
        )
        items.append(
            f'<li data-key-id="{e(key.key_id)}"><strong>{e(key.name)}</strong> '
            f"<code>{e(key.key_id)}</code> created {e(when(key.created_at))}, {e(state)} "
            f"{revoke}</li>"
        )
    once = (
        ""
        if shown_key is None
        else '<p class="notice" role="status">The new key, shown only this once: '
        f'<code id="new-key">{e(shown_key)}</code></p>'
    )
    return (
        f'<h2>API keys</h2><div class="card">{once}<ul class="plain">{join(items)}</ul>'
        f'<form method="post" action="{SETTINGS}/keys">{csrf_field(ctx.csrf)}'
        '<label for="key-name">New key for</label>'
        '<input id="key-name" name="name" maxlength="100">'
        f"{field_errors(errors, 'name')}"
        '<button type="submit">Create key</button></form></div>'
    )


def _webhooks(ctx: Ctx, errors: FieldErrors, shown_secret: str | None) -> str:
    items = []
    for hook in ctx.state.settings.webhooks():
        types = "every event" if hook.event_types is None else ", ".join(hook.event_types)
        remove = (
            "<small>(in the config file)</small>"
            if hook.from_config
            else f'<form method="post" action="{SETTINGS}/webhooks/{e(hook.webhook_id)}/remove" '
            f'class="inline">{csrf_field(ctx.csrf)}'
            '<button type="submit" class="danger">Remove</button></form>'
        )
        error = "" if not hook.last_error else f" · last error: {e(hook.last_error)}"
        items.append(
            f'<li data-webhook-id="{e(hook.webhook_id)}"><strong>{e(hook.url)}</strong> '
            f"({e(types)}): {hook.delivered} delivered, {hook.pending} pending, "
            f"{hook.failed} failed{error} {remove}</li>"
        )
    once = (
        ""
        if shown_secret is None
        else '<p class="notice" role="status">Its signing secret, shown only this once: '
        f'<code id="new-secret">{e(shown_secret)}</code></p>'
    )
    return (
        f'<h2>Webhooks</h2><div class="card">{once}'
        f'<ul class="plain">{join(items) or "<li>None yet.</li>"}</ul>'
        f'<form method="post" action="{SETTINGS}/webhooks">{csrf_field(ctx.csrf)}'
        '<label for="webhook-url">New endpoint URL</label>'
        '<input id="webhook-url" name="url" type="url" inputmode="url">'
        f"{field_errors(errors, 'url')}"
        '<button type="submit">Add webhook</button></form></div>'
    )


async def _settings_page(
    ctx: Ctx,
    *,
    key_errors: FieldErrors | None = None,
    hook_errors: FieldErrors | None = None,
    shown_key: str | None = None,
    shown_secret: str | None = None,
    status: int = 200,
) -> web.Response:
    body = (
        f"<h2>Hub health</h2>{_health(ctx.state.services.health())}"
        f"{_doctor(await ctx.state.health.report())}"
        f"{_keys(ctx, key_errors or {}, shown_key)}"
        f"{_webhooks(ctx, hook_errors or {}, shown_secret)}"
        '<h2>Backup</h2><div class="card"><p>A copy of the whole database (codes, PINs, keys: '
        "keep it safe), consistent while the hub runs; restore it with "
        "<code>lockgw restore FILE</code>.</p>"
        f'<p><a href="{SETTINGS}/backup" download>Download a backup</a></p></div>'
    )
    return page("Settings", body, csrf=ctx.csrf, active=SETTINGS, status=status)


@owner_only
async def settings_page(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    return await _settings_page(ctx)


@owner_only
async def create_key(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    try:
        _, plain = ctx.state.settings.create_key(ctx.text("name"))
    except ApiError as exc:
        return await _settings_page(ctx, key_errors=api_errors(exc), status=exc.status)
    return await _settings_page(ctx, shown_key=plain)


@owner_only
async def revoke_key(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    ctx.state.settings.revoke_key(request.match_info["key_id"])
    return see_other(SETTINGS)


@owner_only
async def add_webhook(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    try:
        hook = ctx.state.services.webhooks.create(CreateWebhook(url=ctx.text("url")))
    except ApiError as exc:
        return await _settings_page(ctx, hook_errors=api_errors(exc), status=exc.status)
    return await _settings_page(ctx, shown_secret=hook.secret)


@owner_only
async def remove_webhook(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    params = WebhookRef(webhook_id=request.match_info["webhook_id"])
    ctx.state.services.webhooks.delete(params)
    return see_other(SETTINGS)


@owner_only
async def backup(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    stamp = ctx.state.services.clock.now().strftime("%Y%m%d-%H%M%S")
    response = web.Response(
        body=ctx.state.settings.backup(),
        content_type="application/vnd.sqlite3",
        headers={"Content-Disposition": f'attachment; filename="lockgw-{stamp}.sqlite3"'},
    )
    return secure_headers(response)
