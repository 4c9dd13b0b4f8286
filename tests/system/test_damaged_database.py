"""An empty or damaged database is named in one line by `doctor` and `serve`, never taken for a
fresh install (which would start with no API keys and answer every call with 401)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.store.db import DB_FILE, Store
from tests.support.daemon import Daemon, create_key


def _cut_in_half(data_dir: Path) -> bytes:
    """A real store whose file lost its second half (a copy cut short, a full SD card)."""
    Store(data_dir).close()
    whole = (data_dir / DB_FILE).read_bytes()
    return whole[: len(whole) // 2]


DAMAGE: dict[str, Callable[[Path], bytes]] = {
    "empty": lambda data_dir: b"",
    "garbage-header": lambda data_dir: b"this is not a database at all" * 200,
    "header-only": lambda data_dir: b"SQLite format 3\x00" + bytes(84),
    "cut-in-half": _cut_in_half,
}


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(params=sorted(DAMAGE))
def damaged(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    (tmp_path / DB_FILE).write_bytes(DAMAGE[request.param](tmp_path))
    return tmp_path


def _lockgw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args], capture_output=True, text=True, check=False
    )


def test_doctor_names_an_empty_or_damaged_database_in_one_line(damaged: Path) -> None:
    line = _one_line(_lockgw("doctor", "--data-dir", str(damaged)))
    assert str(damaged / DB_FILE) in line and "lockgw restore" in line, line


def test_serve_refuses_an_empty_or_damaged_database_in_one_line(damaged: Path) -> None:
    size = (damaged / DB_FILE).stat().st_size
    line = _one_line(Daemon(damaged, with_key=False).run_refused(timeout=20))
    assert str(damaged / DB_FILE) in line and "lockgw restore" in line, line
    assert (damaged / DB_FILE).stat().st_size == size, "the damaged file was written to"


def test_restoring_a_backup_over_a_damaged_database_brings_the_store_back(
    damaged: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    healthy = tmp_path_factory.mktemp("healthy")
    key = create_key(healthy)
    backup = healthy / "backup.sqlite3"
    assert _lockgw("backup", str(backup), "--data-dir", str(healthy)).returncode == 0

    restored = _lockgw("restore", str(backup), "--data-dir", str(damaged))
    assert restored.returncode == 0, restored.stderr
    listed = _lockgw("keys", "list", "--data-dir", str(damaged))
    assert listed.returncode == 0, listed.stderr
    assert key.split("_")[2] in listed.stdout


def test_an_empty_backup_is_refused_in_one_line_and_the_database_is_left_alone(
    tmp_path: Path,
) -> None:
    create_key(tmp_path / "data")
    before = (tmp_path / "data" / DB_FILE).stat().st_size
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    line = _one_line(
        _lockgw("restore", str(tmp_path / "empty.sqlite3"), "--data-dir", str(tmp_path / "data"))
    )
    assert "empty (0 bytes)" in line, line
    assert (tmp_path / "data" / DB_FILE).stat().st_size == before
