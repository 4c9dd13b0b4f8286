"""Webhooks: signing and the durable outbox's delivery."""
