"""`lockgw webhooks add|list|remove|status`."""

from __future__ import annotations

import argparse
import sys

from gateway.clock import SystemClock
from gateway.config import Config, check_webhook_url
from gateway.store import webhooks
from gateway.store.db import Store
from gateway.webhooks.signing import new_secret


def run_webhooks(args: argparse.Namespace, config: Config) -> int:
    store = Store(config.data_dir)
    try:
        return _run(args, store)
    finally:
        store.close()


def _run(args: argparse.Namespace, store: Store) -> int:
    command = args.webhooks_command
    if command == "add":
        try:
            url = check_webhook_url(args.url)
        except ValueError as exc:
            print(f"lockgw: webhook URL {exc}", file=sys.stderr)
            return 2
        events = None if not args.events else tuple(args.events)
        with store.transaction() as conn:
            hook = webhooks.add(conn, url, new_secret(), events, SystemClock().now())
        print(f"webhook {hook.webhook_id} -> {hook.url}; its signing secret:")
        print(hook.secret)
    elif command == "list":
        for hook in webhooks.all_webhooks(store.conn):
            types = "all events" if hook.event_types is None else " ".join(hook.event_types)
            print(f"{hook.webhook_id}\t{hook.url}\t{types}")
    elif command == "remove":
        with store.transaction() as conn:
            if not webhooks.remove(conn, args.webhook_id):
                print(f"no webhook {args.webhook_id}", file=sys.stderr)
                return 1
        print(f"removed {args.webhook_id}")
    else:
        print("webhook\turl\tpending\tfailed\tdelivered\tlast error")
        for b in webhooks.status(store.conn):
            columns = [b.webhook.webhook_id, b.webhook.url, b.pending, b.failed, b.delivered]
            print("\t".join(str(c) for c in [*columns, b.last_error or "-"]))
    return 0
