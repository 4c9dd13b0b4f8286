"""Refusing the clock queries to a process, as a systemd unit with ProtectClock=yes does.

A seccomp filter (libseccomp through ctypes) makes adjtimex(2) and clock_adjtime(2) fail with
EPERM, so the daemon's fallback (systemd-timesyncd's flag file) is exercised for real.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
from collections.abc import Iterable
from pathlib import Path

_ALLOW = 0x7FFF0000
_ERRNO = 0x00050000
REFUSED = ("adjtimex", "clock_adjtime", "clock_adjtime64")

# A folder whose sitecustomize.py applies the filter when Python starts: put it on PYTHONPATH.
SITE = Path(__file__).resolve().parent / "refused_clock_query"


def refuse_clock_queries() -> None:
    """From now on this process (and its children) get EPERM from the clock queries."""
    refuse(REFUSED)


def refuse(syscalls: Iterable[str]) -> None:
    """From now on this process (and its children) get EPERM from these system calls."""
    lib = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2", use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    context = lib.seccomp_init(_ALLOW)
    if not context:
        raise OSError("seccomp_init failed")
    try:
        for name in syscalls:
            number = lib.seccomp_syscall_resolve_name(name.encode())
            if number < 0:  # not on this architecture (the *64 calls are 32-bit only)
                continue
            result = lib.seccomp_rule_add(context, _ERRNO | errno.EPERM, number, 0)
            if result < 0:
                raise OSError(-result, f"seccomp_rule_add({name}): {os.strerror(-result)}")
        result = lib.seccomp_load(context)
        if result < 0:
            raise OSError(-result, f"seccomp_load: {os.strerror(-result)}")
    finally:
        lib.seccomp_release(context)


def adjtimex_errno() -> int:
    """0 when adjtimex(2) answers in this process, else the errno it fails with."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    buffer = ctypes.create_string_buffer(512)
    return 0 if libc.adjtimex(buffer) >= 0 else ctypes.get_errno()
