"""Seam's wire format: request models, response views and errors, as pure data (no HTTP)."""
