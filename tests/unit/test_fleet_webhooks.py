"""The fleet's webhooks as a front keeps them (gateway.fleet.webhooks): the retained document
read, changed and written back, in Seam's shapes."""

from __future__ import annotations

import asyncio

import pytest

from gateway.fleet.webhooks import FrontWebhooks, view
from gateway.wire import fleet_webhooks as doc
from gateway.wire.errors import ApiError
from gateway.wire.fleet_webhooks import FleetWebhook
from gateway.wire.webhooks import CreateWebhook, UpdateWebhook, WebhookRef

THEIRS = FleetWebhook("w-1", "https://other.example/hook", "whsec_b3RoZXI=", None)


class Broker:
    """Holds the retained document as the broker would, handing it back to the front."""

    def __init__(self) -> None:
        self.retained = b""
        self.front = FrontWebhooks(self.publish, no_document_after=0.05)

    async def publish(self, payload: bytes) -> None:
        self.retained = payload
        self.front.on_document(payload)


async def test_a_webhook_made_gets_a_whsec_secret_and_joins_the_fleets_document() -> None:
    broker = Broker()
    broker.front.on_document(doc.document([THEIRS]))
    made = await broker.front.create(CreateWebhook(url="https://app.example/hook"))
    assert made.secret.startswith("whsec_")
    assert [h.url for h in doc.parse(broker.retained)] == [THEIRS.url, made.url]
    assert view(made, with_secret=False) == {
        "webhook_id": made.webhook_id,
        "url": "https://app.example/hook",
        "event_types": ["*"],
    }


async def test_registering_a_url_again_keeps_its_id_and_secret_and_sets_its_types() -> None:
    broker = Broker()
    broker.front.on_document(b"")
    first = await broker.front.create(CreateWebhook(url="https://app.example/hook"))
    again = await broker.front.create(
        CreateWebhook(url="https://app.example/hook", event_types=["access_code.created"])
    )
    assert (again.webhook_id, again.secret) == (first.webhook_id, first.secret)
    assert again.event_types == ("access_code.created",)
    assert len(doc.parse(broker.retained)) == 1


async def test_an_unknown_event_type_is_refused_naming_event_types() -> None:
    broker = Broker()
    broker.front.on_document(b"")
    with pytest.raises(ApiError) as caught:
        await broker.front.create(
            CreateWebhook(url="https://app.example/hook", event_types=["access_code.made"])
        )
    assert "event_types" in (caught.value.validation_errors or {})
    assert broker.retained == b""


async def test_a_change_made_before_the_document_arrived_keeps_the_other_webhooks() -> None:
    broker = Broker()
    broker.front.on_connected()
    creating = asyncio.ensure_future(
        broker.front.create(CreateWebhook(url="https://app.example/hook"))
    )
    await asyncio.sleep(0)
    broker.front.on_document(doc.document([THEIRS]))  # the retained document, just after
    made = await creating
    kept = [h.webhook_id for h in doc.parse(broker.retained)]
    assert kept == [THEIRS.webhook_id, made.webhook_id]


async def test_update_and_delete_of_an_unknown_webhook_is_webhook_not_found() -> None:
    broker = Broker()
    broker.front.on_document(doc.document([THEIRS]))
    await broker.front.update(UpdateWebhook(webhook_id="w-1", event_types=["lock.locked"]))
    assert doc.parse(broker.retained)[0].event_types == ("lock.locked",)
    with pytest.raises(ApiError) as caught:
        await broker.front.delete(WebhookRef(webhook_id="w-9"))
    assert (caught.value.status, caught.value.error_type) == (404, "webhook_not_found")
    await broker.front.delete(WebhookRef(webhook_id="w-1"))
    assert doc.parse(broker.retained) == []
