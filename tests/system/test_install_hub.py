"""`scripts/install-hub` staged into a scratch root (`--root DIR`): what lands where, with which
owner and mode, the keys generated once, the units verified, and nothing done to this system
(the commands that would change it are in DIR/.install-hub/plan)."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL_HUB = ROOT / "scripts" / "install-hub"
LOCKGW = Path(sys.executable).parent / "lockgw"
KEY_NAMES = (
    "ZWAVE_S0_KEY",
    "ZWAVE_S2_UNAUTHENTICATED_KEY",
    "ZWAVE_S2_AUTHENTICATED_KEY",
    "ZWAVE_S2_ACCESS_CONTROL_KEY",
)


def install(root: Path, *options: str) -> str:
    result = subprocess.run(
        [str(INSTALL_HUB), "--root", str(root), *options],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def debian(root: Path, version: str) -> Path:
    (root / "etc").mkdir(parents=True, exist_ok=True)
    (root / "etc" / "os-release").write_text(f'ID=debian\nVERSION_ID="{version}"\n')
    return root


def manifest(root: Path) -> dict[str, tuple[str, str, str]]:
    """path -> (mode, owner, group), as the installer would set them on a real system."""
    rows = (root / ".install-hub" / "manifest").read_text().split("\n")
    return {p: (m, o, g) for m, o, g, p in (r.split(" ") for r in rows if r)}


def plan(root: Path) -> list[str]:
    return (root / ".install-hub" / "plan").read_text().splitlines()


def keys(root: Path) -> dict[str, str]:
    text = (root / "etc/zwave-js-server/keys.env").read_text()
    return dict(line.split("=", 1) for line in text.splitlines() if not line.startswith("#"))


def mode(path: Path) -> str:
    return f"{stat.S_IMODE(path.stat().st_mode):04o}"


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    return debian(tmp_path / "hub", "12")


def test_a_fresh_install_lays_out_code_config_keys_and_units_with_their_owners(hub: Path) -> None:
    out = install(hub)
    owners = manifest(hub)
    assert owners["/etc/lockgw"] == ("0750", "root", "lockgw")
    assert owners["/etc/lockgw/config.toml"] == ("0640", "root", "lockgw")
    assert owners["/var/lib/lockgw"] == ("0700", "lockgw", "lockgw")
    assert owners["/etc/zwave-js-server/config.js"] == ("0640", "root", "zwave-js")
    assert owners["/etc/zwave-js-server/keys.env"] == ("0600", "root", "root")
    assert owners["/var/lib/zwave-js-server"] == ("0750", "zwave-js", "zwave-js")
    for path, (wanted, _, _) in owners.items():  # the modes are really applied in the stage
        assert mode(hub / path.lstrip("/")) == wanted, path
    assert (hub / "opt/lockgw/gateway/cli/main.py").is_file()
    assert not list((hub / "opt/lockgw").rglob("__pycache__"))
    assert not (hub / "opt/lockgw/tests").exists()
    # `sudo lockgw ...` runs as the service user: what it creates in the data dir is the daemon's
    wrapper = (hub / "usr/local/bin/lockgw").read_text()
    assert "exec runuser -u lockgw -- /opt/lockgw/.venv/bin/lockgw" in wrapper
    config = (hub / "etc/lockgw/config.toml").read_text()
    assert 'url = "ws://127.0.0.1:3000"' in config and 'data_dir = "/var/lib/lockgw"' in config
    # the server is the one the tests run: the same lock file
    lock = hub / "opt/zwave-js-server/package-lock.json"
    assert lock.read_bytes() == (ROOT / "hardware-sim/zwave/package-lock.json").read_bytes()
    packages = json.loads(lock.read_text())["packages"]
    assert packages["node_modules/zwave-js"]["version"] == "15.29.0"
    assert packages["node_modules/@zwave-js/server"]["version"] == "3.10.2"
    # no stick yet: the summary says how to find it, and nothing is started
    assert "ls -l /dev/serial/by-id/" in out and "keys.env" in out
    assert (
        "ZWAVE_STICK=/dev/serial/by-id/SET-ME"
        in (hub / "etc/zwave-js-server/server.env").read_text()
    )
    assert not any(line.startswith("systemctl start") for line in plan(hub))


def test_nothing_on_this_system_is_touched_and_the_plan_says_what_would_be(hub: Path) -> None:
    install(hub)
    steps = plan(hub)
    assert any(
        s.startswith("useradd --system --user-group") and s.endswith(" lockgw") for s in steps
    )
    assert any("--groups dialout zwave-js" in s for s in steps)
    assert "systemctl enable zwave-js-server.service lockgw.service" in steps
    assert (
        "npm ci --prefix /opt/zwave-js-server --omit=dev --no-audit --no-fund --loglevel=error"
        in steps
    )
    assert any("deb.nodesource.com" in s for s in steps)
    nodesource = (hub / "etc/apt/sources.list.d/nodesource.list").read_text()
    assert "https://deb.nodesource.com/node_22.x nodistro main" in nodesource


def test_the_hub_venv_gets_production_dependencies_only(hub: Path) -> None:
    install(hub)
    pip = [s for s in plan(hub) if s.startswith("/opt/lockgw/.venv/bin/pip install")]
    assert pip[-1].endswith("--upgrade -e /opt/lockgw"), pip  # no [dev] extra
    text = "\n".join(plan(hub))
    for tool in ("pytest", "mypy", "ruff", "bumble", "hypothesis", "seam", "dev]"):
        assert tool not in text, tool


def test_debian_12_gets_a_uv_managed_python_and_debian_13_its_own(tmp_path: Path) -> None:
    twelve = debian(tmp_path / "12", "12")
    install(twelve)
    steps = plan(twelve)
    assert (
        "/opt/lockgw/tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8" in steps
    )
    assert (
        "env UV_PYTHON_INSTALL_DIR=/opt/lockgw/python /opt/lockgw/tools/bin/uv python install 3.13"
        in steps
    )
    thirteen = debian(tmp_path / "13", "13")
    install(thirteen)
    steps = plan(thirteen)
    assert "/usr/bin/python3 -m venv --clear /opt/lockgw/.venv" in steps
    assert not any("uv" in s.split() or "/tools/" in s for s in steps)
    assert any(s.endswith("python3 python3-venv") for s in steps)


def test_an_unknown_release_is_refused_in_one_line(tmp_path: Path) -> None:
    root = debian(tmp_path / "11", "11")
    result = subprocess.run(
        [str(INSTALL_HUB), "--root", str(root)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "12 and 13" in result.stderr


def test_the_four_keys_are_distinct_16_byte_hex_and_never_regenerated(hub: Path) -> None:
    install(hub)
    first = keys(hub)
    assert set(first) == set(KEY_NAMES)
    assert all(re.fullmatch(r"[0-9a-f]{32}", k) for k in first.values())
    assert len(set(first.values())) == 4
    before = {
        p: (hub / p.lstrip("/")).read_bytes()
        for p in manifest(hub)
        if (hub / p.lstrip("/")).is_file()
    }
    install(hub)  # idempotent
    assert keys(hub) == first
    after = {
        p: (hub / p.lstrip("/")).read_bytes()
        for p in manifest(hub)
        if (hub / p.lstrip("/")).is_file()
    }
    assert after == before
    install(hub, "--upgrade")
    assert keys(hub) == first
    assert mode(hub / "etc/zwave-js-server/keys.env") == "0600"
    assert "systemctl enable zwave-js-server.service lockgw.service" in plan(hub)


def test_a_keys_file_missing_some_keys_is_completed_not_replaced(hub: Path) -> None:
    keys_file = hub / "etc/zwave-js-server/keys.env"
    keys_file.parent.mkdir(parents=True)
    keys_file.write_text("ZWAVE_S0_KEY=00112233445566778899aabbccddeeff\n")
    install(hub)
    found = keys(hub)
    assert found["ZWAVE_S0_KEY"] == "00112233445566778899aabbccddeeff"
    assert set(found) == set(KEY_NAMES) and len(set(found.values())) == 4


SERVER = ROOT / "hardware-sim/zwave/node_modules/@zwave-js/server/dist-esm/bin/server.js"


def start_server(config: Path, env: dict[str, str]) -> str:
    """The pinned @zwave-js/server, as the unit starts it, on a stick that is not there: what
    it says before giving up (it gets to the serial port only once its config is sound)."""
    node = shutil.which("node")
    assert node is not None
    result = subprocess.run(
        [
            node,
            str(SERVER),
            "/dev/serial/by-id/no-such-stick",
            "--config",
            str(config),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--disable-dns-sd",
        ],
        env={"PATH": os.environ["PATH"], "TZ": "UTC", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout + result.stderr


@pytest.mark.skipif(not SERVER.exists() or shutil.which("node") is None, reason="npm ci not run")
def test_the_pinned_server_takes_the_installed_config_with_the_generated_keys(
    hub: Path, tmp_path: Path
) -> None:
    install(hub)
    installed = (hub / "etc/zwave-js-server/config.js").read_text()
    assert "interview: { queryAllUserCodes: true }" in installed
    config = tmp_path / "config.js"  # its cache in the test's folder, not /var/lib
    config.write_text(installed.replace("/var/lib/zwave-js-server", str(tmp_path / "cache")))
    said = start_server(config, keys(hub))
    assert "Failed to open the serial port" in said, said
    assert "failed loading config file" not in said
    # one key missing: the TypeError the issue saw (so the check above can fail)
    fewer = {k: v for k, v in keys(hub).items() if k != "ZWAVE_S2_ACCESS_CONTROL_KEY"}
    assert "failed loading config file" in start_server(config, fewer)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root")
def test_the_server_config_is_readable_by_the_user_and_group_the_unit_runs_as(hub: Path) -> None:
    install(hub)
    unit = (hub / "etc/systemd/system/zwave-js-server.service").read_text()
    settings = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line)
    config = "/etc/zwave-js-server/config.js"
    file_mode, owner, group = manifest(hub)[config]
    assert settings["User"] == "zwave-js" and settings["Group"] == group
    # Stand-ins on this machine (the staged users do not exist here): nobody for zwave-js,
    # nogroup for its group; the owner and group as the manifest says, and the unit's identity.
    # pytest's tmp dirs are root's alone: the copy (mode kept) goes where anyone may look.
    where = Path(tempfile.mkdtemp(prefix="lockgw-install-"))
    try:
        where.chmod(0o755)  # the directory's own rights are the manifest's 0750 root:zwave-js
        staged = where / "config.js"
        shutil.copy2(hub / config.lstrip("/"), staged)
        os.chown(staged, 0 if owner == "root" else 65534, 65534)
        assert read_as(staged, "nogroup") == 0  # Group=zwave-js, as the unit runs it
        assert read_as(staged, "dialout") != 0  # the old Group=dialout could not read it
    finally:
        shutil.rmtree(where)
    assert file_mode == "0640"
    assert manifest(hub)["/etc/zwave-js-server"] == ("0750", "root", group)


def read_as(path: Path, gid: str) -> int:
    return subprocess.run(
        ["setpriv", "--reuid=nobody", f"--regid={gid}", "--clear-groups", "cat", str(path)],
        capture_output=True,
        check=False,
    ).returncode


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_the_installed_units_pass_systemd_analyze_verify(hub: Path, tmp_path: Path) -> None:
    install(hub, "--zwave-stick", "/dev/serial/by-id/usb-0658_0200-if00")
    checked = tmp_path / "units"
    checked.mkdir()
    for unit in ("lockgw.service", "zwave-js-server.service"):
        text = (hub / "etc/systemd/system" / unit).read_text()
        if not Path("/usr/bin/node").exists():  # the unit's ExecStart must exist to verify
            text = text.replace("/usr/bin/node", "/bin/true")
        (checked / unit).write_text(text.replace("/opt/lockgw/.venv/bin/lockgw", str(LOCKGW)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(checked / u) for u in sorted(os.listdir(checked)))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    server = (hub / "etc/zwave-js-server/server.env").read_text()
    assert "ZWAVE_STICK=/dev/serial/by-id/usb-0658_0200-if00" in server
    assert "systemctl start zwave-js-server.service lockgw.service" in plan(hub)


def test_an_existing_zwave_server_is_used_instead_of_the_bundled_one(hub: Path) -> None:
    install(hub, "--zwave-url", "ws://192.168.1.10:3000")
    config = (hub / "etc/lockgw/config.toml").read_text()
    assert 'url = "ws://192.168.1.10:3000"' in config
    assert not (hub / "etc/systemd/system/zwave-js-server.service").exists()
    assert not (hub / "opt/zwave-js-server").exists()
    steps = plan(hub)
    assert "systemctl enable lockgw.service" in steps
    assert not any("npm" in s for s in steps)
    install(hub, "--upgrade")  # remembered
    assert not (hub / "etc/systemd/system/zwave-js-server.service").exists()
    assert "systemctl restart lockgw.service" in plan(hub)


def test_uninstall_removes_code_and_units_but_keeps_data_config_and_keys(hub: Path) -> None:
    install(hub)
    first = keys(hub)
    out = install(hub, "--uninstall")
    for gone in (
        "opt/lockgw",
        "opt/zwave-js-server",
        "usr/local/bin/lockgw",
        "etc/systemd/system/lockgw.service",
        "etc/systemd/system/zwave-js-server.service",
    ):
        assert not (hub / gone).exists(), gone
    assert keys(hub) == first
    assert (hub / "etc/lockgw/config.toml").exists() and (hub / "var/lib/lockgw").is_dir()
    assert "systemctl disable --now lockgw.service" in plan(hub)
    assert "keys.env" in out
    assert "/opt/lockgw" not in manifest(hub)
    install(hub)  # and back again, with the same keys
    assert keys(hub) == first


def test_every_lockgw_command_in_install_md_works_on_the_installed_config(
    hub: Path, tmp_path: Path
) -> None:
    """INSTALL.md's `sudo lockgw ...` lines, in its order, on the config the installer wrote
    (its data dir and backup folder moved into the test's folder). Bluetooth ones are only
    parsed (`--help`): there is no adapter here."""
    install(hub)
    data_dir, backups = tmp_path / "var-lib-lockgw", tmp_path / "backups"
    backups.mkdir()
    data_dir.mkdir(mode=0o700)  # as the installer makes /var/lib/lockgw
    config = hub / "etc/lockgw/config.toml"
    config.write_text(config.read_text().replace('"/var/lib/lockgw"', f'"{data_dir}"'))
    text = (ROOT / "INSTALL.md").read_text()
    commands = [c.strip() for c in re.findall(r"sudo lockgw ([^`\n#]+)", text)]
    commands = [c for c in commands if not c.startswith("...")]
    assert [c for c in commands if c.startswith("zwave include")]
    names = [c.split()[0] for c in commands]
    for needed in ("keys", "doctor", "devices", "backup", "restore", "ble"):
        assert needed in names, needed
    for command in commands:
        line = command.replace("/etc/lockgw/config.toml", str(config)).replace(
            "/var/backups/lockgw/", f"{backups}/"
        )
        if command.startswith(("ble ", "zwave ")):  # no adapter, no zwave-js server here
            line = line.replace("NODE", "2") + " --help"
        result = subprocess.run(
            f"{LOCKGW} {line}", shell=True, capture_output=True, text=True, check=False
        )
        said = result.stdout + result.stderr
        if command.startswith("doctor"):  # exit 1 when a check fails (no zwave-js here)
            assert result.returncode in (0, 1) and "database" in said, f"{command}\n{said}"
        else:
            assert result.returncode == 0, f"{command}\n{said}"
