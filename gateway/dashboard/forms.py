"""From a dashboard form to the request the API would build, with the API's own messages, keyed
by the field they are about (so the page can show each next to its field)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from gateway.wire.errors import ApiError, InvalidInput
from gateway.wire.requests import Params
from gateway.wire.validation import FieldMessages, field_messages

FieldErrors = FieldMessages


def field_errors(error: ValidationError) -> FieldErrors:
    """Pydantic's complaints worded as the API words them (gateway.wire.validation), without
    list positions (a form's checkboxes are not numbered)."""
    return field_messages(error, list_positions=False)


def api_errors(error: ApiError) -> FieldErrors:
    """A service's refusal, by field ("_errors": about the request as a whole)."""
    if isinstance(error, InvalidInput) and error.validation_errors:
        found: FieldErrors = {}
        for name, value in error.validation_errors.items():
            if name == "_errors":
                if value:
                    found["_errors"] = list(value)
            else:
                found[name] = list(value.get("_errors", []))
        return found
    return {"_errors": [error.message]}


class FormRefused(Exception):
    def __init__(self, errors: FieldErrors) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def build[P: Params](model: type[P], data: dict[str, Any]) -> P:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FormRefused(field_errors(exc)) from None


def local_time(value: str) -> str | None:
    """A `datetime-local` field (no offset: the hub's time zone) as an ISO 8601 time with its
    offset; anything else is passed on as typed, for the API's own check to word."""
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the hub's zone
    return moment.isoformat()
