"""Small helpers for tests that talk plain HTTP to the daemon."""

from __future__ import annotations

import httpx

from tests.support.daemon import Daemon


def client_for(daemon: Daemon) -> httpx.Client:
    return httpx.Client(base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"})


def code_status(client: httpx.Client, access_code_id: str) -> str:
    body = client.get("/access_codes/get", params={"access_code_id": access_code_id}).json()
    return str(body["access_code"]["status"])
