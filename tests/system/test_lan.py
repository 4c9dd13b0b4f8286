"""On the LAN: apps find the hub over mDNS, and the API can serve HTTPS with the owner's cert."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from zeroconf import IPVersion, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from gateway.host import mdns
from tests.support.daemon import Daemon
from tests.support.tls import self_signed


@pytest.fixture
def daemon_with(tmp_path: Path) -> Iterator[list[Daemon]]:
    started: list[Daemon] = []
    yield started
    for daemon in started:
        daemon.kill()


def _start(tmp_path: Path, config: str, started: list[Daemon]) -> Daemon:
    path = tmp_path / "config.toml"
    path.write_text(config)
    daemon = Daemon(tmp_path, config=path)
    started.append(daemon)
    daemon.start()
    return daemon


async def _browse(zeroconf: AsyncZeroconf, wanted: ServiceStateChange) -> str:
    seen: asyncio.Queue[str] = asyncio.Queue()

    def on_change(
        zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        if state_change is wanted:
            seen.put_nowait(name)

    browser = AsyncServiceBrowser(zeroconf.zeroconf, mdns.SERVICE_TYPE, handlers=[on_change])
    try:
        return await asyncio.wait_for(seen.get(), 10)
    finally:
        await browser.async_cancel()


async def test_lan_apps_find_the_hub_over_mdns_and_it_says_goodbye_on_stop(
    tmp_path: Path, daemon_with: list[Daemon]
) -> None:
    daemon = _start(tmp_path, "[api]\nmdns = true\n", daemon_with)
    client = AsyncZeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    try:
        name = await _browse(client, ServiceStateChange.Added)
        info = AsyncServiceInfo(mdns.SERVICE_TYPE, name)
        assert await info.async_request(client.zeroconf, 3000)
        txt = {k.decode(): (v or b"").decode() for k, v in info.properties.items()}
        assert txt["api"] == "seam" and txt["scheme"] == "http" and txt["path"] == "/"
        assert not any("seam_lgw_" in value for value in txt.values())  # no key advertised
        base = f"{txt['scheme']}://{info.parsed_addresses()[0]}:{info.port}"
        async with httpx.AsyncClient() as http:
            health = await http.get(f"{base}/health")
            listed = await http.post(
                f"{base}/devices/list", headers={"Authorization": f"Bearer {daemon.key}"}
            )
        assert health.status_code == 200
        assert listed.status_code == 200 and listed.json()["devices"]

        removed = asyncio.create_task(_browse(client, ServiceStateChange.Removed))
        await asyncio.sleep(0)  # the browser is listening before the daemon stops
        assert await asyncio.to_thread(daemon.stop) == 0
        assert await removed == name
    finally:
        await client.async_close()


def test_advertised_only_beyond_loopback_unless_configured() -> None:
    assert not mdns.wanted("127.0.0.1", None)
    assert mdns.wanted("0.0.0.0", None)
    assert mdns.wanted("192.168.1.10", None)
    assert not mdns.wanted("192.168.1.10", False)
    assert mdns.wanted("127.0.0.1", True)
    assert mdns.advert_for("192.168.1.10", 8484, "https").addresses == ("192.168.1.10",)
    assert "127.0.0.1" not in mdns.advert_for("0.0.0.0", 8484, "http").addresses


def test_api_serves_https_with_the_owners_certificate(
    tmp_path: Path, daemon_with: list[Daemon]
) -> None:
    cert, key = self_signed(tmp_path)
    daemon = _start(tmp_path, f'[api]\ntls_cert = "{cert}"\ntls_key = "{key}"\n', daemon_with)
    assert f"lockgw: API on https://127.0.0.1:{daemon.port}" in daemon.log()
    trust = ssl.create_default_context(cafile=str(cert))
    base = f"https://127.0.0.1:{daemon.port}"
    with httpx.Client(verify=trust) as http:
        listed = http.post(
            f"{base}/devices/list", headers={"Authorization": f"Bearer {daemon.key}"}
        )
        assert listed.status_code == 200 and listed.json()["devices"]
    with pytest.raises(httpx.HTTPError), httpx.Client() as plain:
        plain.get(f"{base}/health")  # not trusted without the owner's certificate
    with pytest.raises(httpx.HTTPError), httpx.Client() as http:
        http.get(f"http://127.0.0.1:{daemon.port}/health")  # no cleartext on the TLS port
