"""No PIN on any topic a broker lets others read: every PIN the daemon's store holds (backup
pool codes included) is looked for in every value of every payload, and no `code` field."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.mqtt.broker import Received


def pins_in_store(data_dir: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{data_dir / 'lockgw.sqlite3'}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT code FROM access_codes WHERE code IS NOT NULL").fetchall()
    finally:
        conn.close()
    return {r[0] for r in rows if r[0]}


def _leaks(value: Any, pins: set[str], where: str) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("code", "pin"):
                found.append(f"{where}.{key}")
            found += _leaks(item, pins, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _leaks(item, pins, f"{where}[{index}]")
    elif isinstance(value, str | int) and str(value) in pins:
        found.append(f"{where} = a PIN")
    return found


def assert_no_pins(messages: list[Received], pins: set[str]) -> None:
    """Every payload but API answers (those go to the requester's own topic alone)."""
    assert pins, "no PIN known: the check would prove nothing"
    leaks: list[str] = []
    for message in messages:
        if "/api/response/" in message.topic or not message.payload:
            continue
        text = message.payload.decode()
        try:
            body = json.loads(text)
        except ValueError:
            body = text
        leaks += _leaks(body, pins, message.topic)
    assert not leaks, leaks
