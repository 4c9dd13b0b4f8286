"""Signing webhook deliveries exactly as Svix does, so `svix` and the Seam SDK verify them.

Secret `whsec_<base64 key>`; headers `svix-id`, `svix-timestamp` (Unix seconds) and
`svix-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "svix-id": message_id,
        "svix-timestamp": str(timestamp),
        "svix-signature": signature(secret, message_id, timestamp, body),
        "content-type": "application/json",
    }
