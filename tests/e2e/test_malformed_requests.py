"""Malformed requests (hostile bodies, forged cursors, timestamps at the calendar's edges) get
a Seam-shaped 400 naming the field, never a 500; 405s say which methods are allowed."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from tests.support.daemon import Daemon

FUTURE = (datetime.now(UTC) + timedelta(days=3)).isoformat()
LATER = (datetime.now(UTC) + timedelta(days=4)).isoformat()
# The calendar's edges: valid ISO 8601, but outside datetime's range once taken to UTC.
EARLIEST = "0001-01-01T00:00:00+14:00"
LATEST = "9999-12-31T23:59:59-12:00"
DEEP = 100_000
HUGE_DIGITS = "9" * 5_001


def _cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.fixture
def raw(daemon: Daemon) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {daemon.key}"}
    with httpx.Client(base_url=daemon.url, headers=headers, timeout=30) as client:
        yield client


def _names(response: httpx.Response, field: str) -> list[str]:
    """The 400's messages for `field` (asserting the answer is Seam's invalid_input shape)."""
    assert response.status_code == 400, (response.status_code, response.text[:500])
    body = response.json()
    assert body["ok"] is False
    assert body["error"]["type"] == "invalid_input"
    errors = body["error"]["validation_errors"]
    assert field in errors, f"error should name {field}: {body}"
    messages: list[str] = errors[field]["_errors"]
    assert messages
    return messages


def _invalid(call: Callable[[], object], field: str) -> list[str]:
    with pytest.raises(SeamHttpInvalidInputError) as err:
        call()
    assert err.value.status_code == 400
    named = {v.parameter_name for v in err.value.validation_errors}
    assert field in named, f"error should name {field}, named {named}"
    messages = err.value.get_validation_error_messages(field)
    assert messages
    return messages


class TestHostileBodies:
    def test_body_nested_very_deep(self, raw: httpx.Client, locks: dict[str, str]) -> None:
        nested = "[" * DEEP + "]" * DEEP
        body = f'{{"device_id": "{locks["Back door"]}", "name": {nested}}}'
        response = raw.post(
            "/access_codes/create", content=body, headers={"content-type": "application/json"}
        )
        assert "deep" in " ".join(_names(response, "name"))

    def test_deep_nesting_in_an_object_value(self, raw: httpx.Client) -> None:
        deep = 40_000  # as deep as fits in the body size limit
        nested = '{"a":' * deep + "1" + "}" * deep
        body = f'{{"custom_metadata": {nested}}}'
        response = raw.post(
            "/devices/update", content=body, headers={"content-type": "application/json"}
        )
        _names(response, "custom_metadata")

    def test_moderately_deep_body_is_refused_too(self, raw: httpx.Client) -> None:
        # Deep enough to be no real request, shallow enough for the parser.
        nested = "[" * 500 + "]" * 500
        body = f'{{"device_id": "x", "custom_metadata": {{"k": {nested}}}}}'
        response = raw.post(
            "/devices/update", content=body, headers={"content-type": "application/json"}
        )
        _names(response, "custom_metadata")

    def test_number_with_too_many_digits(self, raw: httpx.Client, locks: dict[str, str]) -> None:
        device = locks["Back door"]
        for field, value in [
            ("limit", HUGE_DIGITS),
            ("limit", "-" + HUGE_DIGITS),
            ("preferred_code_length", HUGE_DIGITS),
        ]:
            path = "/access_codes/list" if field == "limit" else "/access_codes/create"
            body = f'{{"device_id": "{device}", "{field}": {value}}}'
            response = raw.post(path, content=body, headers={"content-type": "application/json"})
            assert "digits" in " ".join(_names(response, field))

    def test_number_with_too_many_digits_nested(self, raw: httpx.Client) -> None:
        body = f'{{"device_id": "x", "custom_metadata": {{"a": [1, {{"b": {HUGE_DIGITS}}}]}}}}'
        response = raw.post(
            "/devices/update", content=body, headers={"content-type": "application/json"}
        )
        _names(response, "custom_metadata")

    def test_number_with_too_many_digits_in_the_query(
        self, raw: httpx.Client, locks: dict[str, str]
    ) -> None:
        response = raw.get(
            "/access_codes/list", params={"device_id": locks["Back door"], "limit": HUGE_DIGITS}
        )
        _names(response, "limit")


class TestPageCursors:
    FORGED = [
        _cursor({"after": 10**30}),
        _cursor({"after": 2**63}),
        _cursor({"after": -1}),
        _cursor({"after": True}),
        _cursor({"after": 1.5}),
        _cursor({"after": 1, "more": 2}),
        base64.urlsafe_b64encode(b'{"after": ' + b"9" * 5_001 + b"}").decode(),
        base64.urlsafe_b64encode(b'{"after": ' + b"[" * 3_000 + b"]" * 3_000 + b"}").decode(),
        "bogus",
        "",
        "%%%",
    ]

    def test_access_codes_list(self, seam: Seam, locks: dict[str, str]) -> None:
        for cursor in self.FORGED:
            _invalid(
                lambda c=cursor: seam.client.post(
                    "/access_codes/list",
                    json={"device_id": locks["Back door"], "page_cursor": c},
                ),
                "page_cursor",
            )

    def test_unmanaged_list(self, seam: Seam, locks: dict[str, str]) -> None:
        for cursor in self.FORGED:
            _invalid(
                lambda c=cursor: seam.client.post(
                    "/access_codes/unmanaged/list",
                    json={"device_id": locks["Front door"], "page_cursor": c},
                ),
                "page_cursor",
            )

    def test_devices_list(self, seam: Seam) -> None:
        for cursor in self.FORGED:
            if cursor:  # the SDK leaves an empty string out of the query
                _invalid(lambda c=cursor: seam.devices.list(page_cursor=c), "page_cursor")
            _invalid(
                lambda c=cursor: seam.client.post("/devices/list", json={"page_cursor": c}),
                "page_cursor",
            )
            _invalid(
                lambda c=cursor: seam.client.post("/locks/list", json={"page_cursor": c}),
                "page_cursor",
            )

    def test_devices_list_pages(self, seam: Seam, locks: dict[str, str]) -> None:
        everything = [d.device_id for d in seam.devices.list()]
        assert len(everything) == len(locks) >= 2
        first = seam.client.get("/devices/list", params={"limit": 1})
        assert len(first["devices"]) == 1
        assert first["pagination"]["has_next_page"] is True
        assert first["pagination"]["next_page_cursor"]
        paged = seam.create_paginator(seam.devices.list, {"limit": 1}).flatten_to_list()
        assert [d.device_id for d in paged] == everything
        paged = seam.create_paginator(seam.devices.list, {"limit": 3}).flatten_to_list()
        assert [d.device_id for d in paged] == everything
        whole = seam.client.get("/devices/list", params={"limit": len(everything)})
        assert whole["pagination"]["has_next_page"] is False

    def test_devices_list_pages_with_filters(self, seam: Seam, locks: dict[str, str]) -> None:
        ids = [locks["Front door"], locks["Back door"], locks["Garage"]]
        wanted = [d.device_id for d in seam.devices.list(device_ids=ids)]
        paged = seam.create_paginator(
            seam.devices.list, {"device_ids": ids, "limit": 1}
        ).flatten_to_list()
        assert [d.device_id for d in paged] == wanted

    def test_locks_list_limit(self, seam: Seam) -> None:
        page = seam.client.get("/locks/list", params={"limit": 1})
        assert len(page["locks"]) == 1


class TestCalendarEdges:
    @pytest.mark.parametrize("edge", [EARLIEST, LATEST])
    def test_access_code_window(self, seam: Seam, locks: dict[str, str], edge: str) -> None:
        device = locks["Back door"]
        messages = _invalid(
            lambda: seam.access_codes.create(device_id=device, starts_at=edge, ends_at=LATER),
            "starts_at",
        )
        assert "out of range" in " ".join(messages)
        messages = _invalid(
            lambda: seam.access_codes.create(device_id=device, starts_at=FUTURE, ends_at=edge),
            "ends_at",
        )
        assert "out of range" in " ".join(messages)

    @pytest.mark.parametrize("edge", [EARLIEST, LATEST])
    def test_events_list(self, seam: Seam, edge: str) -> None:
        messages = _invalid(lambda: seam.events.list(since=edge), "since")
        assert "out of range" in " ".join(messages)
        _invalid(lambda: seam.events.list(between=[edge, FUTURE]), "between")
        _invalid(lambda: seam.events.list(between=[FUTURE, edge]), "between")

    @pytest.mark.parametrize("edge", [EARLIEST, LATEST])
    def test_devices_list(self, seam: Seam, edge: str) -> None:
        messages = _invalid(lambda: seam.devices.list(created_before=edge), "created_before")
        assert "out of range" in " ".join(messages)
        _invalid(
            lambda: seam.client.post("/locks/list", json={"created_before": edge}),
            "created_before",
        )

    @pytest.mark.parametrize("edge", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"])
    def test_extremes_in_utc_never_500(self, seam: Seam, locks: dict[str, str], edge: str) -> None:
        """In range, but at the very edge: a clear answer either way, never a 500."""
        device = locks["Back door"]
        calls: list[Callable[[], object]] = [
            lambda: seam.events.list(since=edge),
            lambda: seam.events.list(between=["2000-01-01T00:00:00Z", edge]),
            lambda: seam.devices.list(created_before=edge),
            lambda: seam.access_codes.create(device_id=device, starts_at=FUTURE, ends_at=edge),
            lambda: seam.access_codes.create(device_id=device, starts_at=edge, ends_at=LATER),
            lambda: seam.access_codes.create(
                device_id=device, starts_at=FUTURE, ends_at=edge, max_time_rounding="1day"
            ),
        ]
        created: list[str] = []
        for call in calls:
            try:
                result = call()
            except SeamHttpApiError as exc:
                assert exc.status_code < 500, exc
            else:
                access_code_id = getattr(result, "access_code_id", None)
                if access_code_id is not None:
                    created.append(access_code_id)
        for access_code_id in created:
            seam.access_codes.delete(access_code_id=access_code_id)


class TestMethodNotAllowed:
    @pytest.mark.parametrize(
        ("method", "path", "allowed"),
        [
            ("PUT", "/devices/list", {"GET", "POST"}),
            ("GET", "/access_codes/create", {"POST"}),
            ("GET", "/access_codes/update", {"PATCH", "POST", "PUT"}),
            ("PATCH", "/access_codes/delete", {"DELETE", "POST"}),
        ],
    )
    def test_allow_header(
        self, raw: httpx.Client, method: str, path: str, allowed: set[str]
    ) -> None:
        response = raw.request(method, path, json={})
        assert response.status_code == 405
        assert response.json()["error"]["type"] == "method_not_allowed"
        assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
