"""The evaluation plugin (built in its own issue; for now it only declares the API it targets)."""

SINERGI_API_VERSION = "1"
