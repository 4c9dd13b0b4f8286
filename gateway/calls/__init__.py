"""Transport-neutral API calls: each route parses its request model, makes one service call and
renders the answer; the HTTP API (gateway.api) and the MQTT API (gateway.mqtt) both run this
table."""
