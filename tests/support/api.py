"""Small helpers for tests that talk plain HTTP to the daemon."""

from __future__ import annotations

import httpx

from tests.support import secrets_seen
from tests.support.daemon import Daemon


def _remember(response: httpx.Response) -> None:
    response.read()
    if response.headers.get("content-type", "").startswith("application/json"):
        secrets_seen.saw_body(response.json())


def client_for(daemon: Daemon) -> httpx.Client:
    return httpx.Client(
        base_url=daemon.url,
        headers={"Authorization": f"Bearer {daemon.key}"},
        event_hooks={"response": [_remember]},
    )


def code_status(client: httpx.Client, access_code_id: str) -> str:
    body = client.get("/access_codes/get", params={"access_code_id": access_code_id}).json()
    return str(body["access_code"]["status"])
