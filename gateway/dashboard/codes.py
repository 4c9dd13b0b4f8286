"""The Codes page: create (ongoing or time-bound, on one or several locks, PIN typed or
generated), delete, reveal a PIN (recorded), filter; statuses kept fresh by the page's script.

Creating and deleting call the same services as /access_codes/create(_multiple) and
/access_codes/delete, so the same events and webhooks follow, and the same messages refuse.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from gateway.dashboard.forms import FieldErrors, FormRefused, api_errors, build, local_time
from gateway.dashboard.html import (
    Html,
    csrf_field,
    e,
    field_errors,
    join,
    page,
    secure_headers,
    window,
)
from gateway.dashboard.surface import Ctx, owner_only, see_other, wants_json
from gateway.service.dashboard import CodeLine, LockSummary
from gateway.wire.errors import ApiError
from gateway.wire.requests import (
    AccessCodeRef,
    CreateAccessCode,
    CreateMultipleAccessCodes,
    UpdateAccessCode,
)

STATUSES = ("set", "setting", "failed", "unset", "removing")
# The request's fields, as the form names them (a single lock's device_id is the form's locks).
FORM_FIELD = {"device_id": "device_ids", "type": "kind"}
SHOWN_FIELDS = ("name", "device_ids", "kind", "starts_at", "ends_at", "code")


Editing = tuple[str, dict[str, Any], FieldErrors]  # (access_code_id, values typed, errors)
LOCAL = "%Y-%m-%dT%H:%M:%S"


def _local(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone().strftime(LOCAL)


def _edit_form(line: CodeLine, csrf: str, editing: Editing | None) -> str:
    """Change a code's name, window or PIN (empty PIN: keep it)."""
    code_id = e(line.access_code_id)
    values: dict[str, Any] = {
        "name": line.name or "",
        "kind": "ongoing" if line.ends_at is None else "time_bound",
        "starts_at": _local(line.starts_at),
        "ends_at": _local(line.ends_at),
        "code": "",
    }
    errors: FieldErrors = {}
    if editing is not None and editing[0] == line.access_code_id:
        values, errors = {**values, **editing[1]}, editing[2]
    bound = values["kind"] == "time_bound"

    def text(name: str, label: str, kind: str = "text", extra: str = "") -> str:
        return (
            f'<label for="{name}-{code_id}">{label}</label>'
            f'<input id="{name}-{code_id}" name="{name}" type="{kind}" {extra}'
            f'value="{e(values.get(name, ""))}">{field_errors(errors, name)}'
        )

    general = join(
        f'<p class="field-error" role="alert">{e(m)}</p>' for m in errors.get("_errors", [])
    )
    name = text("name", "Name", extra='maxlength="255" ')
    starts = text("starts_at", "Starts", "datetime-local", 'step="1" ')
    ends = text("ends_at", "Ends", "datetime-local", 'step="1" ')
    pin = text(
        "code",
        "New PIN",
        extra='inputmode="numeric" autocomplete="off" placeholder="leave empty: keep it" ',
    )
    return (
        f'<details class="edit"{" open" if errors else ""}><summary>Edit</summary>'
        f'<form method="post" action="/ui/codes/{code_id}/update">{csrf_field(csrf)}{general}'
        f"{name}<fieldset><legend>When</legend>"
        '<label class="check"><input type="radio" name="kind" value="ongoing"'
        f"{'' if bound else ' checked'}> ongoing</label>"
        '<label class="check"><input type="radio" name="kind" value="time_bound"'
        f"{' checked' if bound else ''}> time-bound</label>{field_errors(errors, 'kind')}"
        f"{starts}{ends}</fieldset>{pin}"
        '<button type="submit">Save</button></form></details>'
    )


def _code_card(
    line: CodeLine, csrf: str, revealed: dict[str, str], editing: Editing | None = None
) -> str:
    status = line.shown_status
    pin = revealed.get(line.access_code_id)
    pin_text = e(pin) if pin is not None else "•" * max(line.pin_length, 4)
    errors = join(f'<p class="field-error">{e(m)}</p>' for m in line.errors)
    warnings = join(f'<p class="warning">{e(m)}</p>' for m in line.warnings)
    code_id = e(line.access_code_id)
    return (
        f'<article class="card code" data-code-id="{code_id}" data-status="{e(status)}">'
        f"<h2>{e(line.name or '(no name)')}"
        f"{' <small>backup</small>' if line.is_backup else ''}</h2>"
        '<dl class="facts">'
        f'<dt>Lock</dt><dd><a href="/ui/locks/{e(line.device_id)}">{e(line.lock_name)}</a></dd>'
        f'<dt>Status</dt><dd><span class="status badge {e(status)}">{e(status)}</span></dd>'
        f"<dt>Window</dt><dd>{e(window(line.starts_at, line.ends_at))}</dd>"
        f'<dt>PIN</dt><dd><span class="pin" data-revealed="{"1" if pin else "0"}">'
        f"{pin_text}</span></dd></dl>{errors}{warnings}"
        '<div class="actions">'
        f"{_backup_button(line, csrf)}"
        f'<form method="post" action="/ui/codes/{code_id}/reveal" class="inline reveal">'
        f'{csrf_field(csrf)}<button type="submit">Reveal PIN</button></form>'
        f'<form method="post" action="/ui/codes/{code_id}/delete" class="inline">'
        f'{csrf_field(csrf)}<button type="submit" class="danger">Delete</button></form>'
        f'<a href="/ui/events?access_code_id={code_id}">Events</a></div>'
        f"{'' if line.is_backup else _edit_form(line, csrf, editing)}</article>"
    )


