"""Seam's published OpenAPI document (npm @seamapi/types) as a response validator.

The document is OpenAPI 3.0: `nullable` is turned into JSON Schema's null type and every
response is checked against the 200 schema of its path.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from seam import Seam

from tests.support import secrets_seen

CONTRACT_DIR = Path(__file__).resolve().parents[1] / "contract"
ROOT = "urn:seam-openapi"

FORMATS = jsonschema.FormatChecker(formats=["uuid"])


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    datetime.fromisoformat(value)
    return True


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _convert(v) for k, v in node.items() if k not in ("nullable", "discriminator")}
    if node.get("nullable") is True:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class SeamOpenApi:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        converted = _convert(document)
        self.registry: Registry[Any] = Registry().with_resource(
            ROOT, Resource.from_contents(converted, default_specification=DRAFT7)
        )

    @classmethod
    def load(cls) -> SeamOpenApi:
        out = subprocess.run(
            ["node", "dump-openapi.mjs"], cwd=CONTRACT_DIR, check=True, capture_output=True
        ).stdout
        return cls(json.loads(out))

    @cached_property
    def paths(self) -> dict[str, Any]:
        return dict(self.document["paths"])

    def response_errors(self, path: str, body: Any) -> list[str]:
        """Why `body` is not a valid 200 response of `path` (empty when it is)."""
        operations = self.paths.get(path)
        if operations is None:
            return [f"{path} is not in Seam's OpenAPI document"]
        method = "post" if "post" in operations else next(iter(operations))
        ref = "#/" + _pointer(
            "paths", path, method, "responses", "200", "content", "application/json", "schema"
        )
        validator = jsonschema.Draft7Validator(
            {"$ref": ROOT + ref}, registry=self.registry, format_checker=FORMATS
        )
        return [_describe(e) for e in validator.iter_errors(body)]


def _describe(error: jsonschema.ValidationError) -> str:
    best = jsonschema.exceptions.best_match([error])
    location = "/".join(str(p) for p in best.absolute_path)
    return f"{location}: {best.message[:300]}"


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "ok"],
    "properties": {
        "ok": {"const": False},
        "error": {
            "type": "object",
            "required": ["type", "message"],
            "properties": {
                "type": {"type": "string", "minLength": 1},
                "message": {"type": "string", "minLength": 1},
                "validation_errors": {"type": "object"},
                "data": {"type": "object"},
            },
        },
    },
}


def error_body_errors(body: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(ERROR_SCHEMA)
    return [e.message for e in validator.iter_errors(body)]


class ResponseChecker:
    """An httpx response hook: fails the call whose body the cloud's schema would reject."""

    def __init__(self, openapi: SeamOpenApi) -> None:
        self.openapi = openapi
        self.checked = 0

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        body: Any = response.json()
        secrets_seen.saw_body(body)
        path = response.request.url.path
        if response.status_code < 300:
            problems = self.openapi.response_errors(path, body)
        else:
            problems = error_body_errors(body)
        self.checked += 1
        if problems:
            raise AssertionError(f"{path} answered a body the schema rejects: {problems[:5]}")


@contextmanager
def checked_seam(url: str, api_key: str, openapi: SeamOpenApi) -> Iterator[Seam]:
    """Seam's official SDK pointed at the hub, every response checked against the schema."""
    checker = ResponseChecker(openapi)
    client = Seam(
        api_key=api_key,
        endpoint=url,
        wait_for_action_attempt=False,
        httpx_options={"event_hooks": {"response": [checker]}},
    )
    yield client
    client.client.close()
    assert checker.checked > 0, "no response went through the schema check"
