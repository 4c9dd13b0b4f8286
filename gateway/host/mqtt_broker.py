"""Connecting to the MQTT broker `[mqtt]` names (MQTT 5, TLS for mqtts://): one place, used by
the daemon's MQTT surface and by `lockgw doctor`."""

from __future__ import annotations

import socket
import ssl

import aiomqtt

from gateway.config import MqttConfig

CONNECT_TIMEOUT = 5.0
# Nagle off: a request or an answer is one small packet that must leave now (with Nagle on
# both ends and delayed ACKs, each MQTT round trip waited ~88 ms: bench/fleet.py).
NO_DELAY = ((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),)


def tls_context(settings: MqttConfig) -> ssl.SSLContext | None:
    """mqtts://: the broker's certificate checked against `ca_file` (else the system's CAs)."""
    if not settings.tls:
        return None
    cafile = None if settings.ca_file is None else str(settings.ca_file)
    return ssl.create_default_context(cafile=cafile)


def client(
    settings: MqttConfig,
    *,
    will: aiomqtt.Will | None = None,
    identifier: str | None = None,
    timeout: float = CONNECT_TIMEOUT,
) -> aiomqtt.Client:
    return aiomqtt.Client(
        settings.host,
        settings.port,
        username=settings.username,
        password=settings.password,
        identifier=identifier or settings.client_id,
        protocol=aiomqtt.ProtocolVersion.V5,
        will=will,
        timeout=timeout,
        keepalive=30,
        tls_context=tls_context(settings),
        socket_options=NO_DELAY,
    )


async def can_connect(settings: MqttConfig, seconds: float = CONNECT_TIMEOUT) -> str | None:
    """None when the broker takes our credentials; else why not, in a few words."""
    try:
        async with client(settings, identifier=f"{settings.client_id}-doctor", timeout=seconds):
            return None
    except aiomqtt.MqttError as exc:
        return str(exc) or type(exc).__name__
    except (OSError, ssl.SSLError) as exc:
        return getattr(exc, "strerror", None) or str(exc)
