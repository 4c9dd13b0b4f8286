"""Every PIN and API key the suite handed a daemon, and every daemon log, so the session can
check at its end that no log of any daemon holds any of them (at any level)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

PINS: set[str] = set()
KEYS: set[str] = set()
LOGS: list[list[str]] = []  # each daemon's output lines, as they grow

# What a log line may hold that looks like digits but is no PIN: ids, hex, timestamps, a
# listening address's port (a random port can equal a random PIN), and a signed number of
# seconds (a clock jump of +7200 s once equalled a random PIN).
_NOT_PINS = re.compile(
    r"(?:\b(?:\d{1,3}\.){3}\d{1,3}|\blocalhost|\[[0-9a-f:]*\]):\d{1,5}\b"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\b[0-9a-f]{12,}\b"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|[+-]\d+(?:\.\d+)? s\b"
)


def saw_body(body: Any) -> None:
    """Remember every access code's PIN in an API answer (pool codes come from the store)."""
    if isinstance(body, dict):
        code = body.get("code")
        if isinstance(code, str) and len(code) >= 4 and "access_code_id" in body:
            PINS.add(code)
        for value in body.values():
            saw_body(value)
    elif isinstance(body, list):
        for item in body:
            saw_body(item)


def saw_store(database: Path) -> None:
    """Every PIN a daemon's store holds, backup pool codes included (never in an answer)."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT code FROM access_codes").fetchall()
            PINS.update(r[0] for r in rows if isinstance(r[0], str) and len(r[0]) >= 4)
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # a test that damaged or removed its database on purpose


def leaks(pins: set[str] = PINS, keys: set[str] = KEYS, logs: list[list[str]] = LOGS) -> list[str]:
    """Log lines holding a PIN or a key the suite created."""
    pin_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(pins))) + r")\b")
    found = []
    for output in logs:
        for line in output:
            if any(key in line for key in keys):
                found.append(f"key: {line.strip()[:200]}")
            elif pins and pin_pattern.search(_NOT_PINS.sub("<id>", line)):
                found.append(f"PIN: {line.strip()[:200]}")
    return found
