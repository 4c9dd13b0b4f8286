"""The Seam-shaped API over MQTT 5 request/response: a request names the route and its body;
the answer is what the HTTP API answers for it. Each route parses the same request model
(gateway.wire.requests), makes one service call and renders with gateway.wire.views, as the
HTTP routes do; our own HTTP API is never called."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from gateway.domain.models import AccessCode
from gateway.service.bundle import Services
from gateway.wire import views
from gateway.wire.errors import ApiError, InvalidInput, invalid
from gateway.wire.pagination import encode_cursor
from gateway.wire.requests import (
    AccessCodeRef,
    CreateAccessCode,
    GetAccessCode,
    GetDevice,
    ListAccessCodes,
    ListDevices,
    LockAction,
    Params,
    UpdateAccessCode,
)
from gateway.wire.validation import field_messages

Answer = dict[str, Any]
Route = Callable[[Services, dict[str, Any]], Answer]


def parse[P: Params](body: dict[str, Any], model: type[P]) -> P:
    try:
        return model.model_validate(body, strict=True)
    except ValidationError as exc:
        raise InvalidInput(field_messages(exc)) from None  # worded as the HTTP API words it


def ok(**resources: Any) -> Answer:
    return {**resources, "ok": True}


def _pagination(next_seq: int | None) -> dict[str, Any]:
    cursor = None if next_seq is None else encode_cursor(next_seq)
    return {"has_next_page": cursor is not None, "next_page_cursor": cursor, "next_page_url": None}


def _codes(svc: Services, codes: list[AccessCode]) -> list[dict[str, Any]]:
    backups = svc.access_codes.backups_available(codes)
    return [
        views.access_code(c, svc.workspace_id, backup_available=c.access_code_id in backups)
        for c in codes
    ]


def code_create(svc: Services, body: dict[str, Any]) -> Answer:
    code, attempt = svc.access_codes.create(parse(body, CreateAccessCode))
    return ok(access_code=_codes(svc, [code])[0], action_attempt=views.action_attempt(attempt))


def code_get(svc: Services, body: dict[str, Any]) -> Answer:
    return ok(access_code=_codes(svc, [svc.access_codes.get(parse(body, GetAccessCode))])[0])


def code_list(svc: Services, body: dict[str, Any]) -> Answer:
    codes, next_seq = svc.access_codes.list(parse(body, ListAccessCodes))
    return ok(access_codes=_codes(svc, codes), pagination=_pagination(next_seq))


def code_update(svc: Services, body: dict[str, Any]) -> Answer:
    attempt = svc.access_codes.update(parse(body, UpdateAccessCode))
    return ok(action_attempt=views.action_attempt(attempt))


def code_delete(svc: Services, body: dict[str, Any]) -> Answer:
    attempt = svc.access_codes.delete(parse(body, AccessCodeRef))
    return ok(action_attempt=views.action_attempt(attempt))


def device_get(svc: Services, body: dict[str, Any]) -> Answer:
    return ok(device=views.device(svc.devices.get(parse(body, GetDevice)), svc.workspace_id))


def lock_get(svc: Services, body: dict[str, Any]) -> Answer:
    device = views.device(svc.devices.get(parse(body, GetDevice)), svc.workspace_id)
    return ok(device=device, lock=device)


def device_list(svc: Services, body: dict[str, Any]) -> Answer:
    found, next_position = svc.devices.list(parse(body, ListDevices))
    bodies = [views.device(d, svc.workspace_id) for d in found]
    return ok(devices=bodies, pagination=_pagination(next_position))


def lock_list(svc: Services, body: dict[str, Any]) -> Answer:
    found, _ = svc.devices.list(parse(body, ListDevices))
    bodies = [views.device(d, svc.workspace_id) for d in found]
    return ok(devices=bodies, locks=bodies)


def lock_door(svc: Services, body: dict[str, Any]) -> Answer:
    attempt = svc.devices.lock_action(parse(body, LockAction), lock=True)
    return ok(action_attempt=views.action_attempt(attempt))


def unlock_door(svc: Services, body: dict[str, Any]) -> Answer:
    attempt = svc.devices.lock_action(parse(body, LockAction), lock=False)
    return ok(action_attempt=views.action_attempt(attempt))


ROUTES: dict[str, Route] = {
    "/access_codes/create": code_create,
    "/access_codes/get": code_get,
    "/access_codes/list": code_list,
    "/access_codes/update": code_update,
    "/access_codes/delete": code_delete,
    "/devices/get": device_get,
    "/devices/list": device_list,
    "/locks/get": lock_get,
    "/locks/list": lock_list,
    "/locks/lock_door": lock_door,
    "/locks/unlock_door": unlock_door,
}


def answer(svc: Services, request: Any) -> tuple[int, Answer]:
    """(HTTP-like status, body) for one decoded request {"route": ..., "body": {...}}."""
    try:
        if not isinstance(request, dict):
            raise ApiError(
                "invalid_input",
                "The request must be a JSON object naming route and body",
                validation_errors={"_errors": ["Expected object"]},
            )
        route, body = request.get("route"), request.get("body", {})
        if not isinstance(route, str) or route not in ROUTES:
            offered = ", ".join(ROUTES)
            raise invalid("route", f"not a route offered over MQTT (offered: {offered})")
        if not isinstance(body, dict):
            raise invalid("body", "must be a JSON object")
        return 200, ROUTES[route](svc, body)
    except ApiError as exc:
        return exc.status, exc.body()
