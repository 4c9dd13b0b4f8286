"""Nuki Smart Lock keypad codes over Bluetooth LE (Nuki's published BLE API)."""
