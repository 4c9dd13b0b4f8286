"""The owner's web dashboard: server-rendered pages on the daemon's own port, beside the API.

A surface like gateway.api: it calls gateway.service (never the store, the engine or our own
HTTP API), with its own login, sessions and CSRF protection.
"""
