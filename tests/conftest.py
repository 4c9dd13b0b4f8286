"""Fixtures every suite shares."""

from __future__ import annotations

import pytest

from tests.support.openapi import SeamOpenApi


@pytest.fixture(scope="session")
def openapi() -> SeamOpenApi:
    """Seam's published OpenAPI document (npm @seamapi/types, pinned in tests/contract/)."""
    return SeamOpenApi.load()
