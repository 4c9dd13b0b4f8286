"""Virtual locks served by another process over loopback HTTP (the lock outlives the daemon)."""
