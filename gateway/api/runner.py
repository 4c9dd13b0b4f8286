"""Serving the app: aiohttp's runner, with the HTTP parser's own errors answered Seam-shaped.

A request aiohttp cannot parse (a request line or header over its size limit, a header with an
invalid byte) never reaches the app's middlewares: aiohttp answers it itself, in plain text,
and logs the raw request (an API key included). Here such a request gets the same JSON error
body as every other 4xx, and one log line that names the problem without quoting the request.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

log = logging.getLogger(__name__)

LINE_TOO_LONG = (
    "A request line or header is longer than the hub accepts (8190 bytes): send long "
    "parameters in a JSON body with POST"
)
UNPARSABLE = (
    "The HTTP request could not be parsed: its request line or a header is malformed "
    "(e.g. a byte that is not allowed in a header)"
)


def parse_error_body(exc: BaseException | None) -> tuple[str, str]:
    """(error type, message) for a request the HTTP parser refused; never echoes the request."""
    if isinstance(exc, LineTooLong):
        return "request_too_large", LINE_TOO_LONG
    return "invalid_request", UNPARSABLE


class _SeamErrorHandler(RequestHandler):
    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status >= 500 or not isinstance(exc, BadHttpMessage):
            return super().handle_error(request, status, exc, message)
        log.warning(
            "refused an unparsable HTTP request from %s: %s", request.remote, type(exc).__name__
        )
        if request.writer.output_size > 0:
            raise ConnectionError("Response is sent already, cannot send the error")
        error_type, text = parse_error_body(exc)
        response = web.json_response(
            {"error": {"type": error_type, "message": text}, "ok": False}, status=status
        )
        response.force_close()
        return response


class _SeamErrorServer(web.Server):
    def __call__(self) -> RequestHandler:
        return _SeamErrorHandler(self, loop=asyncio.get_running_loop(), **self._kwargs)


class ApiRunner(web.AppRunner):
    """An AppRunner whose connections answer parse errors as Seam-shaped JSON."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        kwargs: dict[str, Any] = dict(server._kwargs)
        return _SeamErrorServer(
            server.request_handler,
            request_factory=server.request_factory,
            handler_cancellation=server.handler_cancellation,
            **kwargs,
        )
