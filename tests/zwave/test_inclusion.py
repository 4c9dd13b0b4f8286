"""`lockgw zwave include|exclude|ping|heal|ports` against the real zwave-js server on zwave-js's
mock controller, with the daemon running beside them (one network and one daemon for the module).

What the mock controller simulates: a node joining (protocol inclusion), zwave-js's real S2 and
S0 key exchange with it, and the interview; a node answering a ping. What it does not: a node
leaving (it enters exclusion mode, but no node ever leaves, so exclusion is shown to start and to
end by itself, not to remove a lock), rebuilding routes (it refuses), and re-sending a message
after a nonce resync, so the DSK PIN must reach zwave-js at once (given with --dsk-pin or already
waiting on stdin), where a real lock waits for a person to type it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from zwave_js_server.const import SecurityClass
from zwave_js_server.model.controller.inclusion_and_provisioning import InclusionGrant

from drivers.zwave.inclusion import grant_for, judge
from drivers.zwave.ports import find_ports
from tests.support.api import client_for
from tests.support.daemon import Daemon
from tests.support.wait import eventually
from tests.support.zwave_sim import ZWaveSim

FRONT_DOOR = {"id": 2, "profile": "kwikset-250", "name": "Front door"}


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZWaveSim]:
    sim = ZWaveSim(tmp_path_factory.mktemp("zwave-inclusion"), [FRONT_DOOR])
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def hub(network: ZWaveSim, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    data_dir = tmp_path_factory.mktemp("zwave-inclusion-hub")
    config = data_dir / "lockgw.toml"
    config.write_text(f'[zwave]\nurl = "{network.url}"\n\n[pool]\nsize = 0\n')
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    yield daemon
    assert daemon.stop() == 0, daemon.log()


def lockgw(network: ZWaveSim, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", "zwave", *args, "--url", network.url],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def lock_waiting_to_join(network: ZWaveSim, **lock: Any) -> dict[str, Any]:
    """A lock in inclusion mode (its button pressed): the controller's next inclusion adds it."""
    response = network.http.post("/controller/include", json=lock)
    assert response.status_code == 200, response.text
    return dict(response.json()["pending"])


def device_names(hub: Daemon) -> set[str]:
    with client_for(hub) as client:
        return {d["display_name"] for d in client.get("/devices/list").json()["devices"]}


def test_the_simulators_lock_names_reach_the_devices(hub: Daemon) -> None:
    assert eventually(lambda: "Front door" in device_names(hub), timeout=60)


