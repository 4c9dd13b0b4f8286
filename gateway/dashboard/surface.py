"""What every dashboard handler shares: its services, the owner's session, the CSRF check, and
how a refusal or a store fault is shown (as a page, never as the API's JSON)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web
from multidict import MultiDictProxy

from gateway.dashboard.html import message_page, secure_headers
from gateway.service.bundle import Services
from gateway.service.dashboard import DashboardReads
from gateway.service.dashboard_health import HubHealth
from gateway.service.dashboard_limiter import LoginLimiter
from gateway.service.dashboard_settings import DashboardSettings
from gateway.service.faults import store_fault
from gateway.service.owner import OwnerAccess, OwnerSession, csrf_matches
from gateway.wire.errors import ApiError

log = logging.getLogger(__name__)

COOKIE = "lockgw_session"
LOGIN = "/ui/login"


@dataclass
class Surface:
    services: Services
    owner: OwnerAccess
    reads: DashboardReads
    settings: DashboardSettings
    limiter: LoginLimiter
    health: HubHealth


STATE = web.AppKey("dashboard", Surface)

Form = MultiDictProxy[str | bytes | bytearray | web.FileField]


@dataclass(frozen=True)
class Ctx:
    state: Surface
    session: OwnerSession
    form: Form

    @property
    def csrf(self) -> str:
        return self.session.csrf_token

    def text(self, name: str) -> str:
        value = self.form.get(name)
        return value if isinstance(value, str) else ""


OwnerHandler = Callable[[web.Request, Ctx], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.path.endswith(".json")


def see_other(location: str) -> web.Response:
    return secure_headers(web.Response(status=303, headers={"Location": location}))


def local_path(candidate: str, default: str = "/") -> str:
    """A path on this dashboard to go back to (never another site: no `//host`, no scheme)."""
    if candidate.startswith("/") and not candidate.startswith("//") and "\\" not in candidate:
        return candidate
    return default


def owner_only(handler: OwnerHandler) -> Handler:
    """The owner's session (or off to the login page), the CSRF token on every POST, and
    refusals shown as a page."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        state = request.app[STATE]
        session = state.owner.session(request.cookies.get(COOKIE, ""))
        if session is None:
            if wants_json(request):
                return secure_headers(web.json_response({"error": "session_expired"}, status=401))
            back = request.path_qs if request.method == "GET" else "/"
            return see_other(f"{LOGIN}?next={quote(back, safe='')}")
        form: Form = await request.post()
        if request.method == "POST":
            presented = form.get("csrf") or request.headers.get("X-CSRF-Token")
            if not csrf_matches(session, presented if isinstance(presented, str) else None):
                return message_page(
                    "Refused",
                    "This form did not come from this dashboard (its CSRF token is missing "
                    "or wrong). Reload the page and try again.",
                    csrf=session.csrf_token,
                    status=403,
                )
        return await shown(request, session.csrf_token, handler(request, Ctx(state, session, form)))

    return wrapped


async def shown(
    request: web.Request, csrf: str | None, work: Awaitable[web.StreamResponse]
) -> web.StreamResponse:
    """The handler's answer; a refusal or a store fault as a page (or JSON for scripts)."""
    try:
        return await work
    except ApiError as exc:
        if wants_json(request):
            return secure_headers(web.json_response(exc.body(), status=exc.status))
        return message_page("Refused", exc.message, csrf=csrf, status=exc.status)
    except Exception as exc:
        fault = store_fault(exc)
        if fault is None:
            log.exception("dashboard: unhandled error on %s", request.path)
            return message_page("Error", "Internal error; see the hub's log", csrf=csrf, status=500)
        if fault.retry:
            raise  # the store is busy for a moment: the app retries the request
        log.warning("store %s on %s: %s", fault.kind.value, request.path, exc)
        return message_page("Hub store problem", fault.message, csrf=csrf, status=503)
