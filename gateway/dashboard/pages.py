"""The Locks overview, one lock's page (slot grid, events), and the lock/unlock buttons."""

from __future__ import annotations

from aiohttp import web

from gateway.dashboard.events import timeline_rows
from gateway.dashboard.html import Html, csrf_field, e, join, page, when, window
from gateway.dashboard.surface import Ctx, local_path, owner_only, see_other
from gateway.domain.battery import battery_status
from gateway.domain.models import Device
from gateway.service.dashboard import LockSummary, SlotLine, UnmanagedLine
from gateway.wire.requests import ConvertUnmanagedAccessCode, LockAction


def _battery(device: Device) -> str:
    if device.battery_level is None:
        return "-"
    return f"{round(device.battery_level * 100)}% ({battery_status(device.battery_level)})"


def _bolt(device: Device) -> str:
    return {True: "locked", False: "unlocked", None: "unknown"}[device.locked]


def _lock_buttons(device: Device, csrf: str, back: str) -> Html:
    if not device.capabilities.can_lock:
        return Html("")
    buttons = join(
        f'<form method="post" action="/ui/locks/{e(device.device_id)}/{verb}" class="inline">'
        f'{csrf_field(csrf)}<input type="hidden" name="back" value="{e(back)}">'
        f'<button type="submit" data-action="{verb}">{verb.title()}</button></form>'
        for verb in ("lock", "unlock")
    )
    return Html(f'<div class="actions">{buttons}</div>')


def _card(lock: LockSummary, csrf: str) -> str:
    device, counts = lock.device, lock.counts
    online = "online" if device.online else "offline"
    pool = f"{lock.pool_ready}/{lock.pool_size}" if lock.pool_size else "off"
    warnings = join(f'<li class="warning">{e(w)}</li>' for w in lock.warnings)
    return (
        f'<article class="card lock" data-device-id="{e(device.device_id)}">'
        f'<h2><a href="/ui/locks/{e(device.device_id)}">{e(device.name)}</a> '
        f'<span class="badge {online}">{online}</span></h2>'
        '<dl class="facts">'
        f"<dt>Battery</dt><dd>{e(_battery(device))}</dd>"
        f'<dt>Lock</dt><dd data-field="bolt">{e(_bolt(device))}</dd>'
        f'<dt>Codes set</dt><dd data-count="set">{counts.set}</dd>'
        f'<dt>Setting</dt><dd data-count="setting">{counts.setting}</dd>'
        f'<dt>Failed</dt><dd data-count="failed">{counts.failed}</dd>'
        f'<dt>Not started</dt><dd data-count="scheduled">{counts.scheduled}</dd>'
        f'<dt>Backup pool</dt><dd data-field="pool">{e(pool)}</dd>'
        f"<dt>Last activity</dt><dd>{e(when(lock.last_activity))}</dd>"
        "</dl>"
        f'<ul class="warnings">{warnings}</ul>'
        f"{_lock_buttons(device, csrf, '/')}</article>"
    )


