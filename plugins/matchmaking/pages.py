"""Pages (placeholder, filled below)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

pages = Blueprint("matchmaking", __name__, template_folder="templates")


def nav(principal: Any) -> list[Any]:
    return []


def slot_html(slot: str, context: dict[str, Any]) -> Any:
    return None
