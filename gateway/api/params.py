"""Reading request parameters: the query string for GET/DELETE, a JSON object otherwise."""

from __future__ import annotations

from functools import cache
from typing import Any, get_args, get_origin

from aiohttp import web
from multidict import MultiMapping
from pydantic import ValidationError

from gateway.wire.body import decode_object
from gateway.wire.errors import InvalidInput
from gateway.wire.requests import Params
from gateway.wire.validation import field_messages

IGNORED_QUERY_KEYS = frozenset({"_strict"})


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) is list:
        return True
    return any(_is_list(arg) for arg in get_args(annotation))


@cache
def _list_fields(model: type[Params]) -> frozenset[str]:
    return frozenset(n for n, f in model.model_fields.items() if _is_list(f.annotation))


def query_to_dict(query: MultiMapping[str], model: type[Params]) -> dict[str, Any]:
    """Arrays arrive as repeated keys, objects as dotted keys (the SDK's serialiser)."""
    lists = _list_fields(model)
    data: dict[str, Any] = {}
    for key in dict.fromkeys(query.keys()):
        if key in IGNORED_QUERY_KEYS:
            continue
        values = query.getall(key)
        root, _, rest = key.partition(".")
        if rest:
            data.setdefault(root, {})
            if isinstance(data[root], dict):
                data[root][rest] = values[-1]
            continue
        data[key] = list(values) if key in lists else values[-1]
    return data


def _field_errors(error: ValidationError) -> InvalidInput:
    return InvalidInput(field_messages(error))


async def parse[P: Params](request: web.Request, model: type[P]) -> P:
    if request.method in ("GET", "DELETE", "HEAD"):
        data: dict[str, Any] = query_to_dict(request.query, model)
        strict = False
        if request.method == "DELETE" and request.can_read_body and not data:
            data, strict = await _json_body(request), True
    else:
        data, strict = await _json_body(request), True
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise _field_errors(exc) from None


async def _json_body(request: web.Request) -> dict[str, Any]:
    return decode_object(await request.read())
