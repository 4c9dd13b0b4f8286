"""Which serial devices look like a Z-Wave controller, and why: `/dev/serial/by-id/*` (the stable
names to configure) and `ttyACM*`/`ttyUSB*`, judged by their USB vendor and product ids (from
sysfs) and by the words in their by-id names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# USB ids of chips and sticks sold as Z-Wave controllers.
ZWAVE_USB_IDS = {
    "0658:0200": "Sigma Designs/Silicon Labs Z-Wave stick (Aeotec Z-Stick Gen5, UZB, 500 series)",
    "1a86:55d4": "QinHeng CH9102 bridge (Zooz ZST39 and other 800-series sticks)",
}
# Generic USB-serial bridges many Z-Wave sticks use (and other devices too).
BRIDGE_USB_IDS = {
    "10c4:ea60": "Silicon Labs CP210x bridge (700/800-series sticks: Zooz ZST10, Aeotec "
    "Z-Stick 7...; also Zigbee sticks)",
    "1a86:7523": "QinHeng CH340 bridge (some Z-Wave sticks; also many other boards)",
}
ZWAVE_WORDS = ("z-wave", "zwave", "z_wave", "z-stick", "zst10", "zst39", "uzb", "zooz", "aeotec")
ZIGBEE_WORDS = ("zigbee", "conbee", "sonoff_zigbee", "skyconnect", "sky_connect")


@dataclass(frozen=True)
class Port:
    path: Path  # what to configure: the by-id link when there is one
    device: Path  # the tty it points at
    verdict: str  # "z-wave", "maybe", "no"
    why: str


def find_ports(dev: Path = Path("/dev"), sysfs: Path = Path("/sys/class/tty")) -> list[Port]:
    """Every USB serial device, the likely Z-Wave controllers first."""
    by_id = dev / "serial" / "by-id"
    links = sorted(by_id.iterdir()) if by_id.is_dir() else []
    seen: set[str] = set()
    ports = []
    for link in links:
        target = link.resolve()
        seen.add(target.name)
        ports.append(_judge(link, dev / target.name, sysfs))
    for tty in sorted([*dev.glob("ttyACM*"), *dev.glob("ttyUSB*")]):
        if tty.name not in seen:
            ports.append(_judge(tty, tty, sysfs))
    order = {"z-wave": 0, "maybe": 1, "no": 2}
    return sorted(ports, key=lambda p: (order[p.verdict], str(p.path)))


def usb_id(tty: str, sysfs: Path) -> str | None:
    """`vvvv:pppp` of the USB device behind a tty, from sysfs."""
    device = sysfs / tty / "device"
    for parent in (device / "..", device / ".." / ".."):
        try:
            vendor = (parent / "idVendor").read_text().strip().lower()
            product = (parent / "idProduct").read_text().strip().lower()
        except OSError:
            continue
        return f"{vendor}:{product}"
    return None


def _judge(path: Path, device: Path, sysfs: Path) -> Port:
    name = path.name.lower()
    ids = usb_id(device.name, sysfs)
    if ids in ZWAVE_USB_IDS:
        return Port(path, device, "z-wave", f"USB id {ids}: {ZWAVE_USB_IDS[ids]}")
    word = next((w for w in ZWAVE_WORDS if w in name), None)
    if word is not None:
        return Port(path, device, "z-wave", f"its name says {word!r}")
    if any(w in name for w in ZIGBEE_WORDS):
        return Port(path, device, "no", "its name says it is a Zigbee stick")
    if ids in BRIDGE_USB_IDS:
        return Port(path, device, "maybe", f"USB id {ids}: {BRIDGE_USB_IDS[ids]}")
    known = f"USB id {ids}" if ids else "no USB id in sysfs"
    return Port(path, device, "no", f"{known}: not a known Z-Wave controller")