def _backup_button(line: CodeLine, csrf: str) -> str:
    """A backup for a stay whose code will not work: pulled from the lock's pool (once)."""
    if line.backup_pulled:
        return '<span class="badge">backup pulled</span>'
    if not line.backup_available:
        return ""
    return (
        f'<form method="post" action="/ui/codes/{e(line.access_code_id)}/pull_backup" '
        f'class="inline">{csrf_field(csrf)}<button type="submit">Pull backup</button></form>'
    )


def _create_form(
    locks: list[LockSummary], csrf: str, values: dict[str, Any], errors: FieldErrors
) -> str:
    chosen = set(values.get("device_ids") or [])
    boxes = join(
        f'<label class="check"><input type="checkbox" name="device_ids" '
        f'value="{e(lock.device.device_id)}"'
        f"{' checked' if lock.device.device_id in chosen else ''}> {e(lock.device.name)}</label>"
        for lock in locks
    )
    time_bound = values.get("kind") == "time_bound"
    general = (
        join(f'<p class="field-error" role="alert">{e(m)}</p>' for m in errors["_errors"])
        if errors.get("_errors")
        else ""
    )
    return (
        '<details class="card" id="create"' + (" open" if errors or values else "") + ">"
        "<summary>New code</summary>"
        f'<form method="post" action="/ui/codes" class="create">{csrf_field(csrf)}{general}'
        '<label for="name">Name</label>'
        f'<input id="name" name="name" value="{e(values.get("name", ""))}" maxlength="255">'
        f"{field_errors(errors, 'name')}"
        f"<fieldset><legend>Locks</legend>{boxes}</fieldset>{field_errors(errors, 'device_ids')}"
        "<fieldset><legend>When</legend>"
        '<label class="check"><input type="radio" name="kind" value="ongoing"'
        f"{'' if time_bound else ' checked'}> ongoing</label>"
        '<label class="check"><input type="radio" name="kind" value="time_bound"'
        f"{' checked' if time_bound else ''}> time-bound</label>"
        '<label for="starts_at">Starts</label>'
        '<input id="starts_at" name="starts_at" type="datetime-local" step="1" '
        f'value="{e(values.get("starts_at", ""))}">{field_errors(errors, "starts_at")}'
        '<label for="ends_at">Ends</label>'
        '<input id="ends_at" name="ends_at" type="datetime-local" step="1" '
        f'value="{e(values.get("ends_at", ""))}">{field_errors(errors, "ends_at")}</fieldset>'
        '<label for="code">PIN</label>'
        '<input id="code" name="code" inputmode="numeric" autocomplete="off" '
        f'placeholder="leave empty: one is picked" value="{e(values.get("code", ""))}">'
        f"{field_errors(errors, 'code')}"
        '<button type="submit">Create</button></form></details>'
    )


def _filters(request: web.Request, locks: list[LockSummary]) -> str:
    q = request.query
    lock_options = join(
        f'<option value="{e(lock.device.device_id)}"'
        f"{' selected' if q.get('device_id') == lock.device.device_id else ''}>"
        f"{e(lock.device.name)}</option>"
        for lock in locks
    )
    status_options = join(
        f"<option{' selected' if q.get('status') == s else ''}>{s}</option>" for s in STATUSES
    )
    return (
        '<form method="get" class="filters card">'
        f'<label>Lock <select name="device_id"><option value="">all</option>{lock_options}'
        "</select></label>"
        f'<label>Status <select name="status"><option value="">all</option>{status_options}'
        "</select></label>"
        f'<label>Search names <input name="search" value="{e(q.get("search", ""))}"></label>'
        '<button type="submit">Filter</button></form>'
    )


def _codes_page(
    request: web.Request,
    ctx: Ctx,
    *,
    values: dict[str, Any] | None = None,
    errors: FieldErrors | None = None,
    revealed: dict[str, str] | None = None,
    editing: Editing | None = None,
    status: int = 200,
) -> web.Response:
    reads = ctx.state.reads
    locks = reads.locks()
    q = request.query
    lines = reads.codes(
        device_id=q.get("device_id") or None,
        status=q.get("status") or None,
        search=q.get("search") or None,
    )
    cards = join(_code_card(line, ctx.csrf, revealed or {}, editing) for line in lines)
    body = (
        f"{_create_form(locks, ctx.csrf, values or {}, errors or {})}"
        f"{_filters(request, locks)}"
        f'<div class="cards" id="codes">{cards or Html("<p>No codes.</p>")}</div>'
    )
    return page("Codes", body, csrf=ctx.csrf, active="/ui/codes", status=status, live="codes")


