"""One daemon per data dir, and a port that is taken stops the daemon before any lock is touched."""

from __future__ import annotations

import select
import socket
from pathlib import Path

from tests.support.api import client_for, code_status
from tests.support.daemon import Daemon
from tests.support.wait import eventually


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def test_a_second_daemon_on_the_same_data_dir_is_refused_and_names_the_first(
    tmp_path: Path,
) -> None:
    first = Daemon(tmp_path)
    first.start()
    try:
        assert first.proc is not None
        refused = Daemon(tmp_path).run_refused(timeout=20)
        assert refused.returncode != 0
        line = _one_line(refused.stderr)
        assert str(tmp_path) in line and f"pid {first.proc.pid}" in line, line
        assert "lockgw: API on" not in refused.stdout

        client = client_for(first)
        device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
        made = client.post("/access_codes/create", json={"device_id": device_id, "name": "Guest"})
        code_id = made.json()["access_code"]["access_code_id"]
        eventually(lambda: code_status(client, code_id) == "set")
    finally:
        assert first.stop() == 0, first.log()


def test_a_port_in_use_is_refused_in_one_line_before_any_lock_is_contacted(
    tmp_path: Path,
) -> None:
    with socket.socket() as taken, socket.socket() as zwave_server:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        zwave_server.bind(("127.0.0.1", 0))
        zwave_server.listen()
        config = tmp_path / "lockgw.toml"
        config.write_text(f'[zwave]\nurl = "ws://127.0.0.1:{zwave_server.getsockname()[1]}"\n')

        refused = Daemon(tmp_path, config=config, sim=False, port=port).run_refused(timeout=20)

        assert refused.returncode != 0
        assert f"127.0.0.1:{port}" in _one_line(refused.stderr)
        readable, _, _ = select.select([zwave_server], [], [], 0)
        assert not readable, "the daemon connected to the zwave-js server before binding its port"
