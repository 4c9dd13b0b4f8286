"""Fixtures every suite shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import secrets_seen
from tests.support.openapi import SeamOpenApi


@pytest.fixture(scope="session")
def openapi() -> SeamOpenApi:
    """Seam's published OpenAPI document (npm @seamapi/types, pinned in tests/contract/)."""
    return SeamOpenApi.load()


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_daemon_log() -> Iterator[None]:
    """At the session's end: no log of any daemon the suite ran holds a PIN (pool codes
    included) or an API key the suite created, whatever its level."""
    yield
    leaks = secrets_seen.leaks()
    assert not leaks, f"{len(leaks)} log lines hold a secret, e.g. {leaks[:3]}"
