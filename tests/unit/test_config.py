"""The configuration file, checked end to end: every mistake is one line naming the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gateway.config import ConfigError, load, parse

ROOT = Path(__file__).resolve().parents[2]

MISTAKES = [
    ("misspelt key", '[api]\nprot = 8484\n', "[api] prot: unknown key"),
    ("misspelt section", '[zwav]\nurl = "ws://127.0.0.1:3000"\n', "[zwav]: unknown key"),
    ("port as text", '[api]\nport = "abc"\n', "[api] port:"),
    ("port out of range", "[api]\nport = 70000\n", "[api] port:"),
    ("zwave url without a scheme", '[zwave]\nurl = "localhost:3000"\n', "must be ws:// or wss://"),
    ("webhook to ftp", '[[webhooks]]\nurl = "ftp://x/y"\nsecret = "s"\n', "[[webhooks]] #1 url"),
    ("webhook without secret", '[[webhooks]]\nurl = "http://x/y"\n', "#1 secret: missing"),
    ("negative pool", "[pool]\nsize = -1\n", "[pool] size:"),
    ("unknown log level", '[log]\nlevel = "LOUD"\n', "[log] level:"),
    ("tls key alone", '[api]\ntls_key = "/k.pem"\n', "tls_cert and tls_key go together"),
    ("not TOML", "[api\n", "not valid TOML"),
    ("keypad code without slot", '[[virtual_locks]]\nname = "A"\ncodes = [{ code = "1" }]\n',
     "[[virtual_locks]] #1 codes 0 slot: missing"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "says"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_a_mistake_in_the_config_is_one_line_naming_the_key(text: str, says: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse(text, "lockgw.toml")
    message = str(error.value)
    assert says in message and message.startswith("lockgw.toml: "), message
    assert "\n" not in message


def test_the_shipped_example_config_is_valid_and_typed() -> None:
    config = load(ROOT / "systemd" / "config.example.toml")
    assert config.port == 8484 and config.zwave_url == "ws://127.0.0.1:3000"
    assert config.tls_cert is None and config.event_retention_days == 30


def test_whole_numbers_are_fine_where_seconds_are_asked() -> None:
    config = parse(
        "[locks]\nstall_after_seconds = 3\n[webhook_delivery]\nfirst_retry_seconds = 1\n"
    )
    assert config.stall_after == 3.0 and config.webhook_first_retry == 1.0


def test_a_webhook_for_an_event_type_that_never_fires_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[[webhooks]]\nurl = "http://127.0.0.1:9/h"\nsecret = "whsec_x"\n'
        'events = ["access_code.set_on_devise"]\n'
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gateway",
            "webhooks",
            "list",
            "--config",
            str(config),
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    said = "[[webhooks]] #1 events: unknown event type 'access_code.set_on_devise'"
    assert said in result.stderr
