"""The `lockgw` command line: daemon, owner, keys, webhooks and BLE commands."""
