"""The daemon's (or the CLI's) side of `nukisim.serve`: a bumble host on the emulator's link over
loopback TCP, handed to the driver as bleak backends. Configured with
`[nuki] radio = "nukisim.remote:radio"` and `radio_argument = "tcp-client:127.0.0.1:7510"`."""

from __future__ import annotations

from bumble.device import Device
from bumble.hci import Address
from bumble.transport import Transport, open_transport

from drivers.nuki.radio import Radio
from nukisim.bleak_backend import bumble_backend, bumble_scanner

_open: list[Transport] = []  # kept for the life of the process


async def radio(spec: str) -> Radio:
    transport = await open_transport(spec)
    _open.append(transport)
    central = Device.with_hci(
        "lockgw", Address("F0:F0:F0:F0:F0:0B"), transport.source, transport.sink
    )
    await central.power_on()
    return Radio(bumble_backend(central), bumble_scanner(central))