@owner_only
async def overview(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    locks = ctx.state.reads.locks()
    cards = join(_card(lock, ctx.csrf) for lock in locks)
    body = cards or '<p class="notice">No locks yet.</p>'
    return page("Locks", f'<div class="cards">{body}</div>', csrf=ctx.csrf, active="/")


_KIND_WORDS = {"pool": "backup pool (secret)", "unmanaged": "unmanaged", "free": "free"}


def _slot_row(line: SlotLine) -> str:
    number = str(line.first) if line.first == line.last else f"{line.first} to {line.last}"
    if line.kind == "code":
        what = e(line.name or "(no name)")
        status = "failed" if line.errors else (line.status or "-")
    else:
        what = e(_KIND_WORDS[line.kind] + (f": {line.name}" if line.name else ""))
        status = "-" if line.kind == "free" else "on the lock"
    if line.pending:
        status = f"{status} (pending {line.pending})"
    on_device = (
        "-" if line.on_device is None else window(line.on_device.starts_at, line.on_device.ends_at)
    )
    errors = join(f'<span class="field-error">{e(m)}</span>' for m in line.errors)
    code_window = window(line.starts_at, line.ends_at) if line.kind == "code" else "-"
    return (
        f'<tr class="slot {line.kind}" data-slot="{line.first}">'
        f"<td>{e(number)}</td><td>{what}</td><td>{e(status)}{errors}</td>"
        f"<td>{e(code_window)}</td><td>{e(on_device)}</td></tr>"
    )


@owner_only
async def lock_page(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    reads = ctx.state.reads
    device = reads.lock(request.match_info["device_id"])
    back = f"/ui/locks/{device.device_id}"
    rows = join(_slot_row(line) for line in reads.slot_grid(device))
    unmanaged = _unmanaged(reads.unmanaged(device), device, ctx.csrf)
    events = timeline_rows(reads.timeline(device_id=device.device_id, limit=50))
    body = (
        '<section class="card">'
        f'<p><span class="badge {"online" if device.online else "offline"}">'
        f"{'online' if device.online else 'offline'}</span> "
        f"Battery {e(_battery(device))} · Lock {e(_bolt(device))} · "
        f"{e(device.capabilities.manufacturer)} {e(device.capabilities.model)}</p>"
        f"{_lock_buttons(device, ctx.csrf, back)}"
        f'<p><a href="/ui/codes?device_id={e(device.device_id)}">Codes on this lock</a></p>'
        "</section>"
        '<h2>Slots</h2><div class="scroll"><table class="slots"><thead><tr><th>Slot</th>'
        "<th>Holds</th><th>Status</th><th>Window</th><th>On the lock</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
        f"<h2>Unmanaged codes</h2>{unmanaged}"
        f'<h2>Events</h2><div class="scroll"><table class="events"><tbody>{events}</tbody>'
        "</table></div>"
    )
    return page(device.name, body, csrf=ctx.csrf, active="/")


def _unmanaged(lines: list[UnmanagedLine], device: Device, csrf: str) -> str:
    """Codes found on the lock: adopt one (the hub keeps it from now on) or remove it."""
    if not lines:
        return '<p class="notice">None: every code on this lock is the hub\'s.</p>'
    base = f"/ui/locks/{e(device.device_id)}/unmanaged"
    items = []
    for line in lines:
        code_id = e(line.access_code_id)
        slot = "-" if line.slot is None else str(line.slot)
        actions = (
            '<span class="badge removing">removing</span>'
            if line.removing
            else join(
                f'<form method="post" action="{base}/{code_id}/{verb}" class="inline">'
                f'{csrf_field(csrf)}<button type="submit"{extra}>{label}</button></form>'
                for verb, label, extra in (
                    ("adopt", "Adopt", ""),
                    ("remove", "Remove", ' class="danger"'),
                )
            )
        )
        items.append(
            f'<li class="unmanaged" data-code-id="{code_id}">Slot {e(slot)}: '
            f'{e(line.name or "(no name)")} <span class="actions">{actions}</span></li>'
        )
    return f'<ul class="card plain">{join(items)}</ul>'


@owner_only
async def adopt(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    code_id = request.match_info["access_code_id"]
    params = ConvertUnmanagedAccessCode(access_code_id=code_id)
    ctx.state.services.unmanaged.convert_to_managed(params)
    return see_other(f"/ui/locks/{request.match_info['device_id']}")


@owner_only
async def remove_unmanaged(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    ctx.state.services.unmanaged.delete(request.match_info["access_code_id"])
    return see_other(f"/ui/locks/{request.match_info['device_id']}")


async def _lock_action(request: web.Request, ctx: Ctx, *, lock: bool) -> web.StreamResponse:
    params = LockAction(device_id=request.match_info["device_id"])
    ctx.state.services.devices.lock_action(params, lock=lock)
    return see_other(local_path(ctx.text("back")))


@owner_only
async def lock_door(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    return await _lock_action(request, ctx, lock=True)


@owner_only
async def unlock_door(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    return await _lock_action(request, ctx, lock=False)
