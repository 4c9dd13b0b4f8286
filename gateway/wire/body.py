"""A request's JSON body, decoded within bounds (pure): a body no real client sends (nested
thousands deep, a number of thousands of digits) is refused naming its field, not a crash."""

from __future__ import annotations

import json
import re
from typing import Any

from gateway.wire.errors import ApiError, invalid

# How deep a parameter's value may nest (`custom_metadata: {"a": [1]}` is 2 deep). No request
# of the API comes near it; it keeps every later step (validation, rendering) shallow.
MAX_DEPTH = 32
TOO_DEEP = f"nests deeper than {MAX_DEPTH} levels"


class _TooManyDigits:
    """Stands in for an integer literal Python refuses to convert, until its field is known."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _parse_int(text: str) -> int | _TooManyDigits:
    try:
        return int(text)
    except ValueError:  # over sys.get_int_max_str_digits()
        return _TooManyDigits(len(text.lstrip("-")))


def decode_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_int=_parse_int)
    except RecursionError:
        field = _too_deep_field(raw)
        if field is None:
            raise ApiError(
                "invalid_input",
                f"The request body {TOO_DEEP}",
                validation_errors={"_errors": [f"The body {TOO_DEEP}"]},
            ) from None
        raise invalid(field, TOO_DEEP) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(
            "invalid_input",
            f"The request body is not valid JSON: {exc}",
            validation_errors={"_errors": ["Invalid JSON"]},
        ) from None
    if not isinstance(body, dict):
        raise ApiError(
            "invalid_input",
            "The request body must be a JSON object",
            validation_errors={"_errors": ["Expected object"]},
        )
    for field, value in body.items():
        problem = _out_of_bounds(value, 1)
        if problem is not None:
            raise invalid(field, problem)
    return body


def _out_of_bounds(value: Any, depth: int) -> str | None:
    if isinstance(value, _TooManyDigits):
        return f"is a number with too many digits ({value.digits})"
    if isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            return TOO_DEEP
        items = value.values() if isinstance(value, dict) else value
        for item in items:
            problem = _out_of_bounds(item, depth + 1)
            if problem is not None:
                return problem
    return None


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep_field(raw: bytes) -> str | None:
    """The top-level key whose value nests too deep for the parser (found without one)."""
    depth = 0
    last_key: str | None = None
    field: str | None = None
    for match in _TOKENS.finditer(raw.decode(errors="replace")):
        token = match.group()
        if token.startswith('"'):
            if depth == 1:
                last_key = token
        elif token in "[{":
            depth += 1
            if depth == 2:
                field = last_key
            if depth > MAX_DEPTH:
                break
        else:
            depth -= 1
    try:
        name = json.loads(field) if field is not None else None
    except ValueError:
        name = None
    return name if isinstance(name, str) else None
