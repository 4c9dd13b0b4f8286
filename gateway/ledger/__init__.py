"""Bookkeeping both the services and the engine run inside their transactions: the event
journal, forgetting codes, the backup pool's health."""
