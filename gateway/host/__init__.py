"""The host the daemon runs on: the data-dir lock, the listening socket, systemd notify, mDNS,
the Bluetooth radio."""
