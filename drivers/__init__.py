"""Slot-level lock drivers. They know locks, not the API or the store."""
