"""Secrets stay secret: the data dir is the hub user's alone, keys never reach a log, and a
TLS set-up that cannot work is one line before any lock is touched."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.store.db import DB_FILE
from tests.support.daemon import Daemon, free_port
from tests.support.tls import self_signed


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _read_response(conn: socket.socket) -> bytes:
    """Everything the hub sends before it closes the connection (it closes after an error)."""
    conn.settimeout(10)
    chunks = []
    while chunk := conn.recv(4096):
        chunks.append(chunk)
    return b"".join(chunks)


def _lockgw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gateway", *args], capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip


def test_the_data_dir_and_every_database_file_are_private_from_the_first_write(
    tmp_path: Path,
) -> None:
    os.umask(0o022)  # a typical login shell: new files readable by everyone
    data_dir = tmp_path / "hub"
    daemon = Daemon(data_dir, sim=True)
    daemon.start()
    try:
        assert _mode(data_dir) == 0o700
        files = [data_dir / name for name in (DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm")]
        assert all(_mode(f) == 0o600 for f in files if f.exists()), {
            f.name: oct(_mode(f)) for f in files if f.exists()
        }
    finally:
        daemon.stop()
    backup = tmp_path / "backup.sqlite3"
    assert _lockgw("backup", str(backup), "--data-dir", str(data_dir)).returncode == 0
    assert _mode(backup) == 0o600


def test_a_data_dir_left_readable_by_others_is_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "hub"
    assert _lockgw("keys", "create", "--data-dir", str(data_dir), "--name", "x").returncode == 0
    data_dir.chmod(0o755)
    (data_dir / DB_FILE).chmod(0o644)
    result = _lockgw("keys", "list", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert _mode(data_dir) == 0o700 and _mode(data_dir / DB_FILE) == 0o600


def test_a_malformed_header_gets_seam_json_and_its_api_key_stays_out_of_the_log(
    tmp_path: Path,
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[log]\nlevel = "DEBUG"\n')
    daemon = Daemon(tmp_path, config=config, sim=True)
    daemon.start()
    try:
        with socket.create_connection(("127.0.0.1", daemon.port)) as conn:
            conn.sendall(b"GET /devices/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                         + daemon.key.encode() + b"\x01\xff\r\n\r\n")  # fmt: skip
            answer = _read_response(conn)
    finally:
        daemon.stop()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0].split()[1] == b"400", head
    assert json.loads(body)["error"]["type"] == "invalid_request"
    assert daemon.key.encode() not in body
    secret = daemon.key.split("_", 3)[-1]
    assert "refused an unparsable HTTP request" in daemon.log()
    assert secret not in daemon.log()


@pytest.mark.parametrize("problem", ["missing", "garbage", "mismatched", "swapped"])
def test_a_tls_set_up_that_cannot_work_is_one_line_naming_the_file(
    tmp_path: Path, problem: str
) -> None:
    cert, key = self_signed(tmp_path)
    if problem == "missing":
        cert = tmp_path / "nowhere.pem"
    elif problem == "garbage":
        cert.write_text("not a certificate\n")
    elif problem == "mismatched":
        (tmp_path / "other").mkdir()
        key = self_signed(tmp_path / "other")[1]  # another certificate's key
    else:
        cert, key = key, cert
    config = tmp_path / "c.toml"
    config.write_text(f'[api]\ntls_cert = "{cert}"\ntls_key = "{key}"\n')
    result = _lockgw("serve", "--config", str(config), "--data-dir", str(tmp_path / "hub"),
                     "--port", str(free_port()), "--sim")  # fmt: skip
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("lockgw: TLS:") and str(cert.name) in lines[0]
    assert "lockgw: API on" not in result.stdout


def test_init_writes_its_config_and_data_dir_for_the_hub_user_alone(tmp_path: Path) -> None:
    os.umask(0o022)
    etc, var = tmp_path / "etc", tmp_path / "var"
    result = _lockgw("init", "--config-dir", str(etc), "--data-dir", str(var))
    assert result.returncode == 0, result.stderr
    configs = list(etc.glob("*.toml"))
    assert configs and all(_mode(c) == 0o600 for c in configs), [oct(_mode(c)) for c in configs]
    assert _mode(var) == 0o700 and _mode(var / DB_FILE) == 0o600
