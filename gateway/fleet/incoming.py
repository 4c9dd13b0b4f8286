"""A call as the front received it, read as a hub reads it (gateway/wire/params.py), and the
answer the front gives back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from gateway.wire.params import from_body, from_query
from gateway.wire.routes import Declared


@dataclass(frozen=True)
class Incoming:
    """A call as the front received it: a JSON body, or a GET's query string as pairs."""

    route: str
    body: dict[str, Any] | None = None
    query: tuple[tuple[str, str], ...] | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    hub_named: str | None = None
    keyed: bool = False  # the request id is the client's Idempotency-Key

    def fields(self, declared: Declared) -> dict[str, Any]:
        """The call's parameters validated with the route's model exactly as a hub validates
        them (invalid_input naming the field otherwise), as a dict of the ones set."""
        if self.query is not None:
            params = from_query(self.query, declared.model)
        else:
            params = from_body(self.body or {}, declared.model)
        return params.model_dump(exclude_none=True)

    def payload(self, **changes: Any) -> dict[str, Any]:
        """The request a hub is sent; `changes` set (or, with None, drop) parameters."""
        message: dict[str, Any] = {"route": self.route, "request_id": self.request_id}
        if self.body is not None or self.query is None:
            body = dict(self.body or {})
            for key, value in changes.items():
                body.pop(key, None)
                if value is not None:
                    body[key] = value
            message["body"] = body
        else:
            pairs = [[k, v] for k, v in self.query if k not in changes]
            pairs += [[k, str(v)] for k, v in changes.items() if v is not None]
            message["query"] = pairs
        return message

    def fresh(self) -> Incoming:
        """The same call under a new request id (read-only asks of several hubs)."""
        return Incoming(self.route, self.body, self.query, uuid.uuid4().hex, self.hub_named)


@dataclass(frozen=True)
class Outgoing:
    status: int
    body: dict[str, Any]
    hub_id: str | None = None  # the hub that answered (header Lockgw-Hub)
    unreachable: tuple[str, ...] = ()  # left out (header Lockgw-Hubs-Unreachable)
