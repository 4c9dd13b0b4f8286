"""Conversions between stored columns and domain values."""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import Any

import orjson

from drivers.base import Capabilities
from gateway.domain.models import Issue, Mutation
from gateway.domain.timefmt import parse_iso, to_iso


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else to_iso(moment)


def moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    if text[-1:] == "Z":  # how the store writes every time (to_iso): UTC already
        return datetime.fromisoformat(text)
    return parse_iso(text)


def issues_to_json(issues: list[Issue] | list[Mutation]) -> str:
    return json.dumps(
        [
            {"code": i.code, "message": i.message, "created_at": to_iso(i.created_at), **i.extra}
            for i in issues
        ]
    )


def _split(item: dict[str, Any]) -> tuple[str, str, datetime, dict[str, Any]]:
    code, message, created_at = item.pop("code"), item.pop("message"), item.pop("created_at")
    return code, message, parse_iso(created_at), item  # what is left: the extra fields


def issues_from_json(text: str) -> list[Issue]:
    if text == "[]":
        return []
    return [Issue(*_split(item)) for item in orjson.loads(text)]


def mutations_from_json(text: str) -> list[Mutation]:
    if text == "[]":
        return []
    return [Mutation(*_split(item)) for item in orjson.loads(text)]


def capabilities_to_json(capabilities: Capabilities) -> str:
    return json.dumps(capabilities.to_dict())


@functools.lru_cache(maxsize=256)
def capabilities_from_json(text: str) -> Capabilities:
    """Parsed once per distinct text (a handful of lock models; Capabilities is frozen):
    a lock's device row is read for every API mutation and every slot operation."""
    return Capabilities.from_dict(orjson.loads(text))
