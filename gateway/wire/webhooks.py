"""Webhooks in the cloud's JSON: the requests of /webhooks/* and the `webhook` resource.

Every event type is `"*"` on the wire (the cloud's default for `event_types`), `None` inside.
"""

from __future__ import annotations

from typing import Any, Protocol

from gateway.wire.requests import Params

ALL_EVENTS = "*"


class CreateWebhook(Params):
    url: str
    event_types: list[str] | None = None


class WebhookRef(Params):
    webhook_id: str


class ListWebhooks(Params):
    pass


class UpdateWebhook(Params):
    webhook_id: str
    event_types: list[str]


class WebhookFields(Protocol):
    """What a webhook shows (the store's `Webhook` has it)."""

    @property
    def webhook_id(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def secret(self) -> str: ...

    @property
    def event_types(self) -> tuple[str, ...] | None: ...

    @property
    def read_only(self) -> bool: ...


def webhook(hook: WebhookFields, *, with_secret: bool) -> dict[str, Any]:
    """The cloud's `webhook`. Its signing secret only when asked for (create and get), and
    never that of a webhook declared elsewhere: the owner wrote it in the config file, or the
    fleet's front holds it (docs/FLEET.md)."""
    body: dict[str, Any] = {
        "webhook_id": hook.webhook_id,
        "url": hook.url,
        "event_types": [ALL_EVENTS] if hook.event_types is None else list(hook.event_types),
    }
    if with_secret and not hook.read_only:
        body["secret"] = hook.secret
    return body
