"""Idempotent requests on the hub's store: the run and the record of its answer commit
together; the same request_id gets the recorded answer; another route's id is refused; a
refusal is not recorded; answers go after 24 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gateway.clock import ManualClock
from gateway.service.api_answers import ApiAnswers, Requested
from gateway.service.retention import prune_once
from gateway.store.db import Store
from gateway.wire.errors import ApiError, invalid

NOW = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)


def _count(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _creating(store: Store, name: str) -> Any:
    def run() -> dict[str, Any]:
        with store.transaction() as conn:  # a service's own transaction: a savepoint here
            conn.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", (name,))
        return {"created": name, "ok": True}

    return run


def test_the_same_request_id_gets_the_recorded_answer_without_running_again(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path)
    answers = ApiAnswers(store, ManualClock(NOW))
    first = answers.run_once(Requested("r-1", "/x/create", "p"), _creating(store, "t.one"))
    again = answers.run_once(Requested("r-1", "/x/create", "p"), _creating(store, "t.two"))
    assert (first.status, first.replayed) == (200, False)
    assert (again.body, again.replayed) == (first.body, True)
    assert store.get_meta("t.one") == "x" and store.get_meta("t.two") is None


def test_a_request_id_of_another_route_is_refused_naming_it(tmp_path: Path) -> None:
    store = Store(tmp_path)
    answers = ApiAnswers(store, ManualClock(NOW))
    answers.run_once(Requested("r-1", "/x/create", "p"), _creating(store, "t.one"))
    with pytest.raises(ApiError) as refused:
        answers.run_once(Requested("r-1", "/x/delete", "p"), _creating(store, "t.two"))
    assert refused.value.status == 409 and refused.value.error_type == "request_id_reused"
    assert "request_id" in (refused.value.validation_errors or {})
    assert store.get_meta("t.two") is None


def test_a_request_id_of_the_same_route_with_other_parameters_is_refused(tmp_path: Path) -> None:
    """A client reusing a key by mistake (another PIN, another lock) must not be told that its
    second request succeeded with the first one's answer."""
    store = Store(tmp_path)
    answers = ApiAnswers(store, ManualClock(NOW))
    answers.run_once(Requested("r-1", "/x/create", "p"), _creating(store, "t.one"))
    with pytest.raises(ApiError) as refused:
        answers.run_once(Requested("r-1", "/x/create", "q"), _creating(store, "t.two"))
    assert refused.value.status == 409 and refused.value.error_type == "request_id_reused"
    assert "another /x/create request" in refused.value.message
    assert store.get_meta("t.two") is None


def test_a_refused_request_applies_nothing_and_is_not_recorded(tmp_path: Path) -> None:
    store = Store(tmp_path)
    answers = ApiAnswers(store, ManualClock(NOW))

    def refusing() -> dict[str, Any]:
        _creating(store, "t.half")()
        raise invalid("code", "too short")

    with pytest.raises(ApiError):
        answers.run_once(Requested("r-1", "/x/create", "p"), refusing)
    assert store.get_meta("t.half") is None and _count(store, "api_answers") == 0
    later = answers.run_once(Requested("r-1", "/x/create", "p"), _creating(store, "t.one"))
    assert later.replayed is False and store.get_meta("t.one") == "x"


def test_answers_are_kept_24_hours(tmp_path: Path) -> None:
    store = Store(tmp_path)
    clock = ManualClock(NOW - timedelta(hours=25))
    ApiAnswers(store, clock).run_once(Requested("old", "/x/create", "p"), _creating(store, "t.old"))
    clock = ManualClock(NOW - timedelta(hours=23))
    ApiAnswers(store, clock).run_once(Requested("new", "/x/create", "p"), _creating(store, "t.new"))
    assert prune_once(store, ManualClock(NOW), timedelta(days=30)) == 1
    left = [r[0] for r in store.conn.execute("SELECT request_id FROM api_answers")]
    assert left == ["new"]
