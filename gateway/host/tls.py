"""HTTPS for the API with the owner's certificate: it loads, or start-up stops in one line
naming the file and the problem, before any lock is contacted."""

from __future__ import annotations

import ssl

from gateway.config import Config


class TlsUnusable(Exception):
    """The configured certificate or key cannot serve HTTPS; the message says which and why."""


def tls_context(config: Config) -> ssl.SSLContext | None:
    if config.tls_cert is None:
        return None
    cert, key = config.tls_cert, config.tls_key
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except FileNotFoundError as exc:
        raise TlsUnusable(f"TLS: {exc.filename or cert}: no such file") from None
    except PermissionError as exc:
        raise TlsUnusable(f"TLS: {exc.filename or cert}: not readable by this user") from None
    except ssl.SSLError as exc:
        why = {"KEY_VALUES_MISMATCH": "the key does not belong to the certificate"}.get(
            exc.reason or "", "not a PEM certificate and its private key"
        )
        raise TlsUnusable(f"TLS: [api] tls_cert {cert} / tls_key {key}: {why}") from None
    return context
