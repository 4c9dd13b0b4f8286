"""Conversions between stored columns and domain values."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from drivers.base import Capabilities
from gateway.domain.models import Issue, Mutation
from gateway.domain.timefmt import parse_iso, to_iso


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else to_iso(moment)


def moment(text: str | None) -> datetime | None:
    return None if text is None else parse_iso(text)


def issues_to_json(issues: list[Issue] | list[Mutation]) -> str:
    return json.dumps(
        [
            {"code": i.code, "message": i.message, "created_at": to_iso(i.created_at), **i.extra}
            for i in issues
        ]
    )


def _split(item: dict[str, Any]) -> tuple[str, str, datetime, dict[str, Any]]:
    extra = {k: v for k, v in item.items() if k not in ("code", "message", "created_at")}
    return item["code"], item["message"], parse_iso(item["created_at"]), extra


def issues_from_json(text: str) -> list[Issue]:
    if text == "[]":
        return []
    return [Issue(*_split(item)) for item in json.loads(text)]


def mutations_from_json(text: str) -> list[Mutation]:
    if text == "[]":
        return []
    return [Mutation(*_split(item)) for item in json.loads(text)]


def capabilities_to_json(capabilities: Capabilities) -> str:
    return json.dumps(capabilities.to_dict())


def capabilities_from_json(text: str) -> Capabilities:
    return Capabilities.from_dict(json.loads(text))
