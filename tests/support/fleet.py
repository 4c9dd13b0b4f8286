"""Runs `lockgw fleet serve` (a fleet front, docs/FLEET.md) as a real subprocess, as
tests/support/daemon.Daemon runs a hub."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.daemon import Daemon
from tests.support.process import wait_for_ready

READY_MARK = "lockgw fleet: API on "


class Front(Daemon):
    """A front on its own config (the fleet's `[mqtt]`) and data dir (its API keys only).
    `key_from`: another front's data dir whose keys this one shares (copied before it starts),
    as fronts behind one load balancer answer the same API key."""

    def __init__(
        self,
        data_dir: Path,
        *,
        config: Path,
        port: int | None = None,
        key_from: Front | None = None,
    ) -> None:
        if key_from is not None:
            shutil.copytree(key_from.data_dir, data_dir, dirs_exist_ok=True)
        super().__init__(data_dir, config=config, sim=False, port=port, with_key=key_from is None)
        if key_from is not None:
            self.key = key_from.key

    def _args(self) -> list[str]:
        assert self.config is not None
        return [
            sys.executable, "-m", "gateway", "fleet", "serve",
            "--config", str(self.config), "--data-dir", str(self.data_dir),
            "--host", "127.0.0.1", "--port", str(self.port),
        ]  # fmt: skip

    def start(self, timeout: float = 30.0) -> None:
        self.proc = subprocess.Popen(
            self._args(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self._env(),
        )
        try:
            wait_for_ready(self.proc, READY_MARK, self.output, timeout, "fleet front")
        except TimeoutError:
            self.kill()
            raise
