"""Errors the API answers with, in the cloud's shape: {"error": {"type", "message", ...}}."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 400

    def __init__(
        self,
        error_type: str,
        message: str,
        *,
        status: int | None = None,
        data: dict[str, Any] | None = None,
        validation_errors: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        if status is not None:
            self.status = status
        self.data = data
        self.validation_errors = validation_errors

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.error_type, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        if self.validation_errors is not None:
            error["validation_errors"] = self.validation_errors
        return {"error": error, "ok": False}


class NotFound(ApiError):
    status = 404

    def __init__(self, thing: str, message: str | None = None) -> None:
        super().__init__(f"{thing}_not_found", message or f"{thing.replace('_', ' ')} not found")


class InvalidInput(ApiError):
    """A request parameter is wrong; `fields` maps each parameter to its messages."""

    def __init__(self, fields: dict[str, list[str]], message: str | None = None) -> None:
        validation_errors: dict[str, Any] = {"_errors": []}
        for name, messages in fields.items():
            if name == "_errors":  # the request as a whole, not one parameter
                validation_errors["_errors"].extend(messages)
            else:
                validation_errors[name] = {"_errors": messages}
        summary = "; ".join(f"{name}: {', '.join(msgs)}" for name, msgs in fields.items())
        super().__init__(
            "invalid_input",
            message or f"Invalid input: {summary}",
            validation_errors=validation_errors,
        )


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput({field: [message]})


class NotOnLocalHub(ApiError):
    """A call of Seam's cloud API that a local hub deliberately does not offer: the message says
    why and what to do instead. Use it for every such refusal, so apps branch on one error type.
    A 4xx, not 501: Seam's SDK retries every 5xx, so a refusal that can never change would make
    each such call wait for two retries first."""

    status = 400

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            "not_available_on_local_hub",
            f"{path} is part of Seam's cloud API but not of a local lockgw hub: {reason}",
        )


class DuplicateAccessCode(ApiError):
    """The cloud's answer to a PIN already in use on the lock for an overlapping time: 409
    `duplicate_access_code` (apps branch on it). The PIN itself is never in the message."""

    status = 409

    def __init__(self, device_id: str, field: str = "code") -> None:
        super().__init__(
            "duplicate_access_code",
            f"Cannot set a duplicate access code: {field} is already in use on this device "
            "for an overlapping time",
            data={"device_id": device_id},
        )
