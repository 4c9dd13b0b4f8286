"""Runs `lockgw serve` as a real subprocess, the way a user or systemd would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import secrets_seen
from tests.support.process import wait_for_ready

READY_MARK = "lockgw: API on "


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def create_key(data_dir: Path, name: str = "tests") -> str:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "gateway",
            "keys",
            "create",
            "--data-dir",
            str(data_dir),
            "--name",
            name,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


class Daemon:
    def __init__(
        self,
        data_dir: Path,
        *,
        config: Path | None = None,
        sim: bool = True,
        env: dict[str, str] | None = None,
        port: int | None = None,
        with_key: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.env = env  # None: the test process's environment when the daemon starts
        self.config = config
        self.sim = sim
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = create_key(data_dir) if with_key else ""
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []
        # The session checks at its end that no daemon's log holds a PIN or key it was given.
        secrets_seen.LOGS.append(self.output)
        if self.key:
            secrets_seen.KEYS.update({self.key, self.key.rsplit("_", 1)[-1]})

    def _args(self) -> list[str]:
        args = [
            sys.executable,
            "-m",
            "gateway",
            "serve",
            "--data-dir",
            str(self.data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        if self.config is not None:
            args += ["--config", str(self.config)]
        if self.sim:
            args.append("--sim")
        return args

    def _env(self) -> dict[str, str]:
        return {**(self.env or os.environ), "PYTHONUNBUFFERED": "1"}

    def start(self, timeout: float = 30.0) -> None:
        self.proc = subprocess.Popen(
            self._args(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self._env(),
        )
        try:
            wait_for_ready(self.proc, READY_MARK, self.output, timeout, "daemon")
        except TimeoutError:
            self.kill()
            raise

    def run_refused(self, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        """Run `lockgw serve` expecting it to refuse to start: its exit and what it printed."""
        return subprocess.run(
            self._args(),
            capture_output=True,
            text=True,
            env=self._env(),
            timeout=timeout,
            check=False,
        )

    def stop(self, timeout: float = 10.0) -> int:
        secrets_seen.saw_store(self.data_dir / "lockgw.sqlite3")
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self.proc = None
        return code

    def kill(self) -> None:
        secrets_seen.saw_store(self.data_dir / "lockgw.sqlite3")
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def log(self) -> str:
        return "".join(self.output)


@contextmanager
def daemon_with_config(data_dir: Path, config_text: str) -> Iterator[Daemon]:
    """A daemon of a test module's own, on the config given (no --sim), stopped cleanly at the
    end: its exit status must be 0."""
    config = data_dir / "lockgw.toml"
    config.write_text(config_text)
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    yield daemon
    assert daemon.stop() == 0, daemon.log()
