"""The hub as systemd runs it: units that verify, notify messages, watchdog, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.host import sd_notify
from tests.support.daemon import Daemon, free_port
from tests.support.virtual_server import VirtualLockServer
from tests.support.wait import eventually

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "systemd"
LOCKGW = Path(sys.executable).parent / "lockgw"


def test_both_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    for unit in ("lockgw.service", "zwave-js-server.service"):
        text = (UNITS / unit).read_text().replace("/opt/lockgw/.venv/bin/lockgw", str(LOCKGW))
        (tmp_path / unit).write_text(text)
    result = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            *(str(tmp_path / u) for u in ("lockgw.service", "zwave-js-server.service")),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lockgw.service" not in result.stderr, result.stderr


def test_the_unit_is_a_hardened_notify_service_ordered_after_its_radios() -> None:
    unit = (UNITS / "lockgw.service").read_text()
    for line in (
        "Type=notify",
        "WatchdogSec=",
        "Restart=on-failure",
        "User=lockgw",
        "StateDirectory=lockgw",
        "ConfigurationDirectory=lockgw",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_BLUETOOTH AF_NETLINK",
        "After=network-online.target zwave-js-server.service bluetooth.service",
    ):
        assert line in unit, line
    server_config = (UNITS / "zwave-js-server.config.js").read_text()
    assert "queryAllUserCodes: true" in server_config


def _settings(unit: str) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#")
    )


def test_the_unit_keeps_the_clock_read_only_but_lets_the_daemon_ask_if_it_is_synced() -> None:
    settings = _settings((UNITS / "lockgw.service").read_text())
    # ProtectClock=yes would refuse the read-only adjtimex() query too (systemd issue #26413).
    assert "ProtectClock" not in settings
    refused = settings["SystemCallFilter"].removeprefix("~").split()
    assert settings["SystemCallFilter"].startswith("~")
    assert set(refused) == {"settimeofday", "clock_settime", "clock_settime64"}
    assert settings["SystemCallErrorNumber"] == "EPERM"
    capabilities = settings["CapabilityBoundingSet"].split()
    assert "CAP_SYS_TIME" not in capabilities and "CAP_WAKE_ALARM" not in capabilities
    assert settings["AmbientCapabilities"] == ""


def test_under_the_shipped_units_filter_the_kernel_still_answers(tmp_path: Path) -> None:
    refused = _settings((UNITS / "lockgw.service").read_text())["SystemCallFilter"]
    code = (
        "from tests.support.seccomp import refuse, adjtimex_errno\n"
        f"refuse({refused.removeprefix('~').split()!r})\n"
        "from gateway.clock.sync import adjtimex_state\n"
        "print(adjtimex_errno(), adjtimex_state() is not None)"
    )
    env = {**os.environ, "LOCKGW_TIMESYNC_FILE": str(tmp_path / "none" / "synchronized")}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env, cwd=ROOT
    ).stdout
    assert out.split() == ["0", "True"]


def _exec_start() -> list[str]:
    line = next(
        ln
        for ln in (UNITS / "lockgw.service").read_text().splitlines()
        if ln.startswith("ExecStart=")
    )
    return shlex.split(line.removeprefix("ExecStart="))


def test_the_daemon_starts_from_the_example_config_as_the_unit_starts_it(
    tmp_path: Path,
) -> None:
    port = free_port()
    config = tmp_path / "config.toml"
    example = (UNITS / "config.example.toml").read_text()
    config.write_text(
        example.replace('host = "0.0.0.0"', 'host = "127.0.0.1"').replace(
            "port = 8484", f"port = {port}"
        )
    )
    args = [
        str(LOCKGW)
        if a.endswith("/bin/lockgw")
        else str(config)
        if a == "/etc/lockgw/config.toml"
        else str(tmp_path / "state")
        if a == "/var/lib/lockgw"
        else a
        for a in _exec_start()
    ]
    assert args[1:3] == ["serve", "--config"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        health = eventually(lambda: _health(port), timeout=20)
        assert health["ok"] is True
        assert health["components"]["store"] == "ok"
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(10)
        assert proc.stdout is not None
        assert code == 0, proc.stdout.read()


def _health(port: int) -> dict | None:  # type: ignore[type-arg]
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health").json()  # type: ignore[no-any-return]
    except httpx.HTTPError:
        return None


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(0.2)
    yield sock
    sock.close()


def _messages(sock: socket.socket, until: float) -> list[str]:
    found = []
    while time.monotonic() < until:
        try:
            found.append(sock.recv(4096).decode())
        except TimeoutError:
            continue
    return found


def test_ready_comes_after_the_api_listens_and_the_watchdog_keeps_pinging(
    tmp_path: Path, notify_socket: socket.socket
) -> None:
    daemon = Daemon(tmp_path, sim=True)
    env = {"NOTIFY_SOCKET": notify_socket.getsockname(), "WATCHDOG_USEC": "200000"}
    os.environ.update(env)
    try:
        daemon.start()
    finally:
        for key in env:
            os.environ.pop(key)
    first = notify_socket.recv(4096).decode()
    assert first.startswith("READY=1")
    assert "STATUS=API on" in first
    assert httpx.get(f"{daemon.url}/health").status_code == 200
    pings = [m for m in _messages(notify_socket, time.monotonic() + 1.0) if m == "WATCHDOG=1"]
    assert len(pings) >= 5
    assert daemon.proc is not None
    daemon.proc.send_signal(signal.SIGTERM)
    stopping = _messages(notify_socket, time.monotonic() + 1.0)
    assert any(m.startswith("STOPPING=1") for m in stopping)
    assert daemon.proc.wait(5) == 0


def test_a_stuck_event_loop_stops_the_watchdog(
    notify_socket: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", notify_socket.getsockname())
    monkeypatch.setenv("WATCHDOG_USEC", "100000")

    async def scenario() -> tuple[int, int]:
        pinger = asyncio.create_task(sd_notify.keep_alive(lambda: True))
        await asyncio.sleep(0.3)
        before = len(_messages(notify_socket, time.monotonic() + 0.01))
        time.sleep(0.6)  # noqa: ASYNC251 - the point: a stuck loop runs nothing, not even pings
        during = len(_messages(notify_socket, time.monotonic() + 0.01))
        pinger.cancel()
        return before, during

    before, during = asyncio.run(scenario())
    assert before >= 3
    assert during <= 1, "pings must stop while the loop is stuck"


def test_sigterm_mid_programming_finishes_the_operation_and_loses_nothing(
    tmp_path: Path,
) -> None:
    server = VirtualLockServer({"slow": "zwave-30"}, delay=0.3)
    config = tmp_path / "lockgw.toml"
    config.write_text(f'[virtual_server]\nurl = "{server.url}"\n')
    daemon = Daemon(tmp_path, config=config, sim=False)
    try:
        daemon.start()
        client = httpx.Client(
            base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}
        )
        device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
        made = {
            client.post("/access_codes/create", json={"device_id": device_id}).json()[
                "access_code"
            ]["access_code_id"]
            for _ in range(8)
        }
        eventually(lambda: server.operations("slow").get("write_slot", 0) >= 1)
        assert daemon.proc is not None
        start = time.monotonic()
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(5) == 0
        assert time.monotonic() - start < 5
        daemon.proc = None
        daemon.start()
        client = httpx.Client(
            base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}
        )

        def all_set() -> bool:
            codes = client.get("/access_codes/list", params={"device_id": device_id}).json()
            return {
                c["access_code_id"] for c in codes["access_codes"] if c["status"] == "set"
            } == made

        eventually(all_set, timeout=30)
        held = list(server.codes("slow").values())
        assert len(held) == len(set(held)) == 8
        assert daemon.stop() == 0
    finally:
        daemon.kill()
        server.stop()
        shutil.rmtree(tmp_path / "x", ignore_errors=True)
