"""Whether a code's backup can be pulled (pure): what its lock's pool offers, and the code.

A time-bound code that is not itself a backup can have one pulled when its lock keeps a pool
and that pool has a code confirmed on the lock; once pulled, the code keeps showing its backup
as available (the guest already has it), whatever the pool holds since."""

from __future__ import annotations

from enum import IntEnum

from gateway.domain.models import AccessCode


class PoolOffer(IntEnum):
    """What a lock's backup pool can give now."""

    NONE = 0  # the lock keeps no pool (or is not managed by the hub)
    EMPTY = 1  # a pool, but none of its codes confirmed on the lock yet
    READY = 2  # at least one pool code on the lock, ready to be pulled


def backup_available(code: AccessCode, offer: PoolOffer) -> bool:
    if code.type != "time_bound" or code.is_backup or offer is PoolOffer.NONE:
        return False
    return offer is PoolOffer.READY or code.pulled_backup_access_code_id is not None
