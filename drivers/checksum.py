"""The Z-Wave User Code checksum (User Code CC v2): CRC-16/CCITT over every occupied slot.

One frame from the lock tells whether any slot changed; comparing it with the checksum of the
slots the gateway believes the lock holds replaces a scan of every slot.
"""

from __future__ import annotations

from collections.abc import Mapping

OCCUPIED = 0x01


def crc16_ccitt(data: bytes, crc: int = 0x1D0F) -> int:
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def user_code_checksum(codes: Mapping[int, str]) -> int:
    """Checksum of the slots that hold a code: user id (2 bytes), status, code (ASCII)."""
    data = bytearray()
    for slot in sorted(codes):
        data += slot.to_bytes(2, "big") + bytes([OCCUPIED]) + codes[slot].encode("ascii")
    return 0 if not data else crc16_ccitt(bytes(data))
