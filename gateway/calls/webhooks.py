"""/webhooks/*: the cloud's webhook endpoints, over the store the CLI and the config share."""

from __future__ import annotations

from gateway.calls.call import Answer, Call, Route, changing, reading
from gateway.wire import webhooks as wire
from gateway.wire.webhooks import CreateWebhook, ListWebhooks, UpdateWebhook, WebhookRef


def create(call: Call) -> Answer:
    hook = call.services.webhooks.create(call.params(CreateWebhook))
    return {"webhook": wire.webhook(hook, with_secret=True)}


def get(call: Call) -> Answer:
    hook = call.services.webhooks.get(call.params(WebhookRef))
    return {"webhook": wire.webhook(hook, with_secret=True)}


def list_(call: Call) -> Answer:
    call.params(ListWebhooks)  # no parameters: an unknown one is refused
    found = call.services.webhooks.list()
    return {"webhooks": [wire.webhook(hook, with_secret=False) for hook in found]}


def update(call: Call) -> Answer:
    call.services.webhooks.update(call.params(UpdateWebhook))
    return {}


def delete(call: Call) -> Answer:
    call.services.webhooks.delete(call.params(WebhookRef))
    return {}


ROUTES: list[Route] = [
    changing("/webhooks/create", create),
    reading("/webhooks/get", get),
    reading("/webhooks/list", list_),
    changing("/webhooks/update", update),
    changing("/webhooks/delete", delete),
]
