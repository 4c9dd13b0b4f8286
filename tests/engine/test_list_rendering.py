"""A list reuses what it rendered of unchanged codes (gateway/wire/rendered.py): whatever changes
a code (the API, the reconciler, the lock's pool filling up, a deletion), the next list shows it
exactly as a fresh rendering from the store would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson

from gateway.calls import access_codes as calls
from gateway.calls.call import RequestCall
from gateway.domain.models import AccessCode
from gateway.store import access_codes
from gateway.wire import views
from gateway.wire.rendered import RenderedCodes
from tests.support.harness import START, Harness

H = timedelta(hours=1)


def _listed(hub: Harness, **params: Any) -> list[dict[str, Any]]:
    """The list as the API answers it (encoded, as the HTTP and MQTT APIs do)."""
    answer = calls.list_codes(RequestCall(hub.services, body=orjson.dumps(params)))
    found: list[dict[str, Any]] = orjson.loads(orjson.dumps(answer))["access_codes"]
    return found


def _fresh(hub: Harness, device_id: str) -> list[dict[str, Any]]:
    """The same page rendered from the store, nothing reused."""
    svc = hub.services
    codes, _ = access_codes.page(hub.store.conn, managed=True, device_ids=[device_id], limit=1000)
    backups = svc.access_codes.backups_available(codes)
    rendered = [
        views.access_code(c, svc.workspace_id, backup_available=c.access_code_id in backups)
        for c in codes
    ]
    found: list[dict[str, Any]] = orjson.loads(orjson.dumps(rendered))
    return found


def _stay(hub: Harness, device_id: str, pin: str) -> AccessCode:
    """A guest's time-bound code that asks for the lock's backup pool."""
    ends_at = START + 48 * H
    return hub.create(
        device_id, code=pin, starts_at=START, ends_at=ends_at, use_backup_access_code_pool=True
    )


def _same_as_fresh(hub: Harness, device_id: str) -> list[dict[str, Any]]:
    listed = _listed(hub, device_id=device_id)
    assert listed == _fresh(hub, device_id)
    return listed


async def test_a_listed_code_shows_every_change_made_since_the_last_list(hub: Harness) -> None:
    device_id, _ = hub.add_lock()
    first = hub.create(device_id, name="First", code="4817")
    second = hub.create(device_id, name="Second", code="5928")
    assert [c["status"] for c in _same_as_fresh(hub, device_id)] == ["setting", "setting"]
    assert len(hub.services.rendered_codes) == 2

    await hub.settle(device_id)  # the reconciler writes both: their rows change
    assert [c["status"] for c in _same_as_fresh(hub, device_id)] == ["set", "set"]

    hub.update(first.access_code_id, name="Renamed", code="6039")
    listed = _same_as_fresh(hub, device_id)
    assert [(c["name"], c["code"]) for c in listed] == [("Renamed", "6039"), ("Second", "5928")]

    hub.delete(second.access_code_id)
    await hub.settle(device_id)
    assert [c["access_code_id"] for c in _same_as_fresh(hub, device_id)] == [first.access_code_id]


async def test_a_code_listed_twice_unchanged_is_served_as_rendered_the_first_time(
    hub: Harness,
) -> None:
    device_id, _ = hub.add_lock()
    hub.create(device_id, name="Front", code="4817")
    await hub.settle(device_id)
    before = _same_as_fresh(hub, device_id)
    kept = dict(hub.services.rendered_codes._kept)
    assert _same_as_fresh(hub, device_id) == before
    assert dict(hub.services.rendered_codes._kept) == kept  # nothing rendered again


async def test_a_codes_backup_shows_as_available_once_its_locks_pool_is_ready(
    hub: Harness,
) -> None:
    device_id, _ = hub.add_lock()
    _stay(hub, device_id, "4817")
    assert [c["is_backup_access_code_available"] for c in _same_as_fresh(hub, device_id)] == [False]
    await hub.settle(device_id)  # the pool is programmed: the code's own row may not change
    assert [c["is_backup_access_code_available"] for c in _same_as_fresh(hub, device_id)] == [True]


async def test_a_code_whose_backup_was_pulled_keeps_showing_it_available_with_the_pool_empty(
    hub: Harness,
) -> None:
    device_id, _ = hub.add_lock()
    guest, other = (_stay(hub, device_id, pin) for pin in ("4817", "5928"))
    await hub.settle(device_id)
    assert [c["is_backup_access_code_available"] for c in _same_as_fresh(hub, device_id)] == [
        True,
        True,
    ]
    hub.services.backup_pool.pull(guest.access_code_id)
    # the pool runs dry (nothing refilled yet): only a code whose backup was pulled keeps one
    hub.store.conn.execute(
        "UPDATE access_codes SET status = 'setting' WHERE pool_state = 'pool' AND device_id = ?",
        (device_id,),
    )
    listed = {c["access_code_id"]: c for c in _same_as_fresh(hub, device_id)}
    assert listed[guest.access_code_id]["is_backup_access_code_available"] is True
    assert listed[other.access_code_id]["is_backup_access_code_available"] is False
    pulled = [c for c in listed.values() if c["is_backup"]]
    assert [c["is_backup_access_code_available"] for c in pulled] == [False]


async def test_a_pool_flag_written_by_hand_as_any_true_value_counts_as_on(hub: Harness) -> None:
    """As `Device.has_pool` (and so a pull) reads it: any non-zero value is on."""
    device_id, _ = hub.add_lock()
    _stay(hub, device_id, "4817")
    await hub.settle(device_id)
    hub.store.conn.execute("UPDATE devices SET backup_access_code_pool_enabled = 2")
    assert [c["is_backup_access_code_available"] for c in _same_as_fresh(hub, device_id)] == [True]


async def test_a_change_the_store_makes_without_the_api_is_listed(hub: Harness) -> None:
    """Any UPDATE of the row counts (here a rename written straight to the store)."""
    device_id, _ = hub.add_lock()
    code = hub.create(device_id, name="Front", code="4817")
    _same_as_fresh(hub, device_id)
    hub.store.conn.execute(
        "UPDATE access_codes SET name = 'Back' WHERE access_code_id = ?", (code.access_code_id,)
    )
    assert [c["name"] for c in _same_as_fresh(hub, device_id)] == ["Back"]


def test_the_least_recently_listed_renderings_go_first_beyond_the_capacity() -> None:
    kept = RenderedCodes(capacity=2)
    one, two, three = (orjson.Fragment(b"{}") for _ in range(3))
    kept.keep(("w", 1, 0, 0), one)
    kept.keep(("w", 2, 0, 0), two)
    assert kept.get_many([("w", 1, 0, 0)]) == [one]  # listed again: now the most recent
    kept.keep(("w", 3, 0, 0), three)
    assert len(kept) == 2
    assert kept.get_many([("w", 2, 0, 0), ("w", 1, 0, 0), ("w", 3, 0, 0)]) == [None, one, three]
