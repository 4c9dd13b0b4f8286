"""The Seam-shaped API over MQTT 5 request/response: a request names a route of the API's table
(gateway.calls) and carries what an HTTP request would, a JSON `body` or a GET's `query` as
ordered [key, value] pairs; the answer is what the HTTP API answers for it (status and body).
A `request_id` makes a request that changes something idempotent (service/api_answers.py).
Our own HTTP API is never called."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import orjson

from gateway.calls.call import RequestCall, Route, succeeded
from gateway.calls.table import BY_PATH
from gateway.service.api_answers import MAX_REQUEST_ID, Answered, ApiAnswers, Requested
from gateway.service.bundle import Services
from gateway.wire.errors import ApiError, invalid

Answer = dict[str, Any]


@dataclass(frozen=True)
class Request:
    route: Route
    call: RequestCall
    request_id: str | None
    fingerprint: str  # a digest of the parameters: one request_id, one request


def _fingerprint(parameters: object) -> str:
    """orjson's encoding where it can (what recorded answers were fingerprinted with); the
    standard library's for what orjson cannot write (an integer beyond 64 bits, a number of too
    many digits), which the route's model then refuses as it would over HTTP."""
    try:
        encoded = orjson.dumps(parameters, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError
        encoded = json.dumps(parameters, sort_keys=True, default=repr).encode()
    return hashlib.sha256(encoded).hexdigest()


def _query(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not all(
        isinstance(pair, list)
        and len(pair) == 2
        and isinstance(pair[0], str)
        and isinstance(pair[1], str)
        for pair in value
    ):
        raise invalid("query", "must be a list of [key, value] pairs of strings")
    return [(key, text) for key, text in value]


def read(svc: Services, request: Any) -> Request:
    """The request's route, its parameters as a Call, its request_id; refused naming the field
    otherwise."""
    if not isinstance(request, dict):
        raise ApiError(
            "invalid_input",
            "The request must be a JSON object naming route and body",
            validation_errors={"_errors": ["Expected object"]},
        )
    path = request.get("route")
    if not isinstance(path, str) or path not in BY_PATH:
        raise invalid("route", "not a route of the hub's API (e.g. /access_codes/create)")
    request_id = request.get("request_id")
    if request_id is not None and not (
        isinstance(request_id, str) and 1 <= len(request_id) <= MAX_REQUEST_ID
    ):
        raise invalid("request_id", f"must be a string of 1 to {MAX_REQUEST_ID} characters")
    if "query" in request:
        if "body" in request:
            raise invalid("query", "a request carries a body or a query, not both")
        query = _query(request["query"])
        call = RequestCall(svc, query=query)
        return Request(BY_PATH[path], call, request_id, _fingerprint({"query": query}))
    body = request.get("body", {})
    if not isinstance(body, dict):
        raise invalid("body", "must be a JSON object")
    call = RequestCall(svc, body=body)
    return Request(BY_PATH[path], call, request_id, _fingerprint({"body": body}))


async def answer(svc: Services, request: Any) -> Answered:
    """The answer to one decoded request (refusals raise ApiError). A request_id on a route
    that changes something: its run and the record of its answer are one transaction."""
    found = read(svc, request)
    answers = ApiAnswers(svc.store, svc.clock)
    route, request_id = found.route, found.request_id
    if request_id is None or route.read_only:
        return Answered(200, succeeded(await route.answer(found.call)), replayed=False)
    requested = Requested(request_id, route.path, found.fingerprint)
    run = route.run
    if run is not None:
        return answers.run_once(requested, lambda: succeeded(run(found.call)))
    # A route that waits (a simulated lock) cannot hold a transaction open across its await:
    # its answer is recorded once it has one (a retry then gets it; a hub that died before
    # recording runs it again).
    earlier = answers.recorded(requested)
    if earlier is not None:
        return earlier
    body = succeeded(await route.answer(found.call))
    answers.record(requested, body)
    return Answered(200, body, replayed=False)
