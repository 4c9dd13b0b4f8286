"""`[mqtt]` in the config is checked like every other section (one line naming the key), and
`lockgw doctor` says whether the broker takes the hub's credentials (a real Mosquitto)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.config import Config, ConfigError, MqttConfig, parse
from gateway.service.doctor import run_checks
from tests.mqtt.broker import USERS, Mosquitto
from tests.support.daemon import free_port


def test_mqtt_settings_are_read_with_their_defaults() -> None:
    config = parse('[mqtt]\nurl = "mqtts://broker.lan"\nca_file = "/etc/lockgw/ca.pem"\n')
    assert config.mqtt == MqttConfig(url="mqtts://broker.lan", ca_file=Path("/etc/lockgw/ca.pem"))
    assert config.mqtt.port == 8883 and config.mqtt.tls
    assert (config.mqtt.base_topic, config.mqtt.discovery_prefix) == ("lockgw", "homeassistant")
    assert parse("").mqtt is None
    assert parse('[mqtt]\nurl = "mqtt://10.0.0.2"\n').mqtt.port == 1883  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('url = "http://broker"', "[mqtt] url: must be mqtt:// or mqtts://"),
        ('url = "mqtt://broker:70000"', "[mqtt] url: has a bad port"),
        ('url = "mqtt://hub:pw@broker"', "[mqtt] url: must not hold credentials"),
        ('url = "mqtt://b"\nbase_topic = "lockgw/#"', "[mqtt] base_topic: must be topic levels"),
        ('url = "mqtt://b"\ndiscovery_prefix = "ha//x"', "[mqtt] discovery_prefix: must be"),
        ('url = "mqtt://b"\nusername = "hub"', "[mqtt] username and password go together"),
        ('url = "mqtt://b"\nca_file = "/ca.pem"', "[mqtt] ca_file: only for an mqtts:// url"),
        ('url = "mqtt://b"\nclient_id = ""', "[mqtt] client_id:"),
        ('url = "mqtt://b"\nretain = true', "[mqtt] retain: unknown key"),
        ("username = 'hub'", "[mqtt] url: missing"),
        ('url = "mqtt://b"\nusername = "hub"\npassword = 1234', "[mqtt] password: Input should be"),
    ],
)
def test_a_bad_mqtt_setting_is_one_line_naming_the_key(section: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse(f"[mqtt]\n{section}\n", "lockgw.toml")
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert "pw" not in str(refused.value)  # a credential is never echoed


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    mosquitto = Mosquitto(tmp_path_factory.mktemp("mosquitto"))
    mosquitto.start()
    yield mosquitto
    mosquitto.stop()


def _mqtt_check(config: Config, tmp_path: Path) -> tuple[bool | None, str]:
    check = next(c for c in run_checks(config, None, sysfs=tmp_path) if c.name == "MQTT broker")
    return check.ok, check.detail


def test_doctor_says_whether_the_broker_takes_the_hubs_credentials(
    broker: Mosquitto, tmp_path: Path
) -> None:
    good = MqttConfig(
        url=f"mqtts://127.0.0.1:{broker.tls_port}",
        username="lockgw",
        password=USERS["lockgw"],
        ca_file=broker.cert,
    )
    config = Config(data_dir=tmp_path, mqtt=good)
    assert _mqtt_check(config, tmp_path) == (True, f"{good.url} accepts lockgw")
    wrong = dataclasses.replace(good, password="not-the-password")
    ok, detail = _mqtt_check(dataclasses.replace(config, mqtt=wrong), tmp_path)
    assert ok is False and "not-the-password" not in detail
    untrusted = dataclasses.replace(good, ca_file=None)  # the self-signed cert is not trusted
    assert _mqtt_check(dataclasses.replace(config, mqtt=untrusted), tmp_path)[0] is False
    closed = dataclasses.replace(good, url=f"mqtt://127.0.0.1:{free_port()}", ca_file=None)
    assert _mqtt_check(dataclasses.replace(config, mqtt=closed), tmp_path)[0] is False
    assert _mqtt_check(Config(data_dir=tmp_path), tmp_path)[0] is None
