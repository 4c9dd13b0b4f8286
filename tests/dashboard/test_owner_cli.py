"""The owner's terminal side of the dashboard: `lockgw status` and the password offer of
`lockgw init`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from seam import Seam

from gateway.clock import SystemClock
from gateway.service.owner import OwnerAccess
from gateway.store.db import Store
from tests.dashboard.conftest import counts_from_api, settled_codes
from tests.support.daemon import Daemon


def _lockgw(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_status_shows_every_lock_as_the_overview_does(
    dashboard: Daemon, seam: Seam, locks: dict[str, str]
) -> None:
    seam.access_codes.create(device_id=locks["Garage"], name="For the status")
    codes = settled_codes(seam, locks)
    done = _lockgw("status", "--data-dir", str(dashboard.data_dir), "--json")
    assert done.returncode == 0, done.stderr
    rows = {row["device_id"]: row for row in json.loads(done.stdout)}
    assert {row["name"] for row in rows.values()} == set(locks)
    for device_id, found in codes.items():
        expected = counts_from_api(found)
        row = rows[device_id]
        assert row["online"] == "online"
        assert (row["set"], row["setting"], row["failed"], row["scheduled"]) == (
            str(expected["set"]),
            str(expected["setting"]),
            str(expected["failed"]),
            expected["scheduled"],
        )
    table = _lockgw("status", "--data-dir", str(dashboard.data_dir))
    assert table.returncode == 0
    header, *lines = table.stdout.splitlines()
    assert header.split()[:4] == ["NAME", "ONLINE", "BATTERY", "LOCK"]
    assert sorted(line.split("  ")[0].strip() for line in lines) == sorted(locks)


def test_status_without_a_database_says_so_in_one_line(tmp_path: Path) -> None:
    done = _lockgw("status", "--data-dir", str(tmp_path / "nothing"))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "nothing").exists()


def test_init_offers_the_dashboard_password_and_keeps_the_key_last(tmp_path: Path) -> None:
    done = _lockgw(
        "init", "--config-dir", str(tmp_path / "etc"), "--data-dir", str(tmp_path / "data")
    )
    assert done.returncode == 0, done.stderr
    assert f"lockgw owner passwd --data-dir {tmp_path / 'data'}" in done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("seam_")
    # Set the way it says, from standard input, the password is then the owner's.
    passwd = _lockgw("owner", "passwd", "--data-dir", str(tmp_path / "data"), stdin="a fine pw\n")
    assert passwd.returncode == 0, passwd.stderr
    store = Store(tmp_path / "data")
    try:
        owner = OwnerAccess(store, SystemClock())
        assert owner.log_in("a fine pw") is not None
        assert owner.log_in("another") is None
    finally:
        store.close()
