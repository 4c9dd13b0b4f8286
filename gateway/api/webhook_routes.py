"""/webhooks/*: the cloud's webhook endpoints, over the store the CLI and the config share."""

from __future__ import annotations

from aiohttp import web

from gateway.api.params import parse
from gateway.api.respond import GET_POST, Route, ok, services
from gateway.wire import webhooks as wire
from gateway.wire.webhooks import CreateWebhook, ListWebhooks, UpdateWebhook, WebhookRef


async def create(request: web.Request) -> web.Response:
    hook = services(request).webhooks.create(await parse(request, CreateWebhook))
    return ok(webhook=wire.webhook(hook, with_secret=True))


async def get(request: web.Request) -> web.Response:
    hook = services(request).webhooks.get(await parse(request, WebhookRef))
    return ok(webhook=wire.webhook(hook, with_secret=True))


async def list_(request: web.Request) -> web.Response:
    await parse(request, ListWebhooks)  # no parameters: an unknown one is refused
    found = services(request).webhooks.list()
    return ok(webhooks=[wire.webhook(hook, with_secret=False) for hook in found])


async def update(request: web.Request) -> web.Response:
    services(request).webhooks.update(await parse(request, UpdateWebhook))
    return ok()


async def delete(request: web.Request) -> web.Response:
    services(request).webhooks.delete(await parse(request, WebhookRef))
    return ok()


ROUTES: list[Route] = [
    ("/webhooks/create", ("POST",), create),
    ("/webhooks/get", GET_POST, get),
    ("/webhooks/list", GET_POST, list_),
    ("/webhooks/update", ("POST", "PUT"), update),
    ("/webhooks/delete", ("DELETE", "POST"), delete),
]
