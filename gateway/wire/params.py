"""A request's parameters as a model (pure): a query string (ordered key/value pairs, arrays as
repeated keys, objects as dotted keys, as the SDK serialises them) or a JSON body (strict). A hub
(gateway.calls) and a fleet front (gateway.fleet) both read a request with it, so a front refuses
what a hub refuses, worded the same."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, get_args, get_origin

from pydantic import ValidationError

from gateway.wire.errors import InvalidInput
from gateway.wire.requests import Params
from gateway.wire.validation import field_messages

IGNORED_QUERY_KEYS = frozenset({"_strict"})
Query = Sequence[tuple[str, str]]


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) is list:
        return True
    return any(_is_list(arg) for arg in get_args(annotation))


@cache
def _list_fields(model: type[Params]) -> frozenset[str]:
    return frozenset(n for n, f in model.model_fields.items() if _is_list(f.annotation))


def query_is_empty(query: Query) -> bool:
    """Nothing in the query but keys every route ignores (a DELETE then reads its body)."""
    return all(key in IGNORED_QUERY_KEYS for key, _ in query)


def query_to_dict(query: Query, model: type[Params]) -> dict[str, Any]:
    """Arrays arrive as repeated keys, objects as dotted keys (the SDK's serialiser); a key
    repeated for a field that is not a list keeps its last value."""
    values: dict[str, list[str]] = {}
    for key, value in query:
        if key not in IGNORED_QUERY_KEYS:
            values.setdefault(key, []).append(value)
    lists = _list_fields(model)
    data: dict[str, Any] = {}
    for key, given in values.items():
        root, _, rest = key.partition(".")
        if rest:
            data.setdefault(root, {})
            if isinstance(data[root], dict):
                data[root][rest] = given[-1]
            continue
        data[key] = list(given) if key in lists else given[-1]
    return data


def validate[P: Params](model: type[P], data: dict[str, Any], *, strict: bool) -> P:
    """The model, or `invalid_input` naming each field as the cloud words it."""
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise InvalidInput(field_messages(exc)) from None


def from_query[P: Params](query: Query, model: type[P]) -> P:
    return validate(model, query_to_dict(query, model), strict=False)


def from_body[P: Params](body: dict[str, Any], model: type[P]) -> P:
    return validate(model, body, strict=True)
