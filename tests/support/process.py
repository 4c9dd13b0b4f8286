"""Waiting for a peer process to say it is ready, keeping everything it prints."""

from __future__ import annotations

import queue
import subprocess
import threading
import time


def wait_for_ready(
    proc: subprocess.Popen[str], mark: str, output: list[str], timeout: float, what: str
) -> None:
    """Copy the process's output into `output` (a thread keeps doing so for its whole life) and
    return once a line contains `mark`. TimeoutError if it does not come in time, RuntimeError
    if the process exits first; both carry the output so far."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"{what} not ready:\n" + "".join(output)) from None
        if line is None:
            raise RuntimeError(f"{what} exited before ready:\n" + "".join(output))
        if mark in line:
            return
