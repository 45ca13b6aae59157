"""Notifications plugin."""
SINERGI_API_VERSION = "1"
