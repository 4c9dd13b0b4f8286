"""The Bluetooth radio the Nuki locks are reached through, as the config chooses it."""

from __future__ import annotations

from drivers.nuki.radio import Radio, radio_from
from gateway.config import Config


async def configured_radio(config: Config) -> Radio:
    return await radio_from(config.nuki_radio, config.nuki_radio_argument)
