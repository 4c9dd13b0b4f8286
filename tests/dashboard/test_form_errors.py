"""A form's refusal reads as the API's: both word pydantic's complaints with
gateway.wire.validation (the dashboard leaves out list positions, which a form has none of)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.dashboard.forms import FormRefused, build
from gateway.wire.errors import InvalidInput
from gateway.wire.requests import CreateMultipleAccessCodes
from gateway.wire.validation import NOT_A_PARAMETER, REQUIRED, field_messages


def _refusal(data: dict[str, object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        CreateMultipleAccessCodes.model_validate(data)
    return caught.value


def test_the_form_and_the_api_give_the_same_messages_by_field() -> None:
    error = _refusal({"name": "Guest", "device_ids": [], "surprise": 1})
    api = field_messages(error)
    with pytest.raises(FormRefused) as refused:
        build(CreateMultipleAccessCodes, {"name": "Guest", "device_ids": [], "surprise": 1})
    assert refused.value.errors == api
    assert api["surprise"] == [NOT_A_PARAMETER]
    assert api["device_ids"] and "at least 1" in api["device_ids"][0]
    assert InvalidInput(api).validation_errors["device_ids"]["_errors"] == api["device_ids"]


def test_a_missing_field_is_required_on_both_surfaces() -> None:
    error = _refusal({"name": "Guest"})
    assert field_messages(error)["device_ids"] == [REQUIRED]
    assert field_messages(error, list_positions=False)["device_ids"] == [REQUIRED]


def test_only_the_api_names_a_position_in_a_list() -> None:
    error = _refusal({"device_ids": [7]})
    assert field_messages(error)["device_ids"][0].startswith("0: ")
    assert not field_messages(error, list_positions=False)["device_ids"][0].startswith("0: ")
