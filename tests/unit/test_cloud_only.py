"""Which unrouted paths are cloud calls the hub refuses on purpose, and with which reason."""

from __future__ import annotations

import pytest

from gateway.wire.cloud_only import ACS, UNMANAGED_GRANTS, cloud_only_reason


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/acs/users/list", ACS),
        ("/acs", ACS),
        ("/user_identities/list_acs_users", ACS),
        ("/access_grants/unmanaged/get", UNMANAGED_GRANTS),
    ],
)
def test_a_cloud_call_gets_the_reason_of_its_longest_prefix(path: str, reason: str) -> None:
    assert cloud_only_reason(path) == reason


@pytest.mark.parametrize("path", ["/", "/access_codes/lst", "/acsx/list", "/favicon.ico"])
def test_a_path_that_is_no_cloud_call_is_plainly_not_found(path: str) -> None:
    assert cloud_only_reason(path) is None
