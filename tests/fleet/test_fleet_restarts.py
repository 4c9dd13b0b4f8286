"""A peer dies in the middle of a call: the hub after it stored the code and before its answer
got out, or the front the client was talking to. The call fails clearly (or succeeds), never
hangs, and the client retrying with the same Idempotency-Key gets the code the hub made, once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.fleet.conftest import Fleet, answered, codes_named, front_http, online_hubs
from tests.support.tcp_proxy import Direction
from tests.support.wait import eventually

pytestmark = pytest.mark.e2e


class InFlight:
    """A call running in a thread: its answer, or what it raised."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], Any]) -> None:
        try:
            self.result = call()
        except BaseException as exc:  # handed to the test
            self.error = exc

    def outcome(self, timeout: float) -> Any:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"the call still hangs after {timeout} s"
        return self.result


def test_a_create_while_its_hub_restarts_gives_one_code_to_a_client_that_retries(
    healthy: Fleet, tag: str
) -> None:
    hub, proxy, front = healthy.hubs["hub-a"], healthy.proxies["hub-a"], healthy.fronts[0]
    create = {"device_id": healthy.devices["hub-a"][0], "name": f"{tag} restart"}
    key = {"Idempotency-Key": f"{tag}-restart"}
    proxy.black_hole(Direction.UP)  # the request reaches the hub; its answer does not get out
    with front_http(front) as raw:
        call = InFlight(lambda: raw.post("/access_codes/create", json=create, headers=key))
        made = eventually(lambda: codes_named(hub, tag), timeout=10)  # stored on the hub
        hub.kill()
        proxy.restore()  # the dead hub's connection is closed: the broker says it is offline
        hub.start()

        first = call.outcome(timeout=15)
        assert isinstance(first, httpx.Response)
        assert first.status_code in (200, 503, 504), first.text
        if first.status_code != 200:  # a clear refusal naming the hub, not an internal error
            assert first.json()["error"]["type"] in ("hub_unreachable", "hub_timeout")
            assert "hub-a" in first.json()["error"]["message"]
        eventually(lambda: "hub-a" in online_hubs(front), timeout=30)
        again = eventually(lambda: answered(raw, "/access_codes/create", create, key))
    assert again.json()["access_code"]["access_code_id"] == made[0]
    assert codes_named(hub, tag) == made  # one code, not two


def test_a_front_killed_mid_call_fails_the_call_and_the_other_front_gives_the_first_answer(
    healthy: Fleet, tag: str
) -> None:
    hub, proxy = healthy.hubs["hub-b"], healthy.proxies["hub-b"]
    front_a, front_b = healthy.fronts
    create = {"device_id": healthy.devices["hub-b"][0], "name": f"{tag} front died"}
    key = {"Idempotency-Key": f"{tag}-front"}
    proxy.black_hole(Direction.UP)  # the hub's answer waits in the network
    with front_http(front_a) as raw_a:
        call = InFlight(lambda: raw_a.post("/access_codes/create", json=create, headers=key))
        made = eventually(lambda: codes_named(hub, tag), timeout=10)
        front_a.kill()
        assert call.outcome(timeout=10) is None
        assert isinstance(call.error, httpx.TransportError)  # the connection dropped
    proxy.restore()  # the answer reaches the broker, for a front that is gone

    with front_http(front_b) as raw_b:
        again = eventually(lambda: answered(raw_b, "/access_codes/create", create, key))
    assert again.json()["access_code"]["access_code_id"] == made[0]
    assert codes_named(hub, tag) == made
