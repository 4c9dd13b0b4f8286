"""The MQTT API refuses a number it cannot take the way the HTTP API does (a 400 naming the
field), also in a request carrying a request_id (whose parameters are fingerprinted)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.mqtt import api
from gateway.wire.body import decode_object
from gateway.wire.errors import ApiError
from tests.support.harness import Harness


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Harness]:
    harness = Harness(tmp_path)
    yield harness
    harness.close()


# the number, and where the refusal points (a number too long to read refuses its envelope's
# `body`, as the HTTP API refuses the body it cannot read)
NUMBERS = {
    "2^70": (str(1 << 70), "code"),
    "-2^64": (str(-(1 << 64)), "code"),
    "5000 digits": ("9" * 5000, "body"),
}


@pytest.mark.parametrize(("number", "field"), list(NUMBERS.values()), ids=list(NUMBERS))
@pytest.mark.parametrize("request_id", [None, "req-1"], ids=["plain", "with request_id"])
async def test_a_number_too_large_for_a_field_is_refused_naming_the_field(
    hub: Harness, number: str, field: str, request_id: str | None
) -> None:
    device_id, _ = hub.add_lock()
    envelope = f'"request_id": "{request_id}", ' if request_id else ""
    payload = (
        f'{{"route": "/access_codes/create", {envelope}'
        f'"body": {{"device_id": "{device_id}", "name": "Guest", "code": {number}}}}}'
    )
    with pytest.raises(ApiError) as refused:  # as the bridge reads a request's payload
        await api.answer(hub.services, decode_object(payload.encode()))
    assert refused.value.status == 400
    assert field in refused.value.body()["error"]["validation_errors"]
    assert hub.store.conn.execute("SELECT count(*) FROM access_codes").fetchone()[0] == 0
