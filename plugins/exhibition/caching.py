"""Conditional GET for the public pages: a weak ETag and Last-Modified from the exhibition's
revision counter, the language and the viewer; 304 when the browser's copy is current."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import Response, make_response, request
from flask_babel import get_locale

from core.plugin import current_principal, db_session, plugin_config
from plugins.exhibition import revision


def conditional(render: Callable[[], Any], *, scope: str = "") -> Response:
    """Answer 304 if the client has the current version; else render and tag the response.

    Anonymous responses are cacheable by anyone for ``cache_max_age`` seconds; a logged-in
    viewer's pages stay private (core marks them ``no-store``)."""
    value, changed_at = revision.current(db_session())
    principal = current_principal()
    viewer = principal.user_id if principal else 0
    raw = f"{value}|{get_locale()}|{viewer}|{scope}|{request.full_path}"
    tag = hashlib.sha256(raw.encode()).hexdigest()[:32]
    last_modified = changed_at.replace(microsecond=0) if changed_at else None
    not_modified = False
    if request.if_none_match:
        not_modified = request.if_none_match.contains_weak(tag)
    elif last_modified is not None and request.if_modified_since is not None:
        not_modified = last_modified <= request.if_modified_since
    response = Response(status=304) if not_modified else make_response(render())
    response.set_etag(tag, weak=True)
    if last_modified is not None:
        response.last_modified = last_modified
    response.vary.add("Cookie")
    if principal is None and not request.cookies:
        max_age = int(plugin_config("exhibition").get("cache_max_age", 60))
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response
