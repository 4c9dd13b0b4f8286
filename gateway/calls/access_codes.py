"""/access_codes/* (managed and unmanaged): parse, call the service, render."""

from __future__ import annotations

from typing import cast

import orjson

from gateway.calls.call import Answer, Call, Route, changing, reading
from gateway.domain.backups import PoolOffer, backup_available
from gateway.domain.models import AccessCode, CodeRevision
from gateway.service.bundle import Services
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


def _code(call: Call, code: AccessCode) -> dict[str, object]:
    return _codes(call, [code])[0]


def _codes(call: Call, codes: list[AccessCode]) -> list[dict[str, object]]:
    svc = call.services
    backups = svc.access_codes.backups_available(codes)
    return [
        views.access_code(c, svc.workspace_id, backup_available=c.access_code_id in backups)
        for c in codes
    ]


def create(call: Call) -> Answer:
    code, attempt = call.services.access_codes.create(call.params(CreateAccessCode))
    return {"access_code": _code(call, code), "action_attempt": views.action_attempt(attempt)}


def create_multiple(call: Call) -> Answer:
    created = call.services.access_codes.create_multiple(call.params(CreateMultipleAccessCodes))
    return {"access_codes": _codes(call, created)}


def get(call: Call) -> Answer:
    return {"access_code": _code(call, call.services.access_codes.get(call.params(GetAccessCode)))}


def list_codes(call: Call) -> Answer:
    """A page of codes: each one rendered before at its row's revision (with its lock's pool
    offering the same) is reused as it was (gateway/wire/rendered.py); only the others are read
    whole and rendered. The page, its locks' pools and those rows are read from one state of
    the store."""
    svc = call.services
    p = call.params(ListAccessCodes)
    with svc.access_codes.reading():
        page, next_seq = svc.access_codes.list_revisions(p)
        return {"access_codes": _rendered(svc, page), "pagination": call.pagination(next_seq)}


def _rendered(svc: Services, page: list[CodeRevision]) -> list[orjson.Fragment]:
    offers = svc.access_codes.pool_offers({device_id for _, _, device_id in page})
    workspace_id, none = svc.workspace_id, PoolOffer.NONE
    keys = [(workspace_id, seq, rev, offers.get(dev, none)) for seq, rev, dev in page]
    kept = svc.rendered_codes
    found = kept.get_many(keys)
    missing = [key[1] for key, rendered in zip(keys, found, strict=True) if rendered is None]
    if not missing:
        return cast(list[orjson.Fragment], found)
    rows = svc.access_codes.at_seqs(missing)
    for i, key in enumerate(keys):
        if found[i] is None:
            _, code = rows[key[1]]  # the same state of the store: every listed row is there
            body = views.access_code(
                code, workspace_id, backup_available=backup_available(code, PoolOffer(key[3]))
            )
            found[i] = rendered = orjson.Fragment(orjson.dumps(body))
            kept.keep(key, rendered)
    return cast(list[orjson.Fragment], found)


def update(call: Call) -> Answer:
    attempt = call.services.access_codes.update(call.params(UpdateAccessCode))
    return {"action_attempt": views.action_attempt(attempt)}


def update_multiple(call: Call) -> Answer:
    call.services.access_codes.update_multiple(call.params(UpdateMultipleAccessCodes))
    return {}


def report_device_constraints(call: Call) -> Answer:
    call.services.devices.report_constraints(call.params(ReportDeviceConstraints))
    return {}


def delete(call: Call) -> Answer:
    attempt = call.services.access_codes.delete(call.params(AccessCodeRef))
    return {"action_attempt": views.action_attempt(attempt)}


def generate(call: Call) -> Answer:
    p = call.params(GenerateCode)
    # The cloud answers an access-code-shaped object; nothing is stored or programmed.
    return {"generated_code": _code(call, call.services.access_codes.generate(p))}


def pull_backup(call: Call) -> Answer:
    p = call.params(PullBackupAccessCode)
    original, backup = call.services.backup_pool.pull(p.access_code_id)
    workspace_id = call.services.workspace_id
    return {
        "access_code": views.access_code(original, workspace_id, backup_available=True),
        "backup_access_code": views.access_code(backup, workspace_id),
    }


def unmanaged_get(call: Call) -> Answer:
    code = call.services.unmanaged.get(call.params(GetAccessCode))
    return {"access_code": views.unmanaged_access_code(code, call.services.workspace_id)}


def unmanaged_list(call: Call) -> Answer:
    svc = call.services
    codes, next_seq = svc.unmanaged.list(call.params(ListUnmanagedAccessCodes))
    return {
        "access_codes": [views.unmanaged_access_code(c, svc.workspace_id) for c in codes],
        "pagination": call.pagination(next_seq),
    }


def unmanaged_update(call: Call) -> Answer:
    call.services.unmanaged.update(call.params(UpdateUnmanagedAccessCode))
    return {}


def unmanaged_convert(call: Call) -> Answer:
    call.services.unmanaged.convert_to_managed(call.params(ConvertUnmanagedAccessCode))
    return {}


def unmanaged_delete(call: Call) -> Answer:
    p = call.params(AccessCodeRef)
    attempt = call.services.unmanaged.delete(p.access_code_id)
    return {"action_attempt": views.action_attempt(attempt)}


ROUTES: list[Route] = [
    changing("/access_codes/create", create),
    changing("/access_codes/create_multiple", create_multiple),
    reading("/access_codes/get", get),
    reading("/access_codes/list", list_codes),
    # Generating stores nothing: a retry may well get another code, as the cloud's does.
    reading("/access_codes/generate_code", generate),
    changing("/access_codes/update", update),
    changing("/access_codes/update_multiple", update_multiple),
    changing("/access_codes/report_device_constraints", report_device_constraints),
    changing("/access_codes/delete", delete),
    changing("/access_codes/pull_backup_access_code", pull_backup),
    reading("/access_codes/unmanaged/get", unmanaged_get),
    reading("/access_codes/unmanaged/list", unmanaged_list),
    changing("/access_codes/unmanaged/update", unmanaged_update),
    changing("/access_codes/unmanaged/convert_to_managed", unmanaged_convert),
    changing("/access_codes/unmanaged/delete", unmanaged_delete),
]
