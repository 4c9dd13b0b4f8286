"""Whether the system says its clock is synchronised (NTP): the kernel first, then timesyncd.

The kernel answers through adjtimex(2) with modes = 0, a read-only query that needs no
privilege. Sandboxes may refuse it all the same (systemd's ProtectClock=yes filters the whole
adjtimex/clock_adjtime family, systemd issue #26413; so does a container's seccomp profile):
then systemd-timesyncd's flag file, touched at each successful synchronisation, answers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from pathlib import Path

TIME_ERROR = 5  # adjtimex(): "clock not synchronised"
TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
TIMESYNC_FLAG_ENV = "LOCKGW_TIMESYNC_FILE"  # where timesyncd's flag is (another root, tests)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def adjtimex_state() -> int | None:
    """adjtimex(2)'s clock state (TIME_OK ... TIME_ERROR); None when it is refused or absent."""
    libc = _libc()
    adjtimex = getattr(libc, "adjtimex", None)
    if adjtimex is None:
        return None
    buffer = ctypes.create_string_buffer(512)  # struct timex, zeroed: modes = 0 (read only)
    state = int(adjtimex(buffer))
    return None if state < 0 else state


def timesync_flag() -> Path:
    return Path(os.environ.get(TIMESYNC_FLAG_ENV) or TIMESYNC_FLAG)


def timesyncd_synchronised(flag: Path | None = None) -> bool | None:
    """True once timesyncd has synchronised the clock since boot; False while it runs without
    having done so (its runtime folder exists, the flag does not); None without timesyncd."""
    flag = flag or timesync_flag()
    try:
        if flag.exists():
            return True
        return False if flag.parent.is_dir() else None
    except OSError:  # not ours to read
        return None


def kernel_clock_synchronised() -> bool | None:
    """True/False from adjtimex(2); when that is refused, from systemd-timesyncd; None where
    neither can be asked."""
    state = adjtimex_state()
    if state is not None:
        return state != TIME_ERROR
    return timesyncd_synchronised()
