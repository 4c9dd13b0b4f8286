"""The Events page: the timeline in words ("Front door unlocked with code Smith"), filtered by
lock, code and type, and kept fresh by server-sent events (the rows, each time the journal
moves)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from gateway.dashboard.html import Html, e, join, page, secure_headers, when
from gateway.dashboard.surface import Ctx, owner_only
from gateway.domain.event_types import EVENT_TYPES
from gateway.service.dashboard import PIN_REVEALED, TimelineItem

_WORDS = {
    "access_code.created": "code {code} created",
    "access_code.changed": "code {code} changed",
    "access_code.deleted": "code {code} deleted",
    "access_code.set_on_device": "code {code} set on the lock",
    "access_code.scheduled_on_device": "code {code} scheduled on the lock",
    "access_code.removed_from_device": "code {code} removed from the lock",
    "access_code.failed_to_set_on_device": "code {code} could not be set on the lock",
    "access_code.failed_to_remove_from_device": "code {code} could not be removed",
    "access_code.delay_in_setting_on_device": "code {code} is slow to set",
    "access_code.delay_in_removing_from_device": "code {code} is slow to remove",
    "access_code.modified_external_to_seam": "code {code} was changed at the lock",
    "access_code.deleted_external_to_seam": "code {code} was removed at the lock",
    "access_code.backup_access_code_pulled": "a backup code was pulled for {code}",
    "access_code.unmanaged.created": "an unmanaged code appeared on the lock",
    "access_code.unmanaged.removed": "an unmanaged code left the lock",
    "access_code.unmanaged.converted_to_managed": "an unmanaged code was adopted as {code}",
    "device.connected": "came online",
    "device.disconnected": "went offline",
    "device.low_battery": "battery low",
    "device.battery_status_changed": "battery {battery_status}",
    "lock.locked": "locked",
    f"dashboard.{PIN_REVEALED}": "PIN of code {code} revealed in the dashboard",
}
DASHBOARD_TYPES = (f"dashboard.{PIN_REVEALED}",)
POLL = 0.5  # seconds between looks at the journal, per open timeline
SESSION_CHECK = 5.0  # seconds between looks at the session


def words(item: TimelineItem) -> str:
    code = f"“{item.code_name}”" if item.code_name else "(unnamed)"
    if item.kind == "lock.unlocked":
        if item.payload.get("method") == "keycode":
            who = f"with code {code}" if item.access_code_id else "with a code at the keypad"
            return f"unlocked {who}"
        return "unlocked"
    template = _WORDS.get(item.kind, item.kind)
    return template.format(code=code, battery_status=item.payload.get("battery_status", ""))


def timeline_rows(items: list[TimelineItem]) -> Html:
    if not items:
        return Html('<tr><td colspan="3">Nothing yet.</td></tr>')
    return join(
        f'<tr data-kind="{e(item.kind)}"><td class="nowrap">{e(when(item.when))}</td>'
        f"<td>{e(item.lock_name or '-')}</td><td>{e(words(item))}</td></tr>"
        for item in items
    )


def _filters(request: web.Request) -> dict[str, str | None]:
    return {
        name: request.query.get(name) or None for name in ("device_id", "access_code_id", "type")
    }


def _items(ctx: Ctx, request: web.Request) -> list[TimelineItem]:
    f = _filters(request)
    return ctx.state.reads.timeline(
        device_id=f["device_id"], access_code_id=f["access_code_id"], event_type=f["type"]
    )


@owner_only
async def events_page(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    f = _filters(request)
    locks = ctx.state.reads.locks()
    lock_options = join(
        f'<option value="{e(lock.device.device_id)}"'
        f"{' selected' if f['device_id'] == lock.device.device_id else ''}>"
        f"{e(lock.device.name)}</option>"
        for lock in locks
    )
    type_options = join(
        f'<option value="{e(t)}"{" selected" if f["type"] == t else ""}>{e(t)}</option>'
        for t in (*sorted(EVENT_TYPES), *DASHBOARD_TYPES)
    )
    code_filter = (
        ""
        if f["access_code_id"] is None
        else f'<input type="hidden" name="access_code_id" value="{e(f["access_code_id"])}">'
    )
    body = (
        '<form method="get" class="filters card">'
        f'<label>Lock <select name="device_id"><option value="">all</option>{lock_options}'
        "</select></label>"
        f'<label>Type <select name="type"><option value="">all</option>{type_options}'
        f"</select></label>{code_filter}"
        '<button type="submit">Filter</button></form>'
        '<div class="scroll"><table class="events"><thead><tr><th>When</th><th>Lock</th>'
        f'<th>What</th></tr></thead><tbody id="timeline">{timeline_rows(_items(ctx, request))}'
        "</tbody></table></div>"
    )
    return page("Events", body, csrf=ctx.csrf, active="/ui/events", live="timeline")


def _sse(event: str, data: str) -> bytes:
    lines = "".join(f"data: {line}\n" for line in (data.splitlines() or [""]))
    return f"event: {event}\n{lines}\n".encode()


@owner_only
async def events_stream(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """Server-sent events: the timeline's rows when the stream opens and again each time the
    journal moves (checked every POLL seconds, two index look-ups), and `expired` once the
    session is over."""
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
    )
    secure_headers(response)
    await response.prepare(request)
    reads, owner = ctx.state.reads, ctx.state.owner
    loop = asyncio.get_running_loop()
    seen = reads.journal_mark()
    checked = loop.time()
    try:
        # The rows right away: whatever happened between the page's render and this stream
        # opening (a slow phone, a busy hub) would otherwise wait for the next entry.
        await response.write(_sse("rows", timeline_rows(_items(ctx, request))))
        while True:
            await asyncio.sleep(POLL)
            mark = reads.journal_mark()
            if mark != seen:
                seen = mark
                await response.write(_sse("rows", timeline_rows(_items(ctx, request))))
            if loop.time() - checked >= SESSION_CHECK:
                checked = loop.time()
                if owner.session(ctx.session.token) is None:
                    await response.write(_sse("expired", ""))
                    break
                await response.write(b": still here\n\n")
    except ConnectionResetError:
        pass  # the page went away
    return response
