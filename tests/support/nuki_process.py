"""The Nuki emulator as its own process (`python -m nukisim.serve`), reached over loopback TCP
the way `make run` does it, and `lockgw ble ...` run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.daemon import free_port
from tests.support.process import wait_for_ready

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    **os.environ,
    "PYTHONUNBUFFERED": "1",
    "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'hardware-sim' / 'nuki'}",
}
ADDRESS = "F0:F0:F0:F0:F0:01"


class NukiEmulator:
    def __init__(self, folder: Path, security_pin: int) -> None:
        self.port = free_port()
        self.state = folder / "nuki-lock.json"
        self.security_pin = security_pin
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    @property
    def config(self) -> str:
        return (
            f'[nuki]\nradio = "nukisim.remote:radio"\n'
            f'radio_argument = "tcp-client:127.0.0.1:{self.port}"\n'
        )

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nukisim.serve",
                "--port",
                str(self.port),
                "--address",
                ADDRESS,
                "--security-pin",
                str(self.security_pin),
                "--state",
                str(self.state),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=ENV,
        )
        wait_for_ready(self.proc, "lockgw-nuki-sim: ready", self.output, 30.0, "nuki emulator")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def codes(self) -> dict[int, dict[str, Any]]:
        """The lock's keypad codes, by PIN (as the emulator remembers them)."""
        if not self.state.exists():
            return {}
        return {c["code"]: c for c in json.loads(self.state.read_text())["codes"]}


def lockgw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        check=False,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
