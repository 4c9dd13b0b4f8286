"""A request's parameters as a model: the pure conversion lives in gateway.wire.params (a fleet
front reads requests with it too); the calls use it from here."""

from __future__ import annotations

from gateway.wire.params import (
    IGNORED_QUERY_KEYS,
    Query,
    from_body,
    from_query,
    query_is_empty,
    query_to_dict,
    validate,
)

__all__ = [
    "IGNORED_QUERY_KEYS",
    "Query",
    "from_body",
    "from_query",
    "query_is_empty",
    "query_to_dict",
    "validate",
]
