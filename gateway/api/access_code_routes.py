"""/access_codes/*: parse, call the service, serialise."""

from __future__ import annotations

import uuid

from aiohttp import web

from gateway.api.pagination import DEFAULT_LIMIT, decode_cursor, pagination
from gateway.api.params import parse
from gateway.api.respond import ok, services
from gateway.domain.codegen import NoCodeAvailable, generate_code
from gateway.domain.models import AccessCode, CodeStatus
from gateway.domain.rules import taken_pins
from gateway.service import lookup
from gateway.service.backup_pool import available
from gateway.store import access_codes
from gateway.wire import views
from gateway.wire.errors import ApiError
from gateway.wire.requests import (
    AccessCodeRef,
    ConvertUnmanagedAccessCode,
    CreateAccessCode,
    CreateMultipleAccessCodes,
    GenerateCode,
    GetAccessCode,
    ListAccessCodes,
    ListUnmanagedAccessCodes,
    PullBackupAccessCode,
    UpdateAccessCode,
    UpdateUnmanagedAccessCode,
)

CLOUD_ONLY_FILTERS = (
    "access_grant_id",
    "access_grant_key",
    "access_method_id",
    "customer_key",
    "user_identifier_key",
)


def _code(request: web.Request, code: AccessCode) -> dict[str, object]:
    return _codes(request, [code])[0]


def _codes(request: web.Request, codes: list[AccessCode]) -> list[dict[str, object]]:
    svc = services(request)
    backups = available(svc.store.conn, codes)
    return [
        views.access_code(c, svc.store.workspace_id, backup_available=c.access_code_id in backups)
        for c in codes
    ]


async def create(request: web.Request) -> web.Response:
    p = await parse(request, CreateAccessCode)
    code, attempt = services(request).access_codes.create(p)
    return ok(access_code=_code(request, code), action_attempt=views.action_attempt(attempt))


async def create_multiple(request: web.Request) -> web.Response:
    p = await parse(request, CreateMultipleAccessCodes)
    created = services(request).access_codes.create_multiple(p)
    return ok(access_codes=_codes(request, created))


async def get(request: web.Request) -> web.Response:
    p = await parse(request, GetAccessCode)
    return ok(access_code=_code(request, services(request).access_codes.get(p)))


async def list_codes(request: web.Request) -> web.Response:
    p = await parse(request, ListAccessCodes)
    p.refuse_set(CLOUD_ONLY_FILTERS)
    svc = services(request)
    if p.device_id is not None:
        lookup.device(svc.store.conn, p.device_id)
    codes, next_seq = access_codes.page(
        svc.store.conn,
        managed=True,
        device_ids=None if p.device_id is None else [p.device_id],
        access_code_ids=p.access_code_ids,
        search=p.search,
        after_seq=decode_cursor(p.page_cursor),
        limit=p.limit or DEFAULT_LIMIT,
    )
    return ok(access_codes=_codes(request, codes), pagination=pagination(request, next_seq))


async def update(request: web.Request) -> web.Response:
    p = await parse(request, UpdateAccessCode)
    attempt = services(request).access_codes.update(p)
    return ok(action_attempt=views.action_attempt(attempt))


async def delete(request: web.Request) -> web.Response:
    p = await parse(request, AccessCodeRef)
    attempt = services(request).access_codes.delete(p)
    return ok(action_attempt=views.action_attempt(attempt))


async def generate(request: web.Request) -> web.Response:
    p = await parse(request, GenerateCode)
    conn = services(request).store.conn
    device = lookup.device(conn, p.device_id)
    taken = taken_pins(access_codes.pin_uses(conn, device.device_id))
    try:
        pin = generate_code(device.capabilities.code_rules, taken)
    except NoCodeAvailable as exc:
        raise ApiError("no_code_available", str(exc)) from None
    # The cloud answers an access-code-shaped object; nothing is stored or programmed.
    generated = AccessCode(
        access_code_id=str(uuid.uuid4()),
        device_id=device.device_id,
        name=None,
        code=pin,
        created_at=services(request).clock.now(),
        status=CodeStatus.UNSET,
    )
    return ok(generated_code=_code(request, generated))


async def pull_backup(request: web.Request) -> web.Response:
    p = await parse(request, PullBackupAccessCode)
    original, backup = services(request).backup_pool.pull(p.access_code_id)
    workspace_id = services(request).store.workspace_id
    return ok(
        access_code=views.access_code(original, workspace_id, backup_available=True),
        backup_access_code=views.access_code(backup, workspace_id),
    )


async def unmanaged_get(request: web.Request) -> web.Response:
    p = await parse(request, GetAccessCode)
    code = services(request).unmanaged.get(p)
    return ok(access_code=views.unmanaged_access_code(code, services(request).store.workspace_id))


async def unmanaged_list(request: web.Request) -> web.Response:
    p = await parse(request, ListUnmanagedAccessCodes)
    p.refuse_set(["user_identifier_key"])
    svc = services(request)
    lookup.device(svc.store.conn, p.device_id)
    codes, next_seq = access_codes.page(
        svc.store.conn,
        managed=False,
        device_ids=[p.device_id],
        search=p.search,
        after_seq=decode_cursor(p.page_cursor),
        limit=p.limit or DEFAULT_LIMIT,
    )
    workspace_id = svc.store.workspace_id
    return ok(
        access_codes=[views.unmanaged_access_code(c, workspace_id) for c in codes],
        pagination=pagination(request, next_seq),
    )


async def unmanaged_update(request: web.Request) -> web.Response:
    services(request).unmanaged.update(await parse(request, UpdateUnmanagedAccessCode))
    return ok()


async def unmanaged_convert(request: web.Request) -> web.Response:
    services(request).unmanaged.convert_to_managed(await parse(request, ConvertUnmanagedAccessCode))
    return ok()


async def unmanaged_delete(request: web.Request) -> web.Response:
    p = await parse(request, AccessCodeRef)
    attempt = services(request).unmanaged.delete(p.access_code_id)
    return ok(action_attempt=views.action_attempt(attempt))
