"""Conditional GET for the public pages: a weak ETag and Last-Modified from the exhibition's
revision counter, the language, the viewer and the address; 304 when the browser's copy is
current. Pages rendered for anonymous visitors without cookies are also kept in a small
in-process cache under the same key, so a busy hall costs one SQL statement per request; any
change to what the exhibition shows bumps the revision, which retires every cached page."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, make_response, request
from flask_babel import get_locale

from core.plugin import current_principal, db_session, plugin_config
from plugins.exhibition import revision

CACHE_SIZE = 256


class PageCache:
    """A thread-safe LRU of rendered pages (body and content type) by key."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self._items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, str] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, value: tuple[bytes, str]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def page_cache() -> PageCache:
    return current_app.extensions.setdefault("exhibition.page_cache", PageCache())


def conditional(render: Callable[[], Any], *, scope: str = "") -> Response:
    """Answer 304 if the client has the current version; else render (or reuse a cached
    rendering) and tag the response.

    Anonymous responses are cacheable by anyone for ``cache_max_age`` seconds; a logged-in
    viewer's pages stay private (core marks them ``no-store``)."""
    value, changed_at = revision.current(db_session())
    principal = current_principal()
    viewer = principal.user_id if principal else 0
    stamp = changed_at.isoformat() if changed_at else ""
    raw = f"{value}|{stamp}|{get_locale()}|{viewer}|{scope}|{request.full_path}"
    tag = hashlib.sha256(raw.encode()).hexdigest()[:32]
    last_modified = changed_at.replace(microsecond=0) if changed_at else None
    not_modified = False
    if request.if_none_match:
        not_modified = request.if_none_match.contains_weak(tag)
    elif last_modified is not None and request.if_modified_since is not None:
        not_modified = last_modified <= request.if_modified_since
    anonymous = principal is None and not request.cookies
    if not_modified:
        response = Response(status=304)
    elif anonymous and (cached := page_cache().get(tag)) is not None:
        response = Response(cached[0], content_type=cached[1])
    else:
        response = make_response(render())
        if anonymous and response.status_code == 200:
            page_cache().put(tag, (response.get_data(), response.content_type))
    response.set_etag(tag, weak=True)
    if last_modified is not None:
        response.last_modified = last_modified
    response.vary.add("Cookie")
    if anonymous:
        max_age = int(plugin_config("exhibition").get("cache_max_age", 60))
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response
