"""Bad input gets a clear, Seam-shaped error naming the field, and writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError, SeamHttpUnauthorizedError

from tests.support.daemon import Daemon

FUTURE = (datetime.now(UTC) + timedelta(days=3)).isoformat()
LATER = (datetime.now(UTC) + timedelta(days=4)).isoformat()
PAST = (datetime.now(UTC) - timedelta(days=1)).isoformat()


def _state(seam: Seam, locks: dict[str, str]) -> tuple[Any, ...]:
    codes = {
        name: sorted(
            (c["access_code_id"], c["code"], c["name"], c["status"])
            for c in seam.client.get("/access_codes/list", params={"device_id": device_id})[
                "access_codes"
            ]
        )
        for name, device_id in locks.items()
    }
    events = seam.client.get(
        "/events/list", params={"since": "2000-01-01T00:00:00Z", "limit": 10000}
    )
    names = sorted(d.display_name for d in seam.devices.list())
    return codes, len(events["events"]), names


@pytest.fixture
def unchanged(seam: Seam, locks: dict[str, str]) -> Iterator[None]:
    """Asserts after the test that the store is exactly as before it."""
    before = _state(seam, locks)
    yield
    assert _state(seam, locks) == before


def _invalid(call: Callable[[], object], field: str) -> SeamHttpInvalidInputError:
    with pytest.raises(SeamHttpInvalidInputError) as err:
        call()
    assert err.value.status_code == 400
    assert err.value.code == "invalid_input"
    named = {v.parameter_name for v in err.value.validation_errors}
    assert field in named, f"error should name {field}, named {named}"
    assert err.value.get_validation_error_messages(field)
    return err.value


@pytest.mark.usefixtures("unchanged")
class TestRefusedWithoutWriting:
    def test_invalid_json(self, seam: Seam) -> None:
        with pytest.raises(SeamHttpInvalidInputError) as err:
            seam.client.post(
                "/access_codes/create",
                content=b'{"device_id": ',
                headers={"content-type": "application/json"},
            )
        assert "JSON" in str(err.value)

    def test_body_that_is_not_an_object(self, seam: Seam) -> None:
        with pytest.raises(SeamHttpInvalidInputError):
            seam.client.post("/access_codes/create", json=["device_id"])

    def test_wrong_type(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(
            lambda: seam.client.post(
                "/access_codes/create", json={"device_id": locks["Back door"], "code": 123456}
            ),
            "code",
        )
        _invalid(
            lambda: seam.client.post(
                "/access_codes/create",
                json={"device_id": locks["Back door"], "use_backup_access_code_pool": "yes"},
            ),
            "use_backup_access_code_pool",
        )

    def test_unknown_field(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(
            lambda: seam.client.post(
                "/access_codes/create", json={"device_id": locks["Back door"], "pin": "1234"}
            ),
            "pin",
        )

    def test_missing_required_field(self, seam: Seam) -> None:
        error = _invalid(lambda: seam.client.post("/access_codes/create", json={}), "device_id")
        assert error.get_validation_error_messages("device_id") == ["Required"]
        _invalid(lambda: seam.client.patch("/access_codes/update", json={}), "access_code_id")

    def test_unknown_ids_are_404s(self, seam: Seam) -> None:
        nobody = "00000000-0000-4000-8000-000000000000"
        cases: list[tuple[Callable[[], object], str]] = [
            (lambda: seam.access_codes.create(device_id=nobody, code="1357"), "device_not_found"),
            (lambda: seam.access_codes.get(access_code_id=nobody), "access_code_not_found"),
            (lambda: seam.access_codes.delete(access_code_id=nobody), "access_code_not_found"),
            (
                lambda: seam.access_codes.update(access_code_id=nobody, name="x"),
                "access_code_not_found",
            ),
            (
                lambda: seam.action_attempts.get(action_attempt_id=nobody),
                "action_attempt_not_found",
            ),
            (lambda: seam.locks.unlock_door(device_id=nobody), "device_not_found"),
            (
                lambda: seam.access_codes.unmanaged.get(access_code_id=nobody),
                "access_code_not_found",
            ),
        ]
        for call, error_type in cases:
            with pytest.raises(SeamHttpApiError) as err:
                call()
            assert (err.value.status_code, err.value.code) == (404, error_type)

    def test_ends_at_not_after_starts_at(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(
            lambda: seam.access_codes.create(
                device_id=locks["Back door"], starts_at=LATER, ends_at=FUTURE
            ),
            "ends_at",
        )

    def test_ends_at_in_the_past(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(
            lambda: seam.access_codes.create(
                device_id=locks["Back door"], starts_at=PAST, ends_at=PAST
            ),
            "ends_at",
        )

    def test_only_one_of_starts_at_and_ends_at(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(
            lambda: seam.access_codes.create(device_id=locks["Back door"], starts_at=FUTURE),
            "ends_at",
        )
        _invalid(
            lambda: seam.access_codes.create(device_id=locks["Back door"], ends_at=FUTURE),
            "starts_at",
        )

    def test_timestamp_that_is_not_iso_8601(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(
            lambda: seam.access_codes.create(
                device_id=locks["Back door"], starts_at="tomorrow", ends_at=FUTURE
            ),
            "starts_at",
        )

    def test_code_the_lock_cannot_take(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(lambda: seam.access_codes.create(device_id=locks["Garage"], code="102938"), "code")
        _invalid(lambda: seam.access_codes.create(device_id=locks["Garage"], code="12345"), "code")
        _invalid(lambda: seam.access_codes.create(device_id=locks["Garage"], code="123987"), "code")
        _invalid(
            lambda: seam.access_codes.create(device_id=locks["Back door"], code="12a4"), "code"
        )
        _invalid(lambda: seam.access_codes.create(device_id=locks["Back door"], code="123"), "code")

    def test_code_already_on_the_lock(self, seam: Seam, locks: dict[str, str]) -> None:
        # The cloud's own error for it (issue #17): 409 duplicate_access_code, not invalid_input.
        with pytest.raises(SeamHttpApiError) as err:
            seam.access_codes.create(device_id=locks["Front door"], code="4711")
        assert (err.value.status_code, err.value.code) == (409, "duplicate_access_code")

    def test_name_too_long(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(
            lambda: seam.access_codes.create(device_id=locks["Back door"], name="x" * 256), "name"
        )

    def test_unsupported_cloud_only_options(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(
            lambda: seam.access_codes.create(
                device_id=locks["Back door"], is_offline_access_code=True
            ),
            "is_offline_access_code",
        )
        _invalid(
            lambda: seam.access_codes.list(device_id=locks["Back door"], customer_key="c1"),
            "customer_key",
        )

    def test_bad_page_cursor(self, seam: Seam, locks: dict[str, str]) -> None:
        _invalid(
            lambda: seam.access_codes.list(device_id=locks["Back door"], page_cursor="bogus"),
            "page_cursor",
        )

    def test_body_over_the_size_limit(self, seam: Seam, locks: dict[str, str]) -> None:
        with pytest.raises(SeamHttpApiError) as err:
            seam.client.post(
                "/access_codes/create",
                json={"device_id": locks["Back door"], "name": "x" * 300_000},
            )
        assert (err.value.status_code, err.value.code) == (413, "request_too_large")

    def test_wrong_method(self, seam: Seam) -> None:
        with pytest.raises(SeamHttpApiError) as err:
            seam.client.request("PUT", "/devices/list", json={})
        assert (err.value.status_code, err.value.code) == (405, "method_not_allowed")

    def test_unknown_path(self, seam: Seam) -> None:
        with pytest.raises(SeamHttpApiError) as err:
            seam.client.get("/access_codes/teleport")
        assert (err.value.status_code, err.value.code) == (404, "endpoint_not_found")

    def test_wrong_or_missing_key(self, daemon: Daemon, locks: dict[str, str]) -> None:
        wrong = Seam(api_key="seam_lgw_000000000000_" + "0" * 64, endpoint=daemon.url)
        with pytest.raises(SeamHttpUnauthorizedError):
            wrong.access_codes.create(device_id=locks["Back door"], code="2468013")
        raw = httpx.post(f"{daemon.url}/access_codes/create", json={"device_id": "x"})
        assert raw.status_code == 401
        assert raw.json()["error"]["type"] == "unauthorized"
