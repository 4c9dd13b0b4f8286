"""Webhooks registered through the API, as an app written for the cloud does: signed deliveries
from the same outbox as the config's and the CLI's, one store for all three, and bad event
types or URLs refused naming the field."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from seam import Seam, SeamWebhook
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError
from svix.webhooks import Webhook as SvixWebhook

from tests.support import secrets_seen
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.receiver import Receiver
from tests.support.wait import eventually

CONFIG_HOOK = "http://127.0.0.1:9/declared-in-config"
CONFIG = f"""
[[virtual_locks]]
name = "Hook door"
profile = "zwave-30"
ref = "hooks-api-door"

[[webhooks]]
url = "{CONFIG_HOOK}"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
events = ["lock.locked"]

[webhook_delivery]
first_retry_seconds = 0.1
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    data_dir = tmp_path_factory.mktemp("webhooks-api")
    config = data_dir / "lockgw.toml"
    config.write_text(CONFIG)
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    yield daemon
    assert daemon.stop() == 0, daemon.log()


@pytest.fixture
def sdk(hub: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(hub.url, hub.key, openapi) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def _device(sdk: Seam) -> str:
    return sdk.devices.list()[0].device_id


def _types(receiver: Receiver) -> list[str]:
    return [json.loads(hit.body)["event_type"] for hit in receiver.snapshot()]


def _cli(hub: Daemon, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", "webhooks", *args, "--data-dir", str(hub.data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )


def _refused(call: Callable[[], object], field: str) -> SeamHttpInvalidInputError:
    with pytest.raises(SeamHttpInvalidInputError) as err:
        call()
    assert err.value.status_code == 400
    named = {v.parameter_name for v in err.value.validation_errors}
    assert field in named, f"the error should name {field}, named {named}"
    return err.value


def test_a_webhook_created_through_the_sdk_receives_signed_events(
    sdk: Seam, receiver: Receiver
) -> None:
    hook = sdk.webhooks.create(
        url=receiver.url, event_types=["access_code.created", "access_code.set_on_device"]
    )
    assert hook.secret is not None and hook.secret.startswith("whsec_")
    secrets_seen.KEYS.add(hook.secret)  # no daemon log may ever hold it
    try:
        code = sdk.access_codes.create(device_id=_device(sdk), name="Hooked")
        eventually(lambda: _types(receiver) == ["access_code.created", "access_code.set_on_device"])
        for hit in receiver.snapshot():
            event = SeamWebhook(hook.secret).verify(hit.body, hit.headers)
            assert SvixWebhook(hook.secret).verify(hit.body, hit.headers)["event_id"]
            assert event.access_code_id == code.access_code_id
        with pytest.raises(Exception, match=r"(?i)signature"):
            hit = receiver.snapshot()[0]
            SeamWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").verify(hit.body, hit.headers)
    finally:
        sdk.webhooks.delete(webhook_id=hook.webhook_id)


def test_list_get_update_and_delete_a_webhook(sdk: Seam, receiver: Receiver) -> None:
    created = sdk.webhooks.create(url=receiver.url)
    assert created.event_types == ["*"]  # the cloud's default: every event
    listed = {h.webhook_id: h for h in sdk.webhooks.list()}
    assert listed[created.webhook_id].url == receiver.url
    assert listed[created.webhook_id].secret is None  # a list never shows secrets
    got = sdk.webhooks.get(webhook_id=created.webhook_id)
    assert (got.url, got.secret, got.event_types) == (receiver.url, created.secret, ["*"])

    sdk.webhooks.update(webhook_id=created.webhook_id, event_types=["access_code.deleted"])
    assert sdk.webhooks.get(webhook_id=created.webhook_id).event_types == ["access_code.deleted"]
    # Deliveries go out in order: once the deletion is in, anything else queued before it
    # (created, set_on_device...) would have arrived first.
    code = sdk.access_codes.create(device_id=_device(sdk), name="Short-lived")
    sdk.access_codes.delete(access_code_id=code.access_code_id)
    eventually(lambda: "access_code.deleted" in _types(receiver))
    assert set(_types(receiver)) == {"access_code.deleted"}

    sdk.webhooks.delete(webhook_id=created.webhook_id)
    assert created.webhook_id not in {h.webhook_id for h in sdk.webhooks.list()}
    with pytest.raises(SeamHttpApiError) as err:
        sdk.webhooks.get(webhook_id=created.webhook_id)
    assert (err.value.status_code, err.value.code) == (404, "webhook_not_found")


def test_creating_a_registered_url_again_answers_the_same_webhook_with_the_new_types(
    sdk: Seam, receiver: Receiver
) -> None:
    first = sdk.webhooks.create(url=receiver.url, event_types=["lock.locked"])
    again = sdk.webhooks.create(url=receiver.url, event_types=["lock.unlocked"])
    try:
        assert (again.webhook_id, again.secret) == (first.webhook_id, first.secret)
        assert again.event_types == ["lock.unlocked"]
        assert [h.url for h in sdk.webhooks.list()].count(receiver.url) == 1
    finally:
        sdk.webhooks.delete(webhook_id=first.webhook_id)


def test_an_unknown_event_type_or_a_bad_url_is_refused_naming_the_field_and_nothing_is_stored(
    sdk: Seam, receiver: Receiver
) -> None:
    before = sdk.webhooks.list()
    misspelt = _refused(
        lambda: sdk.webhooks.create(url=receiver.url, event_types=["access_code.set"]),
        "event_types",
    )
    message = " ".join(misspelt.get_validation_error_messages("event_types"))
    assert "'access_code.set'" in message and "access_code.set_on_device" in message
    _refused(lambda: sdk.webhooks.create(url=receiver.url, event_types=[]), "event_types")
    for url in ("ftp://127.0.0.1/hook", "not a url", "http:///no-host"):
        _refused(lambda url=url: sdk.webhooks.create(url=url), "url")  # type: ignore[misc]
    assert sdk.webhooks.list() == before

    hook = sdk.webhooks.create(url=receiver.url, event_types=["lock.locked"])
    try:
        _refused(
            lambda: sdk.webhooks.update(webhook_id=hook.webhook_id, event_types=["lock.lockd"]),
            "event_types",
        )
        assert sdk.webhooks.get(webhook_id=hook.webhook_id).event_types == ["lock.locked"]
    finally:
        sdk.webhooks.delete(webhook_id=hook.webhook_id)


def test_the_cli_lists_api_webhooks_and_the_api_lists_the_clis(
    sdk: Seam, hub: Daemon, receiver: Receiver
) -> None:
    hook = sdk.webhooks.create(url=receiver.url, event_types=["device.connected"])
    try:
        listed = _cli(hub, "list")
        assert listed.returncode == 0, listed.stderr
        rows = [line.split("\t") for line in listed.stdout.splitlines()]
        assert [hook.webhook_id, receiver.url, "api", "device.connected"] in rows
    finally:
        sdk.webhooks.delete(webhook_id=hook.webhook_id)
    assert hook.webhook_id not in _cli(hub, "list").stdout

    other = "http://127.0.0.1:9/added-with-the-cli"
    added = _cli(hub, "add", other, "--events", "lock.unlocked")
    assert added.returncode == 0, added.stderr
    cli_secret = added.stdout.strip().splitlines()[-1]
    secrets_seen.KEYS.add(cli_secret)
    (found,) = [h for h in sdk.webhooks.list() if h.url == other]
    got = sdk.webhooks.get(webhook_id=found.webhook_id)
    assert (got.event_types, got.secret) == (["lock.unlocked"], cli_secret)
    sdk.webhooks.delete(webhook_id=found.webhook_id)
    assert other not in _cli(hub, "list").stdout


def test_a_webhook_declared_in_the_config_is_listed_but_read_only(sdk: Seam) -> None:
    (declared,) = [h for h in sdk.webhooks.list() if h.url == CONFIG_HOOK]
    got = sdk.webhooks.get(webhook_id=declared.webhook_id)
    assert got.event_types == ["lock.locked"]
    assert got.secret is None  # the owner wrote it in the config file; the API never shows it
    for call in (
        lambda: sdk.webhooks.update(webhook_id=declared.webhook_id, event_types=["*"]),
        lambda: sdk.webhooks.delete(webhook_id=declared.webhook_id),
    ):
        refused = _refused(call, "webhook_id")
        assert "config" in " ".join(refused.get_validation_error_messages("webhook_id"))
    refused = _refused(lambda: sdk.webhooks.create(url=CONFIG_HOOK), "url")
    assert "config" in str(refused)
    assert sdk.webhooks.get(webhook_id=declared.webhook_id).event_types == ["lock.locked"]


def test_the_cli_will_not_remove_a_webhook_its_config_still_declares(
    sdk: Seam, hub: Daemon
) -> None:
    (declared,) = [h for h in sdk.webhooks.list() if h.url == CONFIG_HOOK]
    assert hub.config is not None
    refused = _cli(hub, "remove", declared.webhook_id, "--config", str(hub.config))
    assert refused.returncode == 2 and "config" in refused.stderr
    rotate = _cli(hub, "add", CONFIG_HOOK, "--rotate-secret")
    assert rotate.returncode == 2 and "config" in rotate.stderr
    assert CONFIG_HOOK in {h.url for h in sdk.webhooks.list()}
