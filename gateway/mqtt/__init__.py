"""The MQTT surface: retained state, the event outbox's share, lock commands, the API over MQTT 5
request/response, and Home Assistant discovery. Like the HTTP API, it calls gateway.service."""
