"""`lockgw webhooks add|list|remove|status|events`."""

from __future__ import annotations

import argparse
import sys

from gateway.cli.data_dir import no_database
from gateway.clock import SystemClock
from gateway.config import Config, check_webhook_url
from gateway.domain.event_types import EVENT_TYPES, closest_event_type, unknown_event_types
from gateway.store import webhooks
from gateway.store.db import Store
from gateway.webhooks.signing import new_secret


def run_webhooks(args: argparse.Namespace, config: Config) -> int:
    command = args.webhooks_command
    if command == "events":
        print("\n".join(sorted(EVENT_TYPES)))
        return 0
    # A bad URL or event type is refused before the store is opened (or created).
    problem = _bad_endpoint(args) if command == "add" else no_database(config.data_dir)
    if problem is not None:  # nothing to list or remove: never create a database for it
        print(problem, file=sys.stderr)
        return 2 if command == "add" else 1
    store = Store(config.data_dir)
    try:
        return _run(args, store, config)
    finally:
        store.close()


def _run(args: argparse.Namespace, store: Store, config: Config) -> int:
    command = args.webhooks_command
    if command == "add":
        return _add(args, store)
    if command == "list":
        # One store for the config's, the CLI's and the API's webhooks; the third column says
        # which declared each (config ones change only in the config file).
        for hook in webhooks.all_webhooks(store.conn):
            types = "all events" if hook.event_types is None else " ".join(hook.event_types)
            print(f"{hook.webhook_id}\t{hook.url}\t{hook.origin}\t{types}")
    elif command == "remove":
        return _remove(args.webhook_id, store, config)
    else:
        print("webhook\turl\tpending\tfailed\tdelivered\tlast error")
        for b in webhooks.status(store.conn):
            columns = [b.webhook.webhook_id, b.webhook.url, b.pending, b.failed, b.delivered]
            print("\t".join(str(c) for c in [*columns, b.last_error or "-"]))
    return 0


def _bad_endpoint(args: argparse.Namespace) -> str | None:
    try:
        check_webhook_url(args.url)
    except ValueError as exc:
        return f"lockgw: webhook URL {exc}"
    return None if not args.events else _unknown_types(tuple(args.events))


def _unknown_types(types: tuple[str, ...]) -> str | None:
    """One line naming the first event type the gateway never records (the endpoint would never
    hear of it), with the closest known one."""
    unknown = unknown_event_types(types)
    if not unknown:
        return None
    close = closest_event_type(unknown[0])
    hint = f"did you mean {close}? " if close else ""
    return (
        f"lockgw: --events: unknown event type {unknown[0]!r} ({hint}"
        "`lockgw webhooks events` lists the known ones)"
    )


def _add(args: argparse.Namespace, store: Store) -> int:
    url = check_webhook_url(args.url)  # checked by _bad_endpoint before the store was opened
    events = None if not args.events else tuple(args.events)
    with store.transaction() as conn:
        known = webhooks.by_url(conn, url)
        if known is None and args.rotate_secret:
            print(f"lockgw: --rotate-secret: no webhook for {url} yet", file=sys.stderr)
            return 2
        if known is not None and not args.rotate_secret:
            print(
                f"lockgw: {url} is already registered (webhook {known.webhook_id}); add "
                "--rotate-secret to give it a new secret (with --events to change its types)",
                file=sys.stderr,
            )
            return 2
        if known is not None and known.declared_in_config:
            print(
                f"lockgw: {url} is declared in the config file ([[webhooks]]): its secret and "
                "event types are set there",
                file=sys.stderr,
            )
            return 2
        if known is not None and known.origin == webhooks.FLEET:
            print(
                f"lockgw: {url} is a fleet webhook: its secret and event types are set through "
                "the fleet's front",
                file=sys.stderr,
            )
            return 2
        if known is not None and events is None:
            events = known.event_types  # rotating the secret keeps what the endpoint hears
        origin = webhooks.CLI if known is None else known.origin
        hook = webhooks.add(conn, url, new_secret(), events, SystemClock().now(), origin=origin)
    verb = "new secret for" if known is not None else "added"
    print(f"{verb} webhook {hook.webhook_id} -> {hook.url}; its signing secret:")
    print(hook.secret)
    return 0


def _remove(webhook_id: str, store: Store, config: Config) -> int:
    with store.transaction() as conn:
        hook = webhooks.get(conn, webhook_id)
        if hook is None:
            print(f"no webhook {webhook_id}", file=sys.stderr)
            return 1
        if hook.declared_in_config and any(h.url == hook.url for h in config.webhooks):
            print(
                f"lockgw: {hook.url} is declared in the config file ([[webhooks]]): remove it "
                "there (it would come back at the next start)",
                file=sys.stderr,
            )
            return 2
        if hook.origin == webhooks.FLEET:
            print(
                f"lockgw: {hook.url} is a fleet webhook: remove it through the fleet's front "
                "(webhooks/delete); the hub follows the fleet's document",
                file=sys.stderr,
            )
            return 2
        webhooks.remove(conn, webhook_id)
    print(f"removed {webhook_id}")
    return 0
