"""Moving one process's wall clock, never the system's: libfaketime (Debian package
`faketime`) preloaded into the daemon, reading its offset from a file the test rewrites.

Only the wall clock moves (DONT_FAKE_MONOTONIC=1): that is what an NTP step, a wrong
`date -s` or a bad time source does to a running hub.
"""

from __future__ import annotations

import glob
import os
import subprocess
from pathlib import Path


def libfaketime() -> Path:
    """Where the Debian package put libfaketime.so.1 (`dpkg -L libfaketime`)."""
    try:
        listed = subprocess.run(
            ["dpkg", "-L", "libfaketime"], capture_output=True, text=True, check=False
        ).stdout.splitlines()
    except FileNotFoundError:
        listed = []
    found = [p for p in listed if p.endswith("/libfaketime.so.1")]
    found += glob.glob("/usr/lib/*/faketime/libfaketime.so.1")
    if not found:
        raise RuntimeError("libfaketime is not installed (Debian package `faketime`)")
    return Path(found[0])


class WallClockOffset:
    """The daemon's wall clock is the real one plus the offset written here ("+0", "+2h")."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "faketime-offset"
        self.set("+0")

    def set(self, offset: str) -> None:
        staged = self.file.with_suffix(".new")
        staged.write_text(offset + "\n")
        os.replace(staged, self.file)  # the daemon never reads a half-written file

    def env(self) -> dict[str, str]:
        return {
            "LD_PRELOAD": str(libfaketime()),
            "FAKETIME_TIMESTAMP_FILE": str(self.file),
            "FAKETIME_NO_CACHE": "1",
            "DONT_FAKE_MONOTONIC": "1",
        }
