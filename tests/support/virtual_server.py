"""Runs hardware-sim/virtual/run: virtual locks in their own process, outliving the daemon."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.support.daemon import free_port
from tests.support.process import wait_for_ready

RUN = Path(__file__).resolve().parents[2] / "hardware-sim" / "virtual" / "run"


class VirtualLockServer:
    def __init__(self, locks: dict[str, str], delay: float = 0.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, str(RUN), "--port", str(self.port), "--delay", str(delay)]
        for ref, profile in locks.items():
            args += ["--lock", f"{ref}:{profile}"]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.output: list[str] = []
        try:
            wait_for_ready(self.proc, "ready", self.output, 20, "virtual lock server")
        except (TimeoutError, RuntimeError):
            self.proc.kill()
            raise

    def codes(self, ref: str) -> dict[int, str]:
        data = httpx.get(f"{self.url}/locks/{ref}").json()
        return {int(slot): code for slot, code in data["codes"].items()}

    def operations(self, ref: str) -> dict[str, int]:
        result: dict[str, int] = httpx.get(f"{self.url}/locks/{ref}").json()["operations"]
        return result

    def keypad(self, ref: str, slot: int, code: str | None, notify: bool = True) -> Any:
        body = {"slot": slot, "code": code, "notify": notify}
        return httpx.post(f"{self.url}/locks/{ref}/keypad", json=body).json()

    def faults(self, ref: str, **faults: Any) -> None:
        httpx.post(f"{self.url}/locks/{ref}/faults", json=faults).raise_for_status()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
