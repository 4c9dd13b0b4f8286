"""`lockgw doctor`'s checks of the hub as installed (scripts/install-hub): is the daemon running,
is the bundled zwave-js server's stick there, are its four security keys there.

The keys file and the server's folder are root's (`/etc/zwave-js-server` is root:zwave-js 0750):
run as the service user the doctor says it cannot look, and how to look; run as root it checks
them, and the rest of the doctor then runs as the data dir's owner (gateway/cli/owner.py), so
nothing it opens becomes root's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gateway.host.data_dir_lock import LOCK_FILE

SERVER_DIR = Path("/etc/zwave-js-server")
KEY_NAMES = (
    "ZWAVE_S0_KEY",
    "ZWAVE_S2_UNAUTHENTICATED_KEY",
    "ZWAVE_S2_AUTHENTICATED_KEY",
    "ZWAVE_S2_ACCESS_CONTROL_KEY",
)
KEY = re.compile(r"^[0-9a-fA-F]{32}$")
AS_ROOT = "sudo /opt/lockgw/.venv/bin/lockgw doctor --config /etc/lockgw/config.toml"


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool | None  # None: not applicable, or cannot be checked by this user
    detail: str
    fix: str | None = None


def daemon_running(data_dir: Path, proc: Path = Path("/proc")) -> Finding:
    """The daemon writes its pid into the data dir's lock file while it holds it."""
    name = "lockgw daemon"
    try:
        words = (data_dir / LOCK_FILE).read_text().split()
    except FileNotFoundError:
        words = []
    except OSError as exc:
        return Finding(name, None, f"cannot read {data_dir / LOCK_FILE}: {exc.strerror}")
    if len(words) >= 2 and words[0].isdigit() and words[1] == "daemon":
        try:
            command = (proc / words[0] / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            command = b""
        if b"serve" in command:
            return Finding(name, True, f"running (pid {words[0]})")
    return Finding(
        name,
        False,
        "not running",
        "sudo systemctl start lockgw; if it stops again, `journalctl -u lockgw -n 50` says why",
    )


def stick(server_dir: Path = SERVER_DIR) -> Finding:
    """The bundled server's stick (server.env's ZWAVE_STICK) is plugged in."""
    name = "Z-Wave stick"
    env = server_dir / "server.env"
    try:
        text = env.read_text()
    except FileNotFoundError:
        return Finding(name, None, "no bundled zwave-js server on this hub (server.env)")
    except PermissionError:
        return Finding(name, None, f"{env} is root's: `{AS_ROOT}` checks it")
    found = re.search(r"^ZWAVE_STICK=(.*)$", text, re.MULTILINE)
    path = found.group(1).strip() if found else ""
    if not path or "SET-ME" in path:
        return Finding(
            name,
            False,
            f"not set in {env}",
            "plug it in, `lockgw zwave ports` names it, then `sudo scripts/install-hub "
            "--zwave-stick /dev/serial/by-id/...`",
        )
    if not Path(path).exists():
        return Finding(
            name,
            False,
            f"{path} is missing (unplugged, or another USB port/name)",
            "plug it back in; `lockgw zwave ports` lists what is there; then `sudo systemctl "
            "restart zwave-js-server`",
        )
    return Finding(name, True, f"{path} present")


def keys(server_dir: Path = SERVER_DIR) -> Finding:
    """The four security keys of the bundled server: the server refuses to start without one,
    and without them every lock must be included again."""
    name = "Z-Wave keys"
    env = server_dir / "keys.env"
    try:
        text = env.read_text()
    except FileNotFoundError:
        if _exists(server_dir):
            return Finding(
                name,
                False,
                f"{env} is missing",
                "restore it from your backup (`lockgw restore`); only if you have none, "
                "`sudo scripts/install-hub` makes new ones (then every lock is included again)",
            )
        return Finding(name, None, "no bundled zwave-js server on this hub")
    except PermissionError:
        return Finding(name, None, f"{env} is root's: `{AS_ROOT}` checks it")
    values = dict(re.findall(r"^(ZWAVE_\w+)=(\S*)$", text, re.MULTILINE))
    bad = [k for k in KEY_NAMES if not KEY.match(values.get(k, ""))]
    if bad:
        return Finding(
            name,
            False,
            f"{', '.join(bad)} missing or not 32 hex digits in {env}",
            "put the lines back from your backup of keys.env (`lockgw restore` does), then "
            "`sudo systemctl restart zwave-js-server`",
        )
    mode = env.stat().st_mode & 0o777
    if mode & 0o077:
        return Finding(name, False, f"{env} is readable by others ({mode:o})", f"chmod 600 {env}")
    return Finding(name, True, f"all four in {env} (0600)")


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except PermissionError:
        return True
