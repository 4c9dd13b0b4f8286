"""The wire format's bounds: request bodies, page cursors and timestamps no client would send
are refused naming their field (tables of inputs and the field named)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.wire.body import MAX_DEPTH, decode_object
from gateway.wire.errors import ApiError
from gateway.wire.pagination import MAX_POSITION, decode_cursor, encode_cursor
from gateway.wire.requests import ListDevices, ListEvents


def _named(error: ApiError) -> set[str]:
    assert error.status == 400
    assert error.error_type == "invalid_input"
    assert error.validation_errors is not None
    return {k for k, v in error.validation_errors.items() if k != "_errors" or v}


def _nest(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (f'{{"name": {_nest(100_000)}}}', "name"),
        (f'{{"a": 1, "b": "[[[", "c\\"d": {_nest(5_000)}}}', 'c"d'),
        ('{"m": ' + '{"x": ' * 50_000 + "1" + "}" * 50_000 + "}", "m"),
        (f'{{"m": {_nest(MAX_DEPTH)}}}', "m"),
        (f'{{"m": {{"k": {_nest(MAX_DEPTH)}}}}}', "m"),
        (f"{_nest(100_000)}", "_errors"),
        ('{"limit": ' + "9" * 5_001 + "}", "limit"),
        ('{"limit": -' + "9" * 5_001 + "}", "limit"),
        ('{"m": {"a": [1, {"b": ' + "1" * 5_001 + "}]}}", "m"),
        ('{"device_id": ', "_errors"),
        ("[1]", "_errors"),
    ],
)
def test_refused_naming_the_field(raw: str, field: str) -> None:
    with pytest.raises(ApiError) as err:
        decode_object(raw.encode())
    assert _named(err.value) == {field}
    assert err.value.body()["ok"] is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", {}),
        (b"  ", {}),
        (b'{"limit": 5}', {"limit": 5}),
        (f'{{"m": {_nest(MAX_DEPTH - 1)}}}'.encode(), json.loads(f"[{_nest(MAX_DEPTH - 2)}]")),
        (b'{"x": ' + b"9" * 4_000 + b"}", {"x": int("9" * 4_000)}),
        (b'{"x": 1e999}', {"x": float("inf")}),
    ],
)
def test_accepted(raw: bytes, expected: Any) -> None:
    decoded = decode_object(raw)
    if raw.startswith(b'{"m"'):
        assert decoded == {"m": expected}
    else:
        assert decoded == expected


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "bogus",
        "%%%",
        "é",
        _b64(b'{"after": 100000000000000000000000000000}'),
        _b64(json.dumps({"after": MAX_POSITION + 1}).encode()),
        _b64(b'{"after": -1}'),
        _b64(b'{"after": true}'),
        _b64(b'{"after": 1.0}'),
        _b64(b'{"after": "1"}'),
        _b64(b'{"after": 1, "x": 0}'),
        _b64(b'{"after":1}'),  # not as this gateway writes it
        _b64(b'{"after": 1}') + "==",
        _b64(b'{"after": ' + b"9" * 5_001 + b"}"),
        _b64(b'{"after": ' + _nest(3_000).encode() + b"}"),
        _b64(b"[1]"),
        _b64(b"\xff\xfe"),
    ],
)
def test_cursor_not_issued(cursor: str) -> None:
    with pytest.raises(ApiError) as err:
        decode_cursor(cursor)
    assert _named(err.value) == {"page_cursor"}


@pytest.mark.parametrize("position", [0, 1, 499, MAX_POSITION])
def test_cursor_round_trip(position: int) -> None:
    assert decode_cursor(encode_cursor(position)) == position


@pytest.mark.parametrize(
    "edge", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+00:01"]
)
def test_timestamp_out_of_range(edge: str) -> None:
    for model, data, field in [
        (ListDevices, {"created_before": edge}, "created_before"),
        (ListEvents, {"since": edge}, "since"),
        (ListEvents, {"between": [edge, "2025-01-01T00:00:00Z"]}, "between"),
    ]:
        with pytest.raises(ValidationError) as err:
            model.model_validate(data)
        (error,) = err.value.errors()
        assert error["loc"][0] == field
        assert "out of range" in error["msg"]


def test_timestamp_at_the_edges_in_utc() -> None:
    low = ListDevices.model_validate({"created_before": "0001-01-01T00:00:00Z"})
    assert low.created_before == datetime.min.replace(tzinfo=UTC)
    high = ListDevices.model_validate({"created_before": "9999-12-31T23:59:59.999999Z"})
    assert high.created_before == datetime.max.replace(tzinfo=UTC)
