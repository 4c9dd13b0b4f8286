"""The API's route table, as both surfaces run it: each route declared in gateway/wire/routes.py
bound to its handler. The HTTP API adds each route at its path and methods; the MQTT API answers
a request naming the route's path."""

from __future__ import annotations

from gateway.calls import access_codes, devices, grants, identities, simulate, webhooks, workspaces
from gateway.calls.call import Route
from gateway.wire import routes

ROUTES: list[Route] = [
    *access_codes.ROUTES,
    *devices.ROUTES,
    *simulate.ROUTES,
    *webhooks.ROUTES,
    *workspaces.ROUTES,
    *grants.ROUTES,
    *identities.ROUTES,
]
BY_PATH: dict[str, Route] = {route.path: route for route in ROUTES}
assert len(BY_PATH) == len(ROUTES), "a path is routed twice"
assert set(BY_PATH) == set(routes.BY_PATH), "a declared route has no handler, or the reverse"
