"""The matchmaking pages (a Flask blueprint, server-rendered, no JavaScript needed).

Routes live in modules named after what they show: needs (``need_pages``), the partner's
feed and saved searches (``feed_pages``), offers (``offer_pages``), interests and
collaborations (``interest_pages``); main-menu links and core page slots in ``slots``.
Shared form handling is in ``page_base``; every rule lives in ``services``.
"""

from __future__ import annotations

from plugins.matchmaking import feed_pages, interest_pages, need_pages, offer_pages  # noqa: F401
from plugins.matchmaking.page_base import pages
from plugins.matchmaking.slots import nav, slot_html

__all__ = ["nav", "pages", "slot_html"]
