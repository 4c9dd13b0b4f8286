"""A list must show the codes as ONE moment of the store shows them, even while another process
(the owner's CLI, `lockgw codes ...`) commits between the list's reads: the page
(page_revisions: which codes match, at which revision), what their locks' pools offer, and
the rows of the codes not rendered before (at_seqs). Before #21 a page was one SELECT."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import orjson
import pytest

from gateway.calls import access_codes as calls
from gateway.calls.call import RequestCall
from gateway.store import access_codes
from gateway.wire import views
from tests.support.harness import START, Harness

H = timedelta(hours=1)


def _listed(hub: Harness, **params: Any) -> list[dict[str, Any]]:
    answer = calls.list_codes(RequestCall(hub.services, body=orjson.dumps(params)))
    found: list[dict[str, Any]] = orjson.loads(orjson.dumps(answer))["access_codes"]
    return found


def _fresh(hub: Harness, **filters: Any) -> list[dict[str, Any]]:
    """The page as one read of the store renders it, nothing reused."""
    svc = hub.services
    codes, _ = access_codes.page(hub.store.conn, managed=True, limit=1000, **filters)
    backups = svc.access_codes.backups_available(codes)
    rendered = [
        views.access_code(c, svc.workspace_id, backup_available=c.access_code_id in backups)
        for c in codes
    ]
    found: list[dict[str, Any]] = orjson.loads(orjson.dumps(rendered))
    return found


@pytest.fixture
def between_the_reads(
    hub: Harness, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str, tuple[object, ...]], None]]:
    """Commit `sql` from another connection (another process) just before the list reads the
    rows of the codes it has not rendered yet."""
    other = sqlite3.connect(hub.store.path, isolation_level=None)
    planned: list[tuple[str, tuple[object, ...]]] = []
    original = access_codes.at_seqs

    def at_seqs(conn: sqlite3.Connection, seqs: Any) -> Any:
        while planned:
            other.execute(*planned.pop())
        return original(conn, seqs)

    monkeypatch.setattr(access_codes, "at_seqs", at_seqs)
    yield lambda sql, params: planned.append((sql, params))
    other.close()


def test_a_search_lists_only_codes_whose_name_matches_even_while_another_process_renames_one(
    hub: Harness, between_the_reads: Callable[[str, tuple[object, ...]], None]
) -> None:
    device_id, _ = hub.add_lock()
    code = hub.create(device_id, name="Alice", code="4817")
    before = _fresh(hub, search="Alice")
    between_the_reads(
        "UPDATE access_codes SET name = 'Bob' WHERE access_code_id = ?", (code.access_code_id,)
    )
    listed = _listed(hub, search="Alice")
    after = _fresh(hub, search="Alice")
    assert after == []
    # served: a code named "Bob" as a match for "Alice" (no single moment of the store shows it)
    assert listed in (before, after), [c["name"] for c in listed]


async def test_an_ongoing_code_never_shows_its_backup_as_available_while_another_process_edits_it(
    hub: Harness, between_the_reads: Callable[[str, tuple[object, ...]], None]
) -> None:
    device_id, _ = hub.add_lock()
    code = hub.create(
        device_id,
        code="4817",
        starts_at=START,
        ends_at=START + 48 * H,
        use_backup_access_code_pool=True,
    )
    await hub.settle(device_id)  # the pool is ready: the time-bound code's backup is available
    before = _fresh(hub, device_ids=[device_id])
    assert [c["is_backup_access_code_available"] for c in before] == [True]
    between_the_reads(
        "UPDATE access_codes SET ends_at = NULL WHERE access_code_id = ?", (code.access_code_id,)
    )
    listed = _listed(hub, device_id=device_id)
    after = _fresh(hub, device_ids=[device_id])
    assert [(c["type"], c["is_backup_access_code_available"]) for c in after] == [
        ("ongoing", False)
    ]
    # served: ("ongoing", True), the row read second with the availability of the row read first
    assert listed in (before, after), [
        (c["type"], c["is_backup_access_code_available"]) for c in listed
    ]
