"""Runs `lockgw serve` as a real subprocess, the way a user or systemd would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from tests.support.process import wait_for_ready

READY_MARK = "lockgw: API on "


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def create_key(data_dir: Path, name: str = "tests") -> str:
    out = subprocess.run(
        [sys.executable, "-m", "gateway", "keys", "create", "--data-dir", str(data_dir),
         "--name", name],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return out.strip().splitlines()[-1]


class Daemon:
    def __init__(
        self, data_dir: Path, *, config: Path | None = None, sim: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.data_dir = data_dir
        self.env = env  # None: the test process's environment when the daemon starts
        self.config = config
        self.sim = sim
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = create_key(data_dir)
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self, timeout: float = 30.0) -> None:
        args = [sys.executable, "-m", "gateway", "serve", "--data-dir", str(self.data_dir),
                "--host", "127.0.0.1", "--port", str(self.port)]  # fmt: skip
        if self.config is not None:
            args += ["--config", str(self.config)]
        if self.sim:
            args.append("--sim")
        self.proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**(self.env or os.environ), "PYTHONUNBUFFERED": "1"},
        )
        try:
            wait_for_ready(self.proc, READY_MARK, self.output, timeout, "daemon")
        except TimeoutError:
            self.kill()
            raise

    def stop(self, timeout: float = 10.0) -> int:
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self.proc = None
        return code

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def log(self) -> str:
        return "".join(self.output)
