"""Sinergi core: the Flask application, domain services and the plugin host."""

from core.app import create_app

__all__ = ["create_app"]
__version__ = "0.1.0"
