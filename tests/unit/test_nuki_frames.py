"""Nuki frames: the CRC is CRC-16/CCITT-FALSE, and frames cut into 20-byte indications (ATT MTU
23) come back whole."""

from __future__ import annotations

import pytest

from drivers.nuki.frames import (
    Command,
    FrameError,
    Reassembler,
    crc16,
    open_sealed,
    parse_plain,
    plain,
    seal,
)


def test_crc_is_ccitt_false() -> None:
    assert crc16(b"123456789") == 0x29B1  # the catalogue check value


def test_a_corrupted_plain_frame_is_refused() -> None:
    frame = bytearray(plain(Command.CHALLENGE, bytes(32)))
    frame[5] ^= 0x01
    with pytest.raises(FrameError, match="CRC"):
        parse_plain(bytes(frame))


@pytest.mark.parametrize("encrypted", [False, True])
def test_frames_split_into_indications_are_reassembled(encrypted: bool) -> None:
    key, auth_id = bytes(range(32)), b"\x01\x00\x00\x00"
    frames = (
        [
            seal(key, auth_id, Command.KEYPAD_CODE_COUNT, b"\x02\x00"),
            seal(key, auth_id, Command.STATUS, b"\x00"),
        ]
        if encrypted
        else [plain(Command.PUBLIC_KEY, bytes(range(32))), plain(Command.STATUS, b"\x00")]
    )
    stream = b"".join(frames)
    reassembler = Reassembler(encrypted=encrypted)
    out = [
        f
        for start in range(0, len(stream), 20)
        for f in reassembler.feed(stream[start : start + 20])
    ]
    assert out == frames
    if encrypted:
        assert open_sealed(key, out[1]) == (auth_id, Command.STATUS, b"\x00")
