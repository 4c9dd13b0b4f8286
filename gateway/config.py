"""The daemon's configuration: a TOML file, overridden by command-line flags."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class KeypadCode:
    slot: int
    code: str
    name: str | None = None


@dataclass(frozen=True)
class VirtualLockConfig:
    name: str
    profile: str
    ref: str
    # Codes already on the lock when the gateway first sees it (someone set them at the keypad).
    codes: tuple[KeypadCode, ...] = ()


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    secret: str
    events: tuple[str, ...] | None = None


def check_webhook_url(url: str) -> str:
    """Only http(s) URLs with a host: a webhook must be somewhere the hub can POST to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"webhook URL must be http:// or https:// with a host, not {url!r}")
    return url


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8484
    data_dir: Path = Path("/var/lib/lockgw")
    pool_size: int = 5
    virtual_locks: tuple[VirtualLockConfig, ...] = ()
    # Virtual locks hosted by another process (hardware-sim/virtual/run).
    virtual_server_url: str | None = None
    log_level: str = "INFO"
    webhooks: tuple[WebhookConfig, ...] = ()
    webhook_first_retry: float = 5.0  # seconds; doubles per attempt, for at least 24 hours
    event_retention_days: float = 30.0
    # None: advertise over mDNS unless the API listens on loopback only.
    mdns: bool | None = None
    # Work waiting this long for a successful pass makes a lock "stalled" (warned everywhere).
    stall_after: float = 300.0
    extra: dict[str, Any] = field(default_factory=dict)


# What `--sim` adds when no hardware is configured.
SIM_LOCKS = (
    VirtualLockConfig(
        name="Front door",
        profile="zwave-30",
        ref="sim-front-door",
        codes=(KeypadCode(slot=1, code="4711", name="Owner"),),
    ),
    VirtualLockConfig(name="Back door", profile="zwave-250", ref="sim-back-door"),
    VirtualLockConfig(name="Garage", profile="nuki", ref="sim-garage"),
)


def _virtual_lock(index: int, raw: dict[str, Any]) -> VirtualLockConfig:
    try:
        name = str(raw["name"])
        codes = tuple(
            KeypadCode(slot=int(c["slot"]), code=str(c["code"]), name=c.get("name"))
            for c in raw.get("codes", [])
        )
        return VirtualLockConfig(
            name=name,
            profile=str(raw.get("profile", "zwave-30")),
            ref=str(raw.get("ref", f"virtual-{index}")),
            codes=codes,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"virtual_locks[{index}]: {exc}") from None


def _webhook(index: int, raw: dict[str, Any]) -> WebhookConfig:
    try:
        events = raw.get("events")
        return WebhookConfig(
            url=check_webhook_url(str(raw["url"])),
            secret=str(raw["secret"]),
            events=None if events is None else tuple(str(e) for e in events),
        )
    except KeyError as exc:
        raise ConfigError(f"webhooks[{index}]: missing {exc}") from None


def _optional_bool(section: dict[str, Any], key: str) -> bool | None:
    value = section.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise ConfigError(f"{key} must be true or false, not {value!r}")


def load(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    api = raw.get("api", {})
    store = raw.get("store", {})
    locks = tuple(_virtual_lock(i, item) for i, item in enumerate(raw.get("virtual_locks", [])))
    hooks = tuple(_webhook(i, item) for i, item in enumerate(raw.get("webhooks", [])))
    delivery = raw.get("webhook_delivery", {})
    return Config(
        webhooks=hooks,
        webhook_first_retry=float(delivery.get("first_retry_seconds", 5.0)),
        event_retention_days=float(raw.get("events", {}).get("retention_days", 30)),
        host=str(api.get("host", "127.0.0.1")),
        port=int(api.get("port", 8484)),
        data_dir=Path(store.get("data_dir", "/var/lib/lockgw")),
        pool_size=int(raw.get("pool", {}).get("size", 5)),
        virtual_locks=locks,
        virtual_server_url=raw.get("virtual_server", {}).get("url"),
        log_level=str(raw.get("log", {}).get("level", "INFO")),
        mdns=_optional_bool(api, "mdns"),
        stall_after=float(raw.get("locks", {}).get("stall_after_seconds", 300.0)),
        extra=raw,
    )
