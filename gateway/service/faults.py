"""Store faults as the surfaces show them: which kind, and what to tell the person asking."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.store.faults import MESSAGES, FaultKind, classify


@dataclass(frozen=True)
class StoreFaultAnswer:
    kind: FaultKind
    error_type: str  # e.g. hub_store_full
    message: str
    retry: bool  # worth trying again in a moment (another process holds the database)


def store_fault(exc: BaseException) -> StoreFaultAnswer | None:
    """What a failed request should answer when the store failed it (None: not a store fault,
    a bug)."""
    kind = classify(exc)
    if kind is None:
        return None
    return StoreFaultAnswer(kind, f"hub_store_{kind.value}", MESSAGES[kind], kind is FaultKind.BUSY)
