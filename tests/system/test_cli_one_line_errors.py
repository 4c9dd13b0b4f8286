"""Issue 16: every bad input or setting the owner can give the CLI is one clear line, never a
traceback, and a command that only reads never creates a data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.store.db import DB_FILE, Store
from tests.support.harness import Harness

DEFAULT_DATA_DIR = Path("/var/lib/lockgw")


def lockgw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        capture_output=True,
        text=True,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The command failed with exactly one line on stderr (no traceback) and says it."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


async def hub_with_a_lock(data_dir: Path) -> str:
    hub = Harness(data_dir)
    device_id, _ = hub.add_lock()
    await hub.settle(device_id)
    hub.close()
    return device_id


# -- empty tables --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "header"),
    [
        (["devices", "list"], "DEVICE_ID"),
        (["codes", "list"], "ACCESS_CODE_ID"),
        (["pool", "status"], "DEVICE_ID"),
    ],
)
def test_an_empty_table_is_a_header_not_a_traceback(
    tmp_path: Path, command: list[str], header: str
) -> None:
    Store(tmp_path).close()  # installed, no lock yet
    table = lockgw(*command, "--data-dir", str(tmp_path))
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].startswith(header)
    assert "none" in table.stdout
    scripted = lockgw(*command, "--json", "--data-dir", str(tmp_path))
    assert scripted.returncode == 0, scripted.stderr
    assert json.loads(scripted.stdout) == []


# -- which data dir ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["devices", "list"],
        ["codes", "list"],
        ["pool", "status"],
        ["doctor"],
        ["backup", "/tmp/lockgw-never-written.sqlite3"],
        ["restore", "/tmp/lockgw-never-read.sqlite3"],
        ["keys", "list"],
        ["webhooks", "list"],
        ["ble", "list"],
    ],
)
def test_a_command_without_data_dir_or_config_asks_for_one_and_creates_nothing(
    command: list[str],
) -> None:
    existed = DEFAULT_DATA_DIR.exists()
    line = one_line(lockgw(*command))
    assert "--data-dir" in line and "--config" in line
    if not existed:
        assert not DEFAULT_DATA_DIR.exists(), f"`lockgw {' '.join(command)}` created it"


async def test_the_data_dir_comes_from_the_configs_store_section(tmp_path: Path) -> None:
    device_id = await hub_with_a_lock(tmp_path / "hub")
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\ndata_dir = "{tmp_path / "hub"}"\n')
    listed = lockgw("devices", "list", "--json", "--config", str(config))
    assert listed.returncode == 0, listed.stderr
    assert [d["device_id"] for d in json.loads(listed.stdout)] == [device_id]


@pytest.mark.parametrize(
    "command",
    [
        ["devices", "list"],
        ["doctor"],
        ["keys", "list"],
        ["webhooks", "list"],
        ["webhooks", "status"],
    ],
)
def test_a_read_command_on_a_missing_data_dir_creates_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "misspelt"
    line = one_line(lockgw(*command, "--data-dir", str(missing)))
    assert str(missing) in line
    assert not missing.exists()


# -- options -------------------------------------------------------------------------------------


async def test_a_missing_or_bad_option_is_one_line_naming_it(tmp_path: Path) -> None:
    device_id = await hub_with_a_lock(tmp_path)
    data = ["--data-dir", str(tmp_path)]
    assert "--device" in one_line(lockgw("codes", "create", "--code", "7319", *data))
    assert "--id" in one_line(lockgw("codes", "delete", *data))
    bad_start = lockgw("codes", "create", "--device", device_id, "--starts-at", "2026-13-01", *data)
    assert "--starts-at" in one_line(bad_start)
    bad_end = lockgw("codes", "create", "--device", device_id, "--ends-at", "tomorrow", *data)
    assert "--ends-at" in one_line(bad_end)
    long_name = lockgw("codes", "create", "--device", device_id, "--name", "x" * 300, *data)
    assert "--name" in one_line(long_name)
    unknown = lockgw("codes", "create", "--device", "no-such-lock", *data)
    assert "no-such-lock" in one_line(unknown)


def test_restore_of_a_missing_file_or_a_folder_is_one_line(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    assert "does not exist" in one_line(lockgw("restore", str(tmp_path / "nope.sqlite3"), *data))
    assert "not a file" in one_line(lockgw("restore", str(tmp_path), *data))
    assert not (tmp_path / "data" / DB_FILE).exists()


# -- a code the lock refused ---------------------------------------------------------------------


async def test_codes_list_and_doctor_show_a_code_the_lock_had_no_room_for(tmp_path: Path) -> None:
    hub = Harness(tmp_path)
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    lock.faults.no_space = True
    code = hub.create(device_id, code="6284", name="Guest")
    for _ in range(3):
        await hub.reconciler(device_id).reconcile_once()
    lock_name = hub.device(device_id).name
    refused = hub.code(code.access_code_id)
    assert refused is not None and refused.errors
    why = refused.errors[0].message
    hub.close()

    table = lockgw("codes", "list", "--data-dir", str(tmp_path))
    assert table.returncode == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if code.access_code_id in line)
    assert f"setting ({why})" in row  # not a bare "setting"

    doctor = lockgw("doctor", "--json", "--data-dir", str(tmp_path))
    checks = {c["name"]: c for c in json.loads(doctor.stdout)}
    lock_check = checks[f"lock {lock_name}"]
    assert lock_check["ok"] == "FAIL"
    assert "1 code" in lock_check["detail"] and why in lock_check["detail"]
    assert doctor.returncode == 1


# -- time zones ----------------------------------------------------------------------------------


async def test_a_time_without_offset_is_the_hubs_local_time_and_is_said(tmp_path: Path) -> None:
    device_id = await hub_with_a_lock(tmp_path)
    data = ["--data-dir", str(tmp_path)]
    hub_tz = {"TZ": "HUB-2"}  # a POSIX zone: UTC+2, named HUB, no tzdata needed
    made = lockgw(
        "codes", "create", "--device", device_id, "--code", "7319",
        "--starts-at", "2026-12-10 15:00", "--ends-at", "2026-12-11 10:00",
        *data, env=hub_tz,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "starts 2026-12-10 15:00 HUB (UTC+02:00), 2026-12-10 13:00 UTC" in made.stdout
    assert "ends 2026-12-11 10:00 HUB (UTC+02:00), 2026-12-11 08:00 UTC" in made.stdout

    scripted = lockgw(
        "codes", "create", "--device", device_id, "--code", "7320",
        "--starts-at", "2026-12-10T15:00+00:00", "--ends-at", "2026-12-11T10:00Z",
        "--json", *data, env=hub_tz,
    )  # fmt: skip
    assert scripted.returncode == 0, scripted.stderr
    body = json.loads(scripted.stdout)[0]
    assert body["starts_at"] == "2026-12-10T15:00:00.000Z"
    assert body["ends_at"] == "2026-12-11T10:00:00.000Z"

    bad = one_line(lockgw("codes", "create", "--device", device_id, "--starts-at", "15:00", *data))
    assert "--starts-at" in bad and "offset" in bad


# -- webhooks ------------------------------------------------------------------------------------


def test_webhooks_add_refuses_a_misspelt_event_type_and_a_url_already_there(
    tmp_path: Path,
) -> None:
    data = ["--data-dir", str(tmp_path)]
    url = "http://127.0.0.1:9/hook"
    misspelt = one_line(lockgw("webhooks", "add", url, "--events", "access_code.set", *data))
    assert "'access_code.set'" in misspelt and "lockgw webhooks events" in misspelt
    assert "did you mean access_code.set_on_device" in misspelt
    assert lockgw("webhooks", "list", *data).stdout == ""  # nothing was added

    known = lockgw("webhooks", "events", *data)
    assert known.returncode == 0
    assert "access_code.set_on_device" in known.stdout.split()

    added = lockgw("webhooks", "add", url, "--events", "access_code.set_on_device", *data)
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip().splitlines()[-1]
    again = one_line(lockgw("webhooks", "add", url, *data))
    assert "already" in again and "--rotate-secret" in again

    rotated = lockgw("webhooks", "add", url, "--rotate-secret", *data)
    assert rotated.returncode == 0, rotated.stderr
    new_secret = rotated.stdout.strip().splitlines()[-1]
    assert new_secret.startswith("whsec_") and new_secret != secret
    listed = lockgw("webhooks", "list", *data).stdout.strip().splitlines()
    assert len(listed) == 1 and listed[0].endswith("access_code.set_on_device")  # kept its types

    fresh = one_line(
        lockgw("webhooks", "add", "http://127.0.0.1:9/other", "--rotate-secret", *data)
    )
    assert "--rotate-secret" in fresh
