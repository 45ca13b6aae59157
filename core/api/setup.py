"""Wire the REST API into an application: flask-smorest, blueprints and error handling."""

from __future__ import annotations

import http
import logging
from typing import Any

from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Api, abort
from flask_smorest.spec.plugins import integerconverter2paramschema
from flask_smorest.utils import prepare_response
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, NotFound, UnsupportedMediaType
from werkzeug.routing import IntegerConverter

from core.api.common import ANONYMOUS_ATTR
from core.api.problems import (
    PROBLEM_MIMETYPE,
    ProblemSchema,
    from_domain_error,
    from_http_exception,
    problem,
)
from core.db import WRITE_METHODS
from core.errors import AuthenticationRequired, DomainError, PermissionDenied, ValidationFailed
from core.web.auth import current_principal

log = logging.getLogger(__name__)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
#: The largest id a BIGINT column holds; larger ``<int:…>`` URL parts are not found (404).
MAX_ID = 2**63 - 1
NUL_MESSAGE = _l("Text must not contain NUL characters.")
SURROGATE_MESSAGE = _l("Text must be valid Unicode (no unpaired surrogates).")
#: No request body needs more; deeper ones would exhaust the parser's recursion (500).
MAX_JSON_DEPTH = 20
CONCURRENT_CHANGE = _l(
    "A conflicting change was made at the same moment. Reload and try again."
)


