"""HTML error pages for the browser (the API answers problem+json instead)."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException

from core.api.problems import STATUS_DETAILS, STATUS_TITLES
from core.errors import DomainError


def render_http_error(error: HTTPException):
    status = error.code or 500
    title = STATUS_TITLES.get(status, error.name)
    detail = STATUS_DETAILS.get(status, error.description)
    response = render_template("errors/error.html", status=status, title=title, detail=detail)
    return response, status, {
        k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")
    }


def render_domain_error(error: DomainError):
    title = STATUS_TITLES.get(error.status, "Error")
    return (
        render_template("errors/error.html", status=error.status, title=title,
                        detail=error.message, errors=error.errors),
        error.status,
    )


def render_server_error():
    return (
        render_template("errors/error.html", status=500, title=STATUS_TITLES[500],
                        detail=STATUS_DETAILS[500]),
        500,
    )
