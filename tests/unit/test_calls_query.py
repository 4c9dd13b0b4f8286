"""A query string (ordered pairs, as both the HTTP API and the MQTT API hand it to
gateway.calls) becomes a request model the way the SDK serialises one: arrays as repeated keys,
objects as dotted keys, the last value of a repeated key for a single field."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.calls.params import from_body, from_query, query_is_empty, query_to_dict
from gateway.wire.errors import InvalidInput
from gateway.wire.grants import ListAccessGrants
from gateway.wire.requests import ListAccessCodes, ListDevices


@pytest.mark.parametrize(
    ("query", "model", "expected"),
    [
        ([("device_id", "d1")], ListAccessCodes, {"device_id": "d1"}),
        ([("device_id", "a"), ("device_id", "b")], ListAccessCodes, {"device_id": "b"}),
        (
            [("access_code_ids", "c1"), ("access_code_ids", "c2")],
            ListAccessCodes,
            {"access_code_ids": ["c1", "c2"]},
        ),
        ([("access_code_ids", "c1")], ListAccessCodes, {"access_code_ids": ["c1"]}),
        ([("limit", "5"), ("_strict", "true")], ListDevices, {"limit": "5"}),
        (
            [("custom_metadata_has.room", "12"), ("custom_metadata_has.floor", "2")],
            ListDevices,
            {"custom_metadata_has": {"room": "12", "floor": "2"}},
        ),
        ([], ListDevices, {}),
    ],
)
def test_a_query_becomes_the_models_fields(
    query: list[tuple[str, str]], model: Any, expected: dict[str, Any]
) -> None:
    assert query_to_dict(query, model) == expected


def test_a_query_keeps_the_order_in_which_keys_first_came() -> None:
    query = [("limit", "2"), ("device_id", "d"), ("limit", "3")]
    assert list(query_to_dict(query, ListAccessCodes)) == ["limit", "device_id"]


def test_numbers_in_a_query_are_converted_but_a_json_body_is_strict() -> None:
    assert from_query([("limit", "7")], ListDevices).limit == 7
    with pytest.raises(InvalidInput) as refused:
        from_body({"limit": "7"}, ListDevices)
    assert "limit" in (refused.value.validation_errors or {})


def test_an_unknown_query_parameter_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        from_query([("device_id", "d"), ("colour", "red")], ListAccessCodes)
    assert "colour" in (refused.value.validation_errors or {})


def test_a_list_field_nested_in_an_optional_is_still_a_list() -> None:
    data = query_to_dict([("device_ids", "a"), ("device_ids", "b")], ListDevices)
    assert data == {"device_ids": ["a", "b"]}
    assert query_to_dict([("user_identity_id", "u")], ListAccessGrants) == {"user_identity_id": "u"}


def test_only_ignored_keys_make_an_empty_query() -> None:
    assert query_is_empty([]) and query_is_empty([("_strict", "1")])
    assert not query_is_empty([("access_code_id", "c")])
