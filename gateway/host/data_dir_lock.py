"""One lockgw process owns a data dir: the daemon for its whole life, `lockgw restore` while it
replaces the database. Two daemons on one store would both write the same slots.

The owner holds an advisory lock (flock) on `DATA_DIR/lockgw.lock` and writes its pid and role
into the file, so a refusal names the other process. The kernel drops the lock when the
process ends, however it ends (kill -9, power loss): a stale file never blocks a start.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

LOCK_FILE = "lockgw.lock"
DAEMON = "daemon"
RESTORE = "restore"

_HOLDERS = {DAEMON: "another lockgw daemon", RESTORE: "`lockgw restore`"}


class DataDirInUse(Exception):
    """Another process holds the data dir."""

    def __init__(self, data_dir: Path, pid: int | None, role: str | None) -> None:
        holder = _HOLDERS.get(role or "", "another lockgw process")
        who = holder if pid is None else f"{holder} (pid {pid})"
        super().__init__(f"{data_dir} is in use by {who}")
        self.pid = pid


class DataDirLock:
    """Held from `take()` until `release()` (or the end of the `with` block, or the process)."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def take(cls, data_dir: Path, role: str = DAEMON) -> DataDirLock:
        """The data dir for this process, or DataDirInUse naming the process that has it."""
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / LOCK_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, holder_role = _holder(fd)
            os.close(fd)
            raise DataDirInUse(data_dir, pid, holder_role) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {role}\n".encode(), 0)
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)  # the file stays: unlinking it would race a new owner
        os.close(self._fd)  # closing the only descriptor drops the flock
        self._fd = None

    def __enter__(self) -> DataDirLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _holder(fd: int) -> tuple[int | None, str | None]:
    """The pid and role the owner wrote (None while it has not written them yet)."""
    try:
        words = os.pread(fd, 64, 0).decode("ascii", "replace").split()
    except OSError:
        return None, None
    pid = int(words[0]) if words and words[0].isdigit() else None
    role = words[1] if len(words) > 1 else None
    return pid, role
