"""HTML error pages for the browser (the API answers problem+json instead)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from core.api.problems import STATUS_DETAILS, STATUS_TITLES, translate
from core.errors import DomainError
from core.web.forms import flatten_errors


def _page(status: int, title: object, detail: object, errors: list[str] | None = None):
    return render_template(
        "errors/error.html", status=status, title=translate(title), detail=translate(detail),
        errors=errors or [],
    )


def render_http_error(error: HTTPException):
    status = error.code or 500
    title = STATUS_TITLES.get(status, error.name)
    detail = STATUS_DETAILS.get(status, error.description)
    if status == 400 and error.description and error.description != type(error).description:
        detail = error.description  # a specific reason given by the page
    if status == 403 and str(error.description or "").startswith("CSRF"):
        detail = _("The form has expired or did not come from this site. "
                   "Go back, reload the page and try again.")
    skip = ("content-type", "content-length")
    headers = [(k, v) for k, v in error.get_headers() if k.lower() not in skip]
    return _page(status, title, detail), status, headers


def render_domain_error(error: DomainError):
    title = STATUS_TITLES.get(error.status, "Error")
    messages = [translate(message) for _key, message in flatten_errors(error.errors)]
    return _page(error.status, title, error.message, messages), error.status


def render_server_error():
    return _page(500, STATUS_TITLES[500], STATUS_DETAILS[500]), 500