@owner_only
async def codes_page(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    return _codes_page(request, ctx)


def _request(ctx: Ctx) -> tuple[dict[str, Any], CreateAccessCode | CreateMultipleAccessCodes]:
    values: dict[str, Any] = {name: ctx.text(name) for name in SHOWN_FIELDS}
    values["device_ids"] = [v for v in ctx.form.getall("device_ids", []) if isinstance(v, str)]
    data: dict[str, Any] = {"name": values["name"] or None, "code": values["code"] or None}
    errors: FieldErrors = {}
    if values["kind"] == "time_bound":
        for name in ("starts_at", "ends_at"):
            data[name] = local_time(values[name])
            if data[name] is None:
                errors[name] = ["Required for a time-bound code"]
    if not values["device_ids"]:
        errors["device_ids"] = ["Required: pick at least one lock"]
    if errors:
        raise FormRefused(errors)
    data = {k: v for k, v in data.items() if v is not None}
    ids = values["device_ids"]
    if len(ids) == 1:
        return values, build(CreateAccessCode, {**data, "device_id": ids[0]})
    return values, build(CreateMultipleAccessCodes, {**data, "device_ids": ids})


@owner_only
async def create(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    values: dict[str, Any] = {}
    try:
        values, params = _request(ctx)
        codes = ctx.state.services.access_codes
        if isinstance(params, CreateAccessCode):
            codes.create(params)
        else:
            codes.create_multiple(params)
    except FormRefused as exc:
        return _codes_page(request, ctx, values=values, errors=_shown(exc.errors), status=400)
    except ApiError as exc:
        errors = _shown(api_errors(exc))
        return _codes_page(request, ctx, values=values, errors=errors, status=exc.status)
    return see_other("/ui/codes")


def _shown(errors: FieldErrors) -> FieldErrors:
    """Errors keyed by the form's fields; those about a field the form lacks, in general."""
    shown: FieldErrors = {}
    for name, messages in errors.items():
        field = FORM_FIELD.get(name, name)
        if field in SHOWN_FIELDS or field == "_errors":
            shown.setdefault(field, []).extend(messages)
        else:
            shown.setdefault("_errors", []).extend(f"{name}: {m}" for m in messages)
    return shown


def _update_request(ctx: Ctx, code_id: str) -> tuple[dict[str, Any], UpdateAccessCode]:
    values: dict[str, Any] = {name: ctx.text(name) for name in SHOWN_FIELDS}
    data: dict[str, Any] = {
        "access_code_id": code_id,
        "name": values["name"],
        "type": "time_bound" if values["kind"] == "time_bound" else "ongoing",
    }
    if values["code"]:
        data["code"] = values["code"]
    if data["type"] == "time_bound":
        for name in ("starts_at", "ends_at"):
            moment = local_time(values[name])
            if moment is not None:
                data[name] = moment
    return values, build(UpdateAccessCode, data)


@owner_only
async def update(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    code_id = request.match_info["access_code_id"]
    values: dict[str, Any] = {}
    try:
        values, params = _update_request(ctx, code_id)
        ctx.state.services.access_codes.update(params)
    except FormRefused as exc:
        editing = (code_id, values, _shown(exc.errors))
        return _codes_page(request, ctx, editing=editing, status=400)
    except ApiError as exc:
        if exc.status == 404:
            raise
        editing = (code_id, values, _shown(api_errors(exc)))
        return _codes_page(request, ctx, editing=editing, status=exc.status)
    return see_other("/ui/codes")


@owner_only
async def delete(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    params = AccessCodeRef(access_code_id=request.match_info["access_code_id"])
    ctx.state.services.access_codes.delete(params)
    return see_other("/ui/codes")


@owner_only
async def pull_backup(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    ctx.state.services.backup_pool.pull(request.match_info["access_code_id"])
    return see_other("/ui/codes")


@owner_only
async def reveal(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    code_id = request.match_info["access_code_id"]
    pin = ctx.state.reads.reveal(code_id)
    if wants_json(request):
        return secure_headers(web.json_response({"pin": pin}))
    return _codes_page(request, ctx, revealed={code_id: pin})


@owner_only
async def statuses(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """Each code's status, for the page's script (no PINs)."""
    lines = ctx.state.reads.codes()
    body = {
        line.access_code_id: {"status": line.shown_status, "errors": list(line.errors)}
        for line in lines
    }
    return secure_headers(web.json_response({"codes": body}))
