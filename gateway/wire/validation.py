"""Pydantic's complaints about a request worded as the cloud words them, by field: shared by
the API (gateway/calls/params.py: one `invalid_input` error) and the dashboard's forms (each
message shown next to its field)."""

from __future__ import annotations

from pydantic import ValidationError

FieldMessages = dict[str, list[str]]

REQUIRED = "Required"
NOT_A_PARAMETER = "Unrecognized key: not a parameter of this endpoint"


def field_messages(error: ValidationError, *, list_positions: bool = True) -> FieldMessages:
    """Messages by top-level field ("_errors": about the request as a whole). A complaint about
    a part of a field names that part ("window.ends_at: ..."); with `list_positions` False, a
    position in a list is left out (a form's checkboxes have no numbers a person would know)."""
    fields: FieldMessages = {}
    for item in error.errors():
        loc = item["loc"]
        name = str(loc[0]) if loc else "_errors"
        kind = item["type"]
        if kind == "missing":
            message = REQUIRED
        elif kind == "extra_forbidden":
            message = NOT_A_PARAMETER
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            if len(loc) > 1 and (list_positions or not isinstance(loc[1], int)):
                message = f"{'.'.join(str(p) for p in loc[1:])}: {message}"
        fields.setdefault(name, []).append(message)
    return fields