class IdConverter(IntegerConverter):
    """``<int:…>`` that only matches numbers the database can hold, so that an oversized id
    is a 404 instead of an overflow error (500) in the database driver."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ID, signed: bool = False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class SinergiApi(Api):
    """flask-smorest Api whose HTTP errors are problem+json (API) or HTML pages (the rest)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """Document every error response as ``application/problem+json`` (what we send)."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        if request.path.startswith("/api/"):
            return from_http_exception(error)
        from core.web.errors import render_http_error

        return render_http_error(error)


def _require_login_for_writes() -> None:
    """Anonymous API writes are 401 before anything else is looked at (the body's validation
    included), unless the view is marked with :func:`core.api.common.allow_anonymous`."""
    if (not request.path.startswith("/api/") or request.method not in WRITE_METHODS
            or current_principal() is not None):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return  # 404/405 follow
    view_class = getattr(view, "view_class", None)
    method = getattr(view_class, request.method.lower(), None) if view_class else view
    if getattr(method, ANONYMOUS_ATTR, False) or getattr(view, ANONYMOUS_ATTR, False):
        return
    raise AuthenticationRequired()


def _require_json_body() -> None:
    """API writes with a body must send JSON: anything else is 415, not silently ignored."""
    if not request.path.startswith("/api/") or request.method not in BODY_METHODS:
        return
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if has_body and not request.is_json:
        raise UnsupportedMediaType()


class _TooDeep(Exception):
    """A JSON body nested deeper than :data:`MAX_JSON_DEPTH`."""


def _text_problem(text: str) -> list[Any] | None:
    """Why a string cannot be stored (U+0000, or an unpaired surrogate that has no UTF-8)."""
    if "\x00" in text:
        return [NUL_MESSAGE]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return [SURROGATE_MESSAGE]
    return None


def _text_errors(value: Any, depth: int = 0) -> Any:
    """Per-field errors (shaped like marshmallow's) for strings and keys that cannot be
    stored; raises :class:`_TooDeep` past :data:`MAX_JSON_DEPTH`."""
    if isinstance(value, str):
        return _text_problem(value)
    if isinstance(value, dict | list):
        if depth >= MAX_JSON_DEPTH:
            raise _TooDeep()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        errors = {}
        for key, item in items:
            found = _text_problem(str(key)) or _text_errors(item, depth + 1)
            if found:
                errors[str(key).encode("utf-8", "replace").decode()] = found
        return errors or None
    return None


def _screen_input() -> None:
    """Refuse input that would otherwise fail deep inside a library (500).

    No text in this API may contain U+0000 (PostgreSQL cannot store or even compare it) or an
    unpaired surrogate (it has no UTF-8 form). Paths holding U+0000 are not found; query
    strings and JSON bodies holding such text are 422 with the offending fields. JSON bodies
    nested deeper than any schema are 400, like malformed JSON.
    """
    if not request.path.startswith("/api/"):
        return
    if "\x00" in request.path:
        raise NotFound()
    errors: dict[str, Any] = {}
    for name, values in request.args.lists():
        if "\x00" in name or any("\x00" in v for v in values):
            errors[name] = [NUL_MESSAGE]
    if request.method in BODY_METHODS and request.is_json:
        try:
            found = _text_errors(request.get_json(silent=True))
        except (RecursionError, _TooDeep):
            abort(400, messages={"json": ["Invalid JSON body."]})
        if isinstance(found, dict):
            errors.update(found)
        elif found:
            errors["_schema"] = found
    if errors:
        raise ValidationFailed(errors=errors)


def _handle_domain_error(error: DomainError):
    if request.path.startswith("/api/"):
        if isinstance(error, PermissionDenied) and current_principal() is None:
            # Anonymous callers are not "forbidden": they must authenticate first (401).
            error = AuthenticationRequired()
        return from_domain_error(error)
    from core.web.errors import render_domain_error

    return render_domain_error(error)


def is_unique_violation(error: IntegrityError) -> bool:
    """A unique constraint refused the write (PostgreSQL 23505, SQLite's UNIQUE)."""
    orig = error.orig
    return getattr(orig, "sqlstate", None) == "23505" or (
        getattr(orig, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE"
    )


def _handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return from_http_exception(error)
    if (isinstance(error, IntegrityError) and is_unique_violation(error)
            and request.path.startswith("/api/")):
        # The services check uniqueness first; only a concurrent request that passed the same
        # check at the same moment reaches the database's unique index: that is a conflict.
        log.info("concurrent change refused by a unique index on %s %s: %s",
                 request.method, request.path, error.orig)
        return problem(409, detail=CONCURRENT_CHANGE, code="conflict")
    log.exception("unhandled error on %s %s", request.method, request.path)
    if request.path.startswith("/api/"):
        return problem(500)
    from core.web.errors import render_server_error

    return render_server_error()


def schema_name(schema: Any) -> str:
    """OpenAPI component name of a schema: core's by class name, a plugin's prefixed with the
    plugin (``MatchmakingNeed``), so plugins never collide with core or with each other."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    module = cls.__module__
    if module.startswith("core."):
        return name
    parts = module.split(".")
    owner = parts[1] if parts[0] == "plugins" and len(parts) > 1 else parts[0]
    prefix = "".join(word.title() for word in owner.removeprefix("sinergi_").split("_"))
    return name if name.startswith(prefix) else f"{prefix}{name}"


class _SettingsInDocument(BasePlugin):
    """Writes limits that are settings into the document: the ``per_page`` maximum
    (``api_page_size_max``) of every list."""

    def __init__(self, app: Flask):
        super().__init__()
        self.app = app

    def operation_helper(self, path: str | None = None,
                         operations: dict[str, Any] | None = None, **kwargs: Any) -> None:
        for operation in (operations or {}).values():
            for parameter in operation.get("parameters", ()):
                if (isinstance(parameter, dict) and parameter.get("in") == "query"
                        and parameter.get("name") == "per_page"):
                    schema = parameter.setdefault("schema", {})
                    schema["maximum"] = int(self.app.config["API_PAGE_SIZE_MAX"])


def init_api(app: Flask) -> None:
    app.config.update(
        API_TITLE="Sinergi API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",
        # No call to the public validator service: the docs page uses nothing but this site.
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None},
    )
    # Register before the blueprints so that every ``<int:…>`` rule uses it.
    app.url_map.converters["int"] = IdConverter
    api = SinergiApi(
        app,
        spec_kwargs={
            "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
            "extra_plugins": [_SettingsInDocument(app)],
            "info": {
                "description": "REST API of Sinergi, the collaboration platform of Gerakan "
                "Menuju Smart City. Errors are RFC 9457 application/problem+json.",
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                }
            },
            # A bearer token, or nothing (public reads); the docs page offers "Authorize".
            "security": [{"bearerAuth": []}, {}],
        },
    )
    api.register_converter(IdConverter, integerconverter2paramschema)
    app.extensions["sinergi.api"] = api
    app.before_request(_require_login_for_writes)
    app.before_request(_require_json_body)
    app.before_request(_screen_input)
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(Exception, _handle_unexpected)

    from core.accounts.api import blp as accounts_blp
    from core.api.platform_api import blp as platform_blp
    from core.orgs.api import blp as orgs_blp
    from core.plans.api import blp as plans_blp
    from core.regions.api import blp as regions_blp

    for blueprint in (regions_blp, orgs_blp, accounts_blp, plans_blp, platform_blp):
        api.register_blueprint(blueprint, url_prefix=f"/api/v1{blueprint.url_prefix or ''}")
