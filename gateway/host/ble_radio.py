"""The Bluetooth radio the Nuki locks are reached through, as the config chooses it."""

from __future__ import annotations

from drivers.nuki.radio import Radio, radio_from
from gateway.config import Config


async def configured_radio(config: Config) -> Radio:
    settings = config.extra.get("nuki", {})
    return await radio_from(settings.get("radio"), str(settings.get("radio_argument", "")))
