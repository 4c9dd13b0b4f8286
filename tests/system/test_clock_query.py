"""Asking whether the hub's clock is synchronised inside a sandbox that refuses the kernel
query, as systemd's ProtectClock=yes does (systemd issue #26413)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.seccomp import SITE

ROOT = Path(__file__).resolve().parents[2]


def _refused_env(timesync_flag: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SITE), "LOCKGW_TIMESYNC_FILE": str(timesync_flag)}


def _doctor_clock(data_dir: Path, env: dict[str, str]) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-m", "gateway", "doctor", "--json", "--data-dir", str(data_dir)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    ).stdout
    checks: list[dict[str, str]] = json.loads(out)
    return next(c for c in checks if c["name"] == "clock")


def _in_process(code: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    ).stdout.strip()


def test_the_sandbox_really_refuses_the_kernel_clock_query(tmp_path: Path) -> None:
    code = "from tests.support.seccomp import adjtimex_errno; print(adjtimex_errno())"
    assert _in_process(code, _refused_env(tmp_path / "flag")) == str(errno.EPERM)


def test_with_the_kernel_query_refused_the_doctor_asks_systemd_timesyncd(tmp_path: Path) -> None:
    run = tmp_path / "run" / "systemd" / "timesync"
    run.mkdir(parents=True)
    env = _refused_env(run / "synchronized")
    assert _doctor_clock(tmp_path, env) == {
        "name": "clock",
        "ok": "FAIL",
        "detail": "NOT synchronised (systemd-timesyncd; is NTP reachable?)",
    }
    (run / "synchronized").touch()  # timesyncd has synchronised the clock
    assert _doctor_clock(tmp_path, env) == {
        "name": "clock",
        "ok": "ok",
        "detail": "synchronised (systemd-timesyncd)",
    }


def test_with_nothing_to_ask_the_doctor_says_so(tmp_path: Path) -> None:
    env = _refused_env(tmp_path / "no-timesyncd" / "synchronized")
    assert _doctor_clock(tmp_path, env)["ok"] == "-"
