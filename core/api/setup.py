"""Wire the REST API into an application: flask-smorest, blueprints and error handling."""

from __future__ import annotations

import logging

from flask import Flask, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from core.api.problems import from_domain_error, from_http_exception, problem
from core.errors import DomainError

log = logging.getLogger(__name__)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class SinergiApi(Api):
    """flask-smorest Api whose HTTP errors are problem+json (API) or HTML pages (the rest)."""

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        if request.path.startswith("/api/"):
            return from_http_exception(error)
        from core.web.errors import render_http_error

        return render_http_error(error)


def _require_json_body() -> None:
    """API writes with a body must send JSON: anything else is 415, not silently ignored."""
    if not request.path.startswith("/api/") or request.method not in BODY_METHODS:
        return
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if has_body and not request.is_json:
        raise UnsupportedMediaType()


def _handle_domain_error(error: DomainError):
    if request.path.startswith("/api/"):
        return from_domain_error(error)
    from core.web.errors import render_domain_error

    return render_domain_error(error)


def _handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return from_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    if request.path.startswith("/api/"):
        return problem(500)
    from core.web.errors import render_server_error

    return render_server_error()


def init_api(app: Flask) -> None:
    app.config.update(
        API_TITLE="Sinergi API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",
    )
    api = SinergiApi(
        app,
        spec_kwargs={
            "info": {
                "description": "REST API of Sinergi, the collaboration platform of Gerakan "
                "Menuju Smart City. Errors are RFC 9457 application/problem+json.",
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                }
            },
        },
    )
    app.extensions["sinergi.api"] = api
    app.before_request(_require_json_body)
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(Exception, _handle_unexpected)

    from core.accounts.api import blp as accounts_blp
    from core.orgs.api import blp as orgs_blp
    from core.plans.api import blp as plans_blp
    from core.regions.api import blp as regions_blp

    for blueprint in (regions_blp, orgs_blp, accounts_blp, plans_blp):
        api.register_blueprint(blueprint, url_prefix=f"/api/v1{blueprint.url_prefix or ''}")
