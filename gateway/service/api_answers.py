"""Idempotent API requests (docs/FLEET.md): a request carrying a `request_id` to a route that
changes something runs in ONE store transaction that also records its answer; the same id again
for the same route gets the recorded answer without running anything (a retried create never
creates twice, even when the hub died after committing and before answering); the same id for
another route, or with other parameters, is refused 409 `request_id_reused` (a client reusing
a key by mistake must not get an answer to another request). Refusals (4xx) are not recorded:
nothing was applied, and the same request may succeed later."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from gateway.clock import Clock
from gateway.store import api_answers
from gateway.store.db import Store
from gateway.wire.errors import ApiError

KEPT_FOR = timedelta(hours=24)
MAX_REQUEST_ID = 64


@dataclass(frozen=True)
class Answered:
    status: int
    body: dict[str, Any]
    replayed: bool


@dataclass(frozen=True)
class Requested:
    """What identifies one request: its id, its route, and a digest of its parameters."""

    request_id: str
    route: str
    fingerprint: str


def _reused(request_id: str, why: str) -> ApiError:
    return ApiError(
        "request_id_reused",
        f"request_id {request_id!r} was already used {why}: a new request needs a new id",
        status=409,
        validation_errors={"request_id": {"_errors": [f"already used {why}"]}},
    )


class ApiAnswers:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def recorded(self, request: Requested) -> Answered | None:
        """The answer already given to this request, if any (409 when the id was another
        route's, or the same route's with other parameters)."""
        found = api_answers.find(self.store.conn, request.request_id)
        if found is None:
            return None
        if found.route != request.route:
            raise _reused(request.request_id, f"for {found.route}")
        if found.fingerprint != request.fingerprint:
            raise _reused(request.request_id, f"for another {found.route} request")
        return Answered(found.status, found.body, replayed=True)

    def run_once(self, request: Requested, run: Callable[[], dict[str, Any]]) -> Answered:
        """`run` (synchronous: nothing else may enter the transaction) and the record of its
        answer, committed together; or the recorded answer, with nothing run."""
        with self.store.transaction() as conn:
            earlier = self.recorded(request)
            if earlier is not None:
                return earlier
            body = run()  # its own transactions are savepoints in this one
            self._record(conn, request, body)
        return Answered(200, body, replayed=False)

    def record(self, request: Requested, body: dict[str, Any]) -> None:
        """The answer of a request that had to wait (it could not run in one transaction):
        recorded after the fact, so a retry after the answer is replayed."""
        with self.store.transaction() as conn:
            if api_answers.find(conn, request.request_id) is None:
                self._record(conn, request, body)

    def _record(self, conn: sqlite3.Connection, request: Requested, body: dict[str, Any]) -> None:
        api_answers.record(
            conn,
            request.request_id,
            request.route,
            request.fingerprint,
            200,
            body,
            self.clock.now(),
        )
