"""/access_codes/*: parse, call the service, serialise."""

from __future__ import annotations

from aiohttp import web

from gateway.api.pagination import pagination
from gateway.api.params import parse
from gateway.api.respond import GET_POST, Route, ok, services
from gateway.domain.models import AccessCode
from gateway.wire import views
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
    ReportDeviceConstraints,
    UpdateAccessCode,
    UpdateMultipleAccessCodes,
    UpdateUnmanagedAccessCode,
)


def _code(request: web.Request, code: AccessCode) -> dict[str, object]:
    return _codes(request, [code])[0]


def _codes(request: web.Request, codes: list[AccessCode]) -> list[dict[str, object]]:
    svc = services(request)
    backups = svc.access_codes.backups_available(codes)
    return [
        views.access_code(c, svc.workspace_id, backup_available=c.access_code_id in backups)
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
    codes, next_seq = services(request).access_codes.list(p)
    return ok(access_codes=_codes(request, codes), pagination=pagination(request, next_seq))


async def update(request: web.Request) -> web.Response:
    p = await parse(request, UpdateAccessCode)
    attempt = services(request).access_codes.update(p)
    return ok(action_attempt=views.action_attempt(attempt))


async def update_multiple(request: web.Request) -> web.Response:
    services(request).access_codes.update_multiple(await parse(request, UpdateMultipleAccessCodes))
    return ok()


async def report_device_constraints(request: web.Request) -> web.Response:
    services(request).devices.report_constraints(await parse(request, ReportDeviceConstraints))
    return ok()


async def delete(request: web.Request) -> web.Response:
    p = await parse(request, AccessCodeRef)
    attempt = services(request).access_codes.delete(p)
    return ok(action_attempt=views.action_attempt(attempt))


async def generate(request: web.Request) -> web.Response:
    p = await parse(request, GenerateCode)
    # The cloud answers an access-code-shaped object; nothing is stored or programmed.
    return ok(generated_code=_code(request, services(request).access_codes.generate(p)))


async def pull_backup(request: web.Request) -> web.Response:
    p = await parse(request, PullBackupAccessCode)
    original, backup = services(request).backup_pool.pull(p.access_code_id)
    workspace_id = services(request).workspace_id
    return ok(
        access_code=views.access_code(original, workspace_id, backup_available=True),
        backup_access_code=views.access_code(backup, workspace_id),
    )


async def unmanaged_get(request: web.Request) -> web.Response:
    p = await parse(request, GetAccessCode)
    code = services(request).unmanaged.get(p)
    return ok(access_code=views.unmanaged_access_code(code, services(request).workspace_id))


async def unmanaged_list(request: web.Request) -> web.Response:
    p = await parse(request, ListUnmanagedAccessCodes)
    svc = services(request)
    codes, next_seq = svc.unmanaged.list(p)
    return ok(
        access_codes=[views.unmanaged_access_code(c, svc.workspace_id) for c in codes],
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


ROUTES: list[Route] = [
    ("/access_codes/create", ("POST",), create),
    ("/access_codes/create_multiple", ("POST", "PUT"), create_multiple),
    ("/access_codes/get", GET_POST, get),
    ("/access_codes/list", GET_POST, list_codes),
    ("/access_codes/generate_code", GET_POST, generate),
    ("/access_codes/update", ("PATCH", "POST", "PUT"), update),
    ("/access_codes/update_multiple", ("PATCH", "POST"), update_multiple),
    ("/access_codes/report_device_constraints", ("POST",), report_device_constraints),
    ("/access_codes/delete", ("DELETE", "POST"), delete),
    ("/access_codes/pull_backup_access_code", ("POST",), pull_backup),
    ("/access_codes/unmanaged/get", GET_POST, unmanaged_get),
    ("/access_codes/unmanaged/list", GET_POST, unmanaged_list),
    ("/access_codes/unmanaged/update", ("PATCH", "POST"), unmanaged_update),
    ("/access_codes/unmanaged/convert_to_managed", ("PATCH", "POST"), unmanaged_convert),
    ("/access_codes/unmanaged/delete", ("DELETE", "POST"), unmanaged_delete),
]
