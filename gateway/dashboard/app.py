"""The dashboard's routes, added to the daemon's web application (same port, same TLS).

The API's middlewares leave PATHS to the dashboard (its own auth and error pages); an API key
opens no page here, and the dashboard's session cookie opens no API route.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from gateway.dashboard import auth, codes, events, pages, settings
from gateway.dashboard.surface import STATE, Surface
from gateway.service.bundle import Services
from gateway.service.dashboard import DashboardReads
from gateway.service.dashboard_health import HubHealth
from gateway.service.dashboard_limiter import LoginLimiter
from gateway.service.dashboard_settings import DashboardSettings
from gateway.service.owner import OwnerAccess

# "/" itself, and everything under "/ui/".
PATHS: tuple[str, ...] = ("/", "/ui/")
STATIC_DIR = Path(__file__).parent / "static"


def install(
    app: web.Application, services: Services, owner: OwnerAccess, health: HubHealth
) -> None:
    """`health`: the doctor's checks, given by the composition root (which holds the config)."""
    app[STATE] = Surface(
        services=services,
        owner=owner,
        reads=DashboardReads(services.store, services.clock),
        settings=DashboardSettings(services.store, services.clock),
        limiter=LoginLimiter.stored(services.store, services.clock),
        health=health,
    )
    add = app.router.add_route
    add("GET", "/", pages.overview)
    add("GET", "/ui/login", auth.login_form)
    add("POST", "/ui/login", auth.log_in)
    add("POST", "/ui/logout", auth.log_out)
    add("GET", "/ui/locks/{device_id}", pages.lock_page)
    add("POST", "/ui/locks/{device_id}/lock", pages.lock_door)
    add("POST", "/ui/locks/{device_id}/unlock", pages.unlock_door)
    add("POST", "/ui/locks/{device_id}/unmanaged/{access_code_id}/adopt", pages.adopt)
    add("POST", "/ui/locks/{device_id}/unmanaged/{access_code_id}/remove", pages.remove_unmanaged)
    add("GET", "/ui/codes", codes.codes_page)
    add("POST", "/ui/codes", codes.create)
    add("GET", "/ui/codes/status.json", codes.statuses)
    add("POST", "/ui/codes/{access_code_id}/delete", codes.delete)
    add("POST", "/ui/codes/{access_code_id}/reveal", codes.reveal)
    add("POST", "/ui/codes/{access_code_id}/pull_backup", codes.pull_backup)
    add("POST", "/ui/codes/{access_code_id}/update", codes.update)
    add("GET", "/ui/events", events.events_page)
    add("GET", "/ui/events/stream", events.events_stream)
    add("GET", "/ui/settings", settings.settings_page)
    add("POST", "/ui/settings/keys", settings.create_key)
    add("POST", "/ui/settings/keys/{key_id}/revoke", settings.revoke_key)
    add("POST", "/ui/settings/webhooks", settings.add_webhook)
    add("POST", "/ui/settings/webhooks/{webhook_id}/remove", settings.remove_webhook)
    add("GET", "/ui/settings/backup", settings.backup)
    app.router.add_static("/ui/static", STATIC_DIR, append_version=False)
