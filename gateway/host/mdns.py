"""mDNS (DNS-SD) advertisement of the API, so apps on the LAN find the hub without its address.

Service type `_lockgw._tcp.local.`; the TXT record says what a client needs to build the base
URL (scheme, path) and nothing secret: the API key is never advertised.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

import ifaddr

if TYPE_CHECKING:
    from zeroconf.asyncio import AsyncZeroconf

log = logging.getLogger("lockgw.mdns")

SERVICE_TYPE = "_lockgw._tcp.local."


@dataclass(frozen=True)
class Advert:
    """What gets advertised: pure data, built from the config."""

    instance: str
    listen: str  # the API's listen address from the config
    server: str  # this hub's mDNS host name
    port: int
    scheme: str
    addresses: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.instance}.{SERVICE_TYPE}"

    def txt(self) -> dict[str, str]:
        return {
            "api": "seam",
            "scheme": self.scheme,
            "path": "/",
            "auth": "bearer",
            "version": _version(),
        }


def _version() -> str:
    try:
        return version("lockgw")
    except PackageNotFoundError:
        return "unknown"


def _specific(host: str) -> bool:
    """An IP literal other than the wildcard: the API serves on that one address only."""
    try:
        return not ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def wanted(host: str, setting: bool | None) -> bool:
    """Advertise when told to; by default only when the API listens beyond the hub itself."""
    if setting is not None:
        return setting
    return not _is_loopback(host)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def lan_addresses() -> tuple[str, ...]:
    """Every LAN address of this machine (what a wildcard or host-name listener serves on)."""
    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            address = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            parsed = ipaddress.ip_address(address)
            if parsed.is_loopback or parsed.is_link_local:
                continue
            found.append(address)
    return tuple(found)


def advert_for(host: str, port: int, scheme: str, instance: str | None = None) -> Advert:
    addresses = (host,) if _specific(host) else lan_addresses()
    return Advert(
        instance=instance or f"lockgw on {socket.gethostname()}",
        listen=host,
        server=f"{socket.gethostname()}.local.",
        port=port,
        scheme=scheme,
        addresses=addresses,
    )


class Advertiser:
    """Registers the advert on start and withdraws it (goodbye packets) on stop."""

    def __init__(self, advert: Advert) -> None:
        self.advert = advert
        self._zeroconf: AsyncZeroconf | None = None

    async def start(self) -> None:
        # zeroconf (~3.7 MB resident) loads only when the hub advertises itself.
        from zeroconf import InterfaceChoice, IPVersion
        from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

        advert = self.advert
        if not advert.addresses:
            log.warning("mDNS: no LAN address to advertise")
            return
        if not _specific(advert.listen):
            self._zeroconf = AsyncZeroconf(interfaces=InterfaceChoice.All, ip_version=IPVersion.All)
        else:
            version = ipaddress.ip_address(advert.listen).version
            only = IPVersion.V4Only if version == 4 else IPVersion.V6Only
            self._zeroconf = AsyncZeroconf(interfaces=[advert.listen], ip_version=only)
        info = AsyncServiceInfo(
            SERVICE_TYPE,
            advert.name,
            parsed_addresses=list(advert.addresses),
            port=advert.port,
            properties=advert.txt(),
            server=advert.server,
        )
        try:
            await self._zeroconf.async_register_service(info, allow_name_change=True)
        except Exception:
            log.exception("mDNS: advertisement failed; the API still serves")
            await self.stop()
            return
        log.info("mDNS: advertising %s on %s", advert.name, ", ".join(advert.addresses))

    async def stop(self) -> None:
        if self._zeroconf is None:
            return
        zeroconf, self._zeroconf = self._zeroconf, None
        await zeroconf.async_unregister_all_services()
        await zeroconf.async_close()
