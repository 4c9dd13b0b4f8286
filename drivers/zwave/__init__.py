"""Z-Wave keypad locks through a zwave-js server (zwave-js-server-python)."""
