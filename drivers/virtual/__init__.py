"""An in-memory lock with fault injection, for tests and the demo without hardware."""

from drivers.virtual.lock import Faults, VirtualLock
from drivers.virtual.profiles import PROFILES, make_lock

__all__ = ["PROFILES", "Faults", "VirtualLock", "make_lock"]