def test_a_lock_included_with_s2_access_control_and_its_typed_pin_becomes_a_device(
    network: ZWaveSim, hub: Daemon
) -> None:
    lock = lock_waiting_to_join(
        network, id=9, profile="kwikset-250", name="Side gate", security="S2_AccessControl"
    )
    result = lockgw(network, "include", "--timeout", "20", stdin=f"{lock['pin']}\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "granting S2 Access Control" in result.stdout
    assert f"the lock's DSK is XXXXX{lock['dsk'][5:]}" in result.stdout  # shown to check
    assert "node 9 joined with S2 Access Control" in result.stdout
    said = (result.stdout + result.stderr).replace(lock["dsk"][5:], "")
    assert lock["pin"] not in said  # typed, never echoed
    # The running daemon adopts it once zwave-js has interviewed it, under the lock's name.
    assert eventually(lambda: "Side gate" in device_names(hub), timeout=60)
    assert lockgw(network, "ping", "9").returncode == 0


def test_a_lock_without_s2_joins_with_s0_and_a_warning(network: ZWaveSim) -> None:
    lock = lock_waiting_to_join(network, id=10, profile="kwikset-250", security="S0_Legacy")
    result = lockgw(network, "include", "--timeout", "20", "--dsk-pin", lock["pin"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "node 10 joined with S0" in result.stdout
    assert "WARNING: the lock cannot do S2" in result.stdout


def test_a_lock_offering_neither_s2_nor_s0_is_an_error_that_says_what_to_do(
    network: ZWaveSim, hub: Daemon
) -> None:
    lock_waiting_to_join(network, id=11, profile="kwikset-250")
    result = lockgw(network, "include", "--timeout", "20")
    assert result.returncode == 1
    assert "node 11 joined, but the lock offers neither S2 nor S0" in result.stderr
    assert "lockgw zwave exclude" in result.stderr
    # The daemon takes it as a lock all the same, and the doctor names it with the way out.
    name = "Kwikset lock (node 11)"
    assert eventually(lambda: name in device_names(hub), timeout=60)
    doctor = subprocess.run(
        [sys.executable, "-m", "gateway", "doctor", "--data-dir", str(hub.data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    row = next(line for line in doctor.stdout.splitlines() if line.startswith(f"lock {name}"))
    assert "FAIL" in row and "WITHOUT S2" in row, doctor.stdout
    assert f"fix lock {name}: exclude it (`lockgw zwave exclude`)" in doctor.stdout


def test_inclusion_nobody_joins_ends_at_its_deadline_and_frees_the_controller(
    network: ZWaveSim,
) -> None:
    result = lockgw(network, "include", "--timeout", "1", "--dsk-pin", "12345")
    assert result.returncode == 1
    assert "no lock joined in 1 s" in result.stderr
    # The controller left inclusion mode: exclusion can start right after.
    result = lockgw(network, "exclude", "--timeout", "1")
    assert "exclusion mode for 1 s" in result.stdout, result.stderr
    assert result.returncode == 1
    assert "no device left the network in 1 s" in result.stderr


def test_a_bad_dsk_pin_option_is_refused_before_anything_starts(network: ZWaveSim) -> None:
    result = lockgw(network, "include", "--dsk-pin", "123")
    assert result.returncode == 2
    assert "--dsk-pin: the DSK PIN is 5 digits" in result.stderr


def test_ping_says_whether_a_lock_answers(network: ZWaveSim) -> None:
    assert "node 2 answers" in lockgw(network, "ping", "2").stdout
    network.act(2, "dead")
    try:
        silent = lockgw(network, "ping", "2")
    finally:
        network.act(2, "alive")
    assert silent.returncode == 1
    assert "node 2 does NOT answer" in silent.stdout
    assert "lockgw zwave heal 2" in silent.stdout
    unknown = lockgw(network, "ping", "42")
    assert unknown.returncode == 1
    assert "no node 42 on this network" in unknown.stderr


def test_heal_asks_the_controller_and_says_what_it_answered(network: ZWaveSim) -> None:
    # zwave-js's mock controller cannot rebuild routes: the command reaches it and its refusal
    # is said in one line (on a real stick the same command answers "routes rebuilt").
    result = lockgw(network, "heal", "2")
    assert result.returncode == 1
    assert "node 2: the controller could not rebuild its routes" in result.stdout


def test_an_unreachable_server_is_one_line_naming_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "zwave", "ping", "2", "--url", "ws://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("lockgw: zwave-js server ws://127.0.0.1:9:")
    assert len(result.stderr.strip().splitlines()) == 1


def _tty(sysfs: Path, dev: Path, name: str, usb_id: str | None) -> Path:
    (dev / name).touch()
    folder = sysfs / name / "device"
    folder.mkdir(parents=True)
    if usb_id is not None:
        vendor, product = usb_id.split(":")
        (sysfs / name / "idVendor").write_text(vendor + "\n")
        (sysfs / name / "idProduct").write_text(product + "\n")
    return dev / name


def test_ports_names_the_z_wave_stick_first_and_says_why(tmp_path: Path) -> None:
    dev, sysfs = tmp_path / "dev", tmp_path / "sys"
    (dev / "serial" / "by-id").mkdir(parents=True)
    _tty(sysfs, dev, "ttyACM0", "0658:0200")  # an Aeotec Z-Stick Gen5
    _tty(sysfs, dev, "ttyUSB0", "10c4:ea60")  # a CP210x bridge: a 700-series stick, or not
    _tty(sysfs, dev, "ttyUSB1", "0403:6001")  # an FTDI cable
    (dev / "serial" / "by-id" / "usb-0658_0200-if00").symlink_to(dev / "ttyACM0")
    ports = find_ports(dev, sysfs)
    assert [(p.path.name, p.verdict) for p in ports] == [
        ("usb-0658_0200-if00", "z-wave"),
        ("ttyUSB0", "maybe"),
        ("ttyUSB1", "no"),
    ]
    assert "Aeotec Z-Stick Gen5" in ports[0].why
    assert ports[0].device == dev / "ttyACM0"
    assert "CP210x" in ports[1].why


@pytest.mark.parametrize(
    ("requested", "granted", "warned"),
    [
        (
            [SecurityClass.S2_ACCESS_CONTROL, SecurityClass.S0_LEGACY],
            [SecurityClass.S2_ACCESS_CONTROL],
            False,
        ),
        ([SecurityClass.S2_AUTHENTICATED], [SecurityClass.S2_AUTHENTICATED], True),
    ],
)
def test_a_lock_is_granted_s2_access_control_alone_when_it_asks_for_it(
    requested: list[SecurityClass], granted: list[SecurityClass], warned: bool
) -> None:
    answer = grant_for(InclusionGrant(requested, client_side_auth=False))
    assert answer.grant.security_classes == granted
    assert (answer.warning is not None) is warned


def test_a_wrong_dsk_pin_is_named_as_the_reason_the_lock_is_not_secure() -> None:
    joined = judge(5, SecurityClass.NONE, {"lowSecurity": True, "lowSecurityReason": 6})
    assert joined.problem is not None and "the DSK PIN was wrong" in joined.problem
    assert "include it again" in joined.problem
