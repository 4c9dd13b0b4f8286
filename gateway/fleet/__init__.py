"""The fleet front: one Seam-shaped HTTP API for many hubs, forwarded over an MQTT broker
(docs/FLEET.md)."""
