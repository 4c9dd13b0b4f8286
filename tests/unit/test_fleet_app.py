"""The front's HTTP surface (gateway.fleet.app) over hubs that answer in-process: auth and
error shapes as a hub's, the Idempotency-Key as the request id, the hub headers, and the next
page's URL on the front."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from gateway.fleet.app import MAX_BODY_BYTES, Front, build_app
from gateway.fleet.webhooks import FrontWebhooks
from gateway.service.front_keys import FrontKeys
from gateway.store import api_keys
from tests.unit.test_fleet_forward import Fleet, knows, paged, silent


async def _no_publish(_payload: bytes) -> None:
    raise AssertionError("no webhook is written here")


@pytest.fixture
def keys(tmp_path: Path) -> FrontKeys:
    return FrontKeys(tmp_path / "front")


@pytest.fixture
def key(keys: FrontKeys) -> str:
    with keys.store.transaction() as conn:
        _, plain = api_keys.create(conn, "tests", datetime.now(UTC))
    return plain


@pytest.fixture
def fleet() -> Fleet:
    fleet = Fleet(
        {
            "villa-1": paged([1, 2, 3]),
            "villa-2": knows({"device": {"device_id": "d2"}}),
            "villa-3": silent,
        },
        retry_after=0.05,
        give_up_after=0.1,
    )
    fleet.announce("villa-2", "d2")
    fleet.directory.on_status("villa-3", b"offline")
    return fleet


@pytest.fixture
async def client(fleet: Fleet, keys: FrontKeys, key: str) -> AsyncIterator[TestClient[Any, Any]]:
    front = Front(fleet.forwarder, fleet.directory, FrontWebhooks(_no_publish), keys, lambda: True)
    async with TestClient(TestServer(build_app(front))) as test_client:
        test_client.session.headers["Authorization"] = f"Bearer {key}"
        yield test_client
    keys.close()


async def error_of(response: Any) -> tuple[int, str]:
    body = await response.json()
    assert body["ok"] is False
    return response.status, body["error"]["type"]


async def test_a_missing_or_unknown_key_is_401_as_a_hub_answers(
    client: TestClient[Any, Any],
) -> None:
    wrong = await client.post("/devices/get", json={}, headers={"Authorization": "Bearer seam_x"})
    assert await error_of(wrong) == (401, "unauthorized")
    health = await client.get("/health", headers={"Authorization": ""})
    assert health.status == 200 and (await health.json())["hubs_online"] == 2


async def test_a_body_over_the_hubs_limit_is_413(client: TestClient[Any, Any]) -> None:
    big = b'{"name": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = await client.post("/devices/get", data=big)
    assert await error_of(response) == (413, "request_too_large")


async def test_a_single_hub_answer_names_its_hub(client: TestClient[Any, Any]) -> None:
    response = await client.get("/devices/get", params={"device_id": "d2"})
    assert response.status == 200 and response.headers["Lockgw-Hub"] == "villa-2"


async def test_a_call_for_an_offline_hub_is_503_naming_it(
    client: TestClient[Any, Any], fleet: Fleet
) -> None:
    fleet.announce("villa-3", "d3")
    response = await client.post("/locks/unlock_door", json={"device_id": "d3"})
    assert await error_of(response) == (503, "hub_unreachable")
    assert not fleet.sent  # nothing was sent: nothing is queued either


async def test_the_idempotency_key_becomes_the_request_id_hashed_with_the_key_id(
    client: TestClient[Any, Any], fleet: Fleet, key: str
) -> None:
    await client.post(
        "/devices/update", json={"device_id": "d2"}, headers={"Idempotency-Key": "abc"}
    )
    key_id = key.removeprefix(api_keys.PREFIX).split("_")[0]
    expected = hashlib.sha256(f"{key_id}:abc".encode()).hexdigest()
    assert fleet.sent[-1][1]["request_id"] == expected


async def test_a_list_across_hubs_pages_with_the_fronts_own_url_and_names_the_left_out(
    client: TestClient[Any, Any],
) -> None:
    response = await client.get("/access_codes/list", params={"limit": "2"})
    body = await response.json()
    assert body["access_codes"] == [1, 2]
    assert response.headers["Lockgw-Hubs-Unreachable"] == "villa-3"
    cursor = body["pagination"]["next_page_cursor"]
    assert body["pagination"]["next_page_url"] == str(
        client.make_url("/access_codes/list").with_query(limit="2", page_cursor=cursor)
    )
    next_url = URL(body["pagination"]["next_page_url"])
    following = await (await client.get(next_url.path_qs)).json()
    assert following["access_codes"] == [3]


async def test_a_path_no_hub_has_is_endpoint_not_found(client: TestClient[Any, Any]) -> None:
    response = await client.post("/no/such/route/at/all", json={})
    assert await error_of(response) == (404, "endpoint_not_found")


async def test_a_method_the_route_does_not_take_is_405_and_nothing_is_sent(
    client: TestClient[Any, Any], fleet: Fleet
) -> None:
    response = await client.get("/access_codes/create", params={"device_id": "d2", "code": "1234"})
    assert await error_of(response) == (405, "method_not_allowed")
    assert response.headers["Allow"] == "POST"
    assert not fleet.sent


async def test_a_cloud_only_path_is_refused_with_the_reason_as_a_hub_refuses_it(
    client: TestClient[Any, Any],
) -> None:
    response = await client.post("/thermostats/list", json={})
    assert await error_of(response) == (400, "not_available_on_local_hub")


async def test_a_bad_parameter_is_refused_by_the_front_naming_it_before_any_hub_is_asked(
    client: TestClient[Any, Any], fleet: Fleet
) -> None:
    for path, body, field in [
        ("/devices/list", {"limit": "2"}, "limit"),
        ("/devices/list", {"page_cursor": 5}, "page_cursor"),
        ("/access_codes/create", {"code": "1234"}, "device_id"),
        ("/access_codes/create", {"device_id": 5}, "device_id"),
        ("/events/list", {"unstable_offset": -1}, "unstable_offset"),
    ]:
        response = await client.post(path, json=body)
        assert await error_of(response) == (400, "invalid_input"), path
        assert field in (await response.json())["error"]["validation_errors"], path
    assert not fleet.sent


async def test_an_idempotency_key_a_hub_says_was_used_for_another_route_is_named_as_sent(
    client: TestClient[Any, Any], fleet: Fleet
) -> None:
    def reused(_request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        error = {
            "type": "request_id_reused",
            "message": "request_id 'ab12' was already used for another route: ...",
            "validation_errors": {"request_id": {"_errors": ["already used for another route"]}},
        }
        return 409, {"error": error, "ok": False}

    fleet.hubs["villa-2"] = reused
    response = await client.post(
        "/devices/update", json={"device_id": "d2"}, headers={"Idempotency-Key": "k1"}
    )
    body = await response.json()
    assert (response.status, body["error"]["type"]) == (409, "idempotency_key_reused")
    assert list(body["error"]["validation_errors"]) == ["_errors", "Idempotency-Key"]
    assert "request_id" not in str(body) and "ab12" not in str(body)
