"""Screening of page requests for input no database can store (the API screens its own).

U+0000 cannot be stored or even compared by PostgreSQL, so a NUL in a page's address is a
404 and one in a query string or a form is a 400 page, instead of a database error (500).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound


def _has_nul(pairs: Iterable[tuple[str, str]]) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def screen_page_input() -> None:
    """before_request: refuse NUL characters in page requests (not ``/api/``)."""
    if request.path.startswith("/api/"):
        return
    if "\x00" in request.path:
        raise NotFound()
    if _has_nul(request.args.items(multi=True)) or (
        request.method == "POST" and _has_nul(request.form.items(multi=True))
    ):
        abort(400, description=_("Text must not contain NUL characters."))
