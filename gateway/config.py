"""The daemon's configuration: a TOML file, overridden by command-line flags.

The file is checked against a schema end to end: an unknown key, a wrong type, a bad URL or a
value out of range is one line naming the key, the value and what is allowed. What the rest of
the gateway sees is `Config`, typed, with no raw dictionaries left in it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


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
    return _url(url, ("http", "https"))


def _url(url: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.hostname:
        allowed = " or ".join(f"{s}://" for s in schemes)
        raise ValueError(f"must be {allowed} with a host, not {url!r}")
    return url


@dataclass(frozen=True)
class MqttConfig:
    """The MQTT broker the hub publishes its state and events to (and takes commands from)."""

    url: str  # mqtt://host[:1883] or mqtts://host[:8883]
    username: str | None = None
    password: str | None = None
    client_id: str = "lockgw"
    base_topic: str = "lockgw"
    discovery_prefix: str = "homeassistant"  # Home Assistant's MQTT discovery
    ca_file: Path | None = None  # mqtts: the CA that signed the broker's certificate
    # A hub of a fleet (docs/FLEET.md): its topics live under `{base_topic}/hubs/{hub_id}/`.
    hub_id: str | None = None

    @property
    def tls(self) -> bool:
        return urlsplit(self.url).scheme == "mqtts"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or (8883 if self.tls else 1883)


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
    # The API over TLS: both or neither.
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # The zwave-js server, and how long start-up waits for it before serving the API.
    zwave_url: str | None = None
    zwave_connect_wait: float = 5.0
    # Z-Wave node ids whose owner lets PINs be sent to them although they were included
    # without S2 Access Control or S0 (PINs then travel over the air in the clear).
    zwave_allow_insecure_nodes: tuple[int, ...] = ()
    # The bleak backend Nuki locks are reached through ("module:function"; None: BlueZ).
    nuki_radio: str | None = None
    nuki_radio_argument: str = ""
    # MQTT: state, events and commands, with Home Assistant discovery (None: not configured).
    mqtt: MqttConfig | None = None


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

# -- the file's schema ---------------------------------------------------------------------------

Positive = Annotated[float, Field(gt=0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Api(_Section):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8484
    mdns: bool | None = None
    tls_cert: str | None = None
    tls_key: str | None = None


class _Store(_Section):
    data_dir: str = "/var/lib/lockgw"


class _Pool(_Section):
    size: Annotated[int, Field(ge=0)] = 5  # 0: no backup pool on any lock


class _Events(_Section):
    retention_days: Positive = 30.0


class _Log(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class _ZWave(_Section):
    url: str | None = None
    connect_wait_seconds: Annotated[float, Field(ge=0)] = 5.0
    allow_insecure_nodes: list[Annotated[int, Field(ge=2, le=4000)]] = []

    @field_validator("url")
    @classmethod
    def _websocket(cls, url: str | None) -> str | None:
        return None if url is None else _url(url, ("ws", "wss"))


# A fleet hub's name: also its broker user (the fleet's ACL names each hub by it) and one topic
# level, so no `/`, `+` or `#`.
HUB_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class _Mqtt(_Section):
    url: str
    username: str | None = None
    password: str | None = None
    # None: "lockgw", or "lockgw-<hub_id>" for a fleet hub (one broker, one client id each).
    client_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    base_topic: str = "lockgw"
    discovery_prefix: str = "homeassistant"
    ca_file: str | None = None
    hub_id: str | None = None

    @field_validator("hub_id")
    @classmethod
    def _hub_id(cls, hub_id: str | None) -> str | None:
        if hub_id is not None and not HUB_ID.match(hub_id):
            raise ValueError(
                "must be 1 to 63 lower-case letters, digits, - or _, starting with a letter or "
                "digit (it is a topic level and the hub's broker user in the fleet)"
            )
        return hub_id

    @field_validator("base_topic", "discovery_prefix")
    @classmethod
    def _topic(cls, topic: str) -> str:
        levels = topic.split("/")
        if any(not level or "+" in level or "#" in level or "\0" in level for level in levels):
            raise ValueError("must be topic levels joined by /, none empty, no + or #")
        return topic

    @field_validator("url")
    @classmethod
    def _broker(cls, url: str) -> str:
        _url(url, ("mqtt", "mqtts"))
        try:
            urlsplit(url).port  # noqa: B018 (raises on a bad port)
        except ValueError:
            raise ValueError("has a bad port") from None
        return url


class _Nuki(_Section):
    radio: str | None = None
    radio_argument: str = ""


class _VirtualServer(_Section):
    url: str

    @field_validator("url")
    @classmethod
    def _http(cls, url: str) -> str:
        return _url(url, ("http", "https"))


class _KeypadCode(_Section):
    slot: Annotated[int, Field(ge=1)]
    code: str
    name: str | None = None


class _VirtualLock(_Section):
    name: str
    profile: str = "zwave-30"
    ref: str | None = None
    codes: list[_KeypadCode] = []


class _Webhook(_Section):
    url: str
    secret: str
    events: list[str] | None = None

    @field_validator("url")
    @classmethod
    def _http(cls, url: str) -> str:
        return check_webhook_url(url)


class _WebhookDelivery(_Section):
    first_retry_seconds: Positive = 5.0


class _Locks(_Section):
    stall_after_seconds: Positive = 300.0


class _File(_Section):
    api: _Api = _Api()
    store: _Store = _Store()
    pool: _Pool = _Pool()
    events: _Events = _Events()
    log: _Log = _Log()
    zwave: _ZWave = _ZWave()
    nuki: _Nuki = _Nuki()
    mqtt: _Mqtt | None = None
    virtual_server: _VirtualServer | None = None
    virtual_locks: list[_VirtualLock] = []
    webhooks: list[_Webhook] = []
    webhook_delivery: _WebhookDelivery = _WebhookDelivery()
    locks: _Locks = _Locks()


def _where(loc: tuple[int | str, ...]) -> str:
    """('zwave', 'url') -> '[zwave] url'; ('webhooks', 0, 'url') -> '[[webhooks]] #1 url'."""
    if not loc:
        return "the file"
    section, rest = str(loc[0]), list(loc[1:])
    head = f"[{section}]"
    if rest and isinstance(index := rest[0], int):
        head = f"[[{section}]] #{index + 1}"
        rest = rest[1:]
    return " ".join([head, *(str(part) for part in rest)])


def _problem(error: Any) -> str:
    where = _where(tuple(error["loc"]))
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key (misspelt?)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"{where}: missing"
    if tuple(error["loc"][-1:]) == ("password",):  # [mqtt] password: never echoed
        return f"{where}: {message}"
    return f"{where}: {message} (got {error['input']!r})"


def parse(text: str, origin: str = "config") -> Config:
    """The configuration in `text` (TOML); ConfigError naming the first bad key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    try:
        file = _File.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{origin}: {_problem(exc.errors()[0])}") from None
    if (file.api.tls_cert is None) != (file.api.tls_key is None):
        raise ConfigError(f"{origin}: [api] tls_cert and tls_key go together: give both or neither")
    mqtt = _mqtt(file.mqtt, origin)
    return Config(
        mqtt=mqtt,
        host=file.api.host,
        port=file.api.port,
        mdns=file.api.mdns,
        tls_cert=None if file.api.tls_cert is None else Path(file.api.tls_cert),
        tls_key=None if file.api.tls_key is None else Path(file.api.tls_key),
        data_dir=Path(file.store.data_dir),
        pool_size=file.pool.size,
        event_retention_days=file.events.retention_days,
        log_level=file.log.level,
        zwave_url=file.zwave.url,
        zwave_connect_wait=file.zwave.connect_wait_seconds,
        zwave_allow_insecure_nodes=tuple(file.zwave.allow_insecure_nodes),
        nuki_radio=file.nuki.radio,
        nuki_radio_argument=file.nuki.radio_argument,
        virtual_server_url=None if file.virtual_server is None else file.virtual_server.url,
        virtual_locks=tuple(
            VirtualLockConfig(
                name=lock.name,
                profile=lock.profile,
                ref=lock.ref or f"virtual-{index}",
                codes=tuple(KeypadCode(c.slot, c.code, c.name) for c in lock.codes),
            )
            for index, lock in enumerate(file.virtual_locks)
        ),
        webhooks=tuple(
            WebhookConfig(
                hook.url, hook.secret, None if hook.events is None else tuple(hook.events)
            )
            for hook in file.webhooks
        ),
        webhook_first_retry=file.webhook_delivery.first_retry_seconds,
        stall_after=file.locks.stall_after_seconds,
    )


def _mqtt(section: _Mqtt | None, origin: str) -> MqttConfig | None:
    if section is None:
        return None
    if "@" in urlsplit(section.url).netloc:  # shown wherever the url is (doctor, logs): refused
        raise ConfigError(
            f"{origin}: [mqtt] url: must not hold credentials (give username and password)"
        )
    if (section.username is None) != (section.password is None):
        raise ConfigError(f"{origin}: [mqtt] username and password go together: give both")
    if section.ca_file is not None and not section.url.startswith("mqtts:"):
        raise ConfigError(f"{origin}: [mqtt] ca_file: only for an mqtts:// url")
    return MqttConfig(
        url=section.url,
        username=section.username,
        password=section.password,
        client_id=section.client_id or _client_id(section.hub_id),
        base_topic=section.base_topic,
        discovery_prefix=section.discovery_prefix,
        ca_file=None if section.ca_file is None else Path(section.ca_file),
        hub_id=section.hub_id,
    )


def _client_id(hub_id: str | None) -> str:
    """Hubs of a fleet share one broker: each its own client id (the same id would make the
    broker drop one hub's connection whenever another connects)."""
    return "lockgw" if hub_id is None else f"lockgw-{hub_id}"


def load(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    return parse(text, str(path))
