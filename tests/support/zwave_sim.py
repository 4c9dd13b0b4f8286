"""The simulated Z-Wave network (hardware-sim/zwave/run) as a test peer: a real zwave-js server
with simulated lock nodes, and the simulator's control API for keypad actions and faults."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import httpx

from tests.support.daemon import free_port
from tests.support.process import wait_for_ready

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "hardware-sim" / "zwave" / "run"
READY_MARK = "lockgw-zwave-sim: ready"

# Node id -> profile: one node of each kind, as `make run` and the tests use them.
ALL_PROFILES = [
    {"id": 2, "profile": "schlage-30", "codes": [{"slot": 1, "code": "4711"}]},
    {"id": 3, "profile": "kwikset-250"},
    {"id": 4, "profile": "yale-schedule"},
    {"id": 5, "profile": "masked-30"},
    {"id": 6, "profile": "duplicate-rejecting"},
    {"id": 7, "profile": "slow"},
]


class ZWaveSim:
    def __init__(self, workdir: Path, locks: list[dict[str, Any]] | None = None) -> None:
        self.workdir = workdir
        self.locks_file = workdir / "locks.json"
        self.locks_file.write_text(json.dumps(locks or ALL_PROFILES))
        self.state = workdir / "lock-memory.json"
        self.cache = workdir / "zwave-cache"
        self.port = free_port()
        self.control_port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}"
        self.server_config: Path | None = None  # default: the shipped systemd/ config
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.control_port}", timeout=10)

    def start(self, timeout: float = 60.0) -> None:
        extra = [] if self.server_config is None else ["--server-config", str(self.server_config)]
        self.proc = subprocess.Popen(
            [
                str(RUN),
                "--port",
                str(self.port),
                "--control-port",
                str(self.control_port),
                "--locks",
                str(self.locks_file),
                "--state",
                str(self.state),
                "--cache",
                str(self.cache),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ},
            start_new_session=True,
        )
        try:
            wait_for_ready(self.proc, READY_MARK, self.output, timeout, "zwave sim")
        except TimeoutError:
            self.kill()
            raise

    def kill(self) -> None:
        """kill -9: the zwave-js server dies; the locks keep their memory (the state file)."""
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.proc = None

    # -- the control API ---------------------------------------------------------------------

    def node(self, node_id: int) -> dict[str, Any]:
        response = self.http.get(f"/nodes/{node_id}")
        response.raise_for_status()
        return dict(response.json())

    def codes(self, node_id: int) -> dict[int, str]:
        """What the lock really holds in its memory."""
        return {int(slot): code for slot, code in self.node(node_id)["codes"].items()}

    def windows(self, node_id: int) -> dict[int, dict[str, Any]]:
        """Year-day windows the lock keeps: slot -> {starts_at, ends_at (UTC ISO), enabled}."""
        return {int(slot): w for slot, w in self.node(node_id)["windows"].items()}

    def unlock(self, node_id: int, slot: int) -> bool:
        """A person types slot's code at the keypad now; whether the lock opens."""
        response = self.http.post(f"/nodes/{node_id}/keypad/unlock", json={"slot": slot})
        return response.status_code == 200

    def act(self, node_id: int, action: str, **body: Any) -> dict[str, Any]:
        response = self.http.post(f"/nodes/{node_id}/{action}", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def received(self, node_id: int) -> dict[str, int]:
        counts = self.node(node_id)["counts"]
        return {"total": counts["received"], **counts["byCommand"]}
