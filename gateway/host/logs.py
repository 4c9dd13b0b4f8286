"""Logging for the hub: one format, and no secret in any line at any level.

The gateway's own lines never carry a PIN (they name the lock, the slot and the access code).
Third-party libraries are another matter: at DEBUG, zwave-js-server-python logs every command
it sends with its arguments (user codes included), and aiohttp logs a request it cannot parse
with its raw headers (an API key included). So those loggers are held at INFO whatever the
level, and every line, from any logger, has API keys and webhook secrets masked.
"""

from __future__ import annotations

import logging
import re

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that print message payloads at DEBUG (PINs on the radio, raw HTTP headers).
PAYLOAD_LOGGERS = ("zwave_js_server", "aiohttp.server", "aiohttp.client", "bleak", "bumble")
_SECRETS = re.compile(r"\b(seam_lgw_|whsec_)[A-Za-z0-9_+/=-]+")


def mask_secrets(text: str) -> str:
    return _SECRETS.sub(lambda m: f"{m.group(1)}***", text)


class MaskSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure(level: str) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskSecrets())
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
