"""RFC 9457 ``application/problem+json`` responses for every API error."""

from __future__ import annotations

import functools
import re
from typing import Any

from flask import Response, current_app, g, json, request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from core.errors import DomainError

PROBLEM_TYPE = "urn:sinergi:problem:{}"
PROBLEM_MIMETYPE = "application/problem+json"
CSRF_DETAIL = _l("The CSRF token is missing or invalid: send it in the X-CSRF-Token header.")

STATUS_TITLES = {
    400: _l("Bad request"),
    401: _l("Authentication required"),
    403: _l("Forbidden"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    406: _l("Not acceptable"),
    409: _l("Conflict"),
    412: _l("Precondition failed"),
    413: _l("Request body too large"),
    415: _l("Unsupported media type"),
    422: _l("Validation failed"),
    428: _l("Precondition required"),
    429: _l("Too many requests"),
    500: _l("Internal server error"),
    503: _l("Service unavailable"),
}

STATUS_CODES = {
    400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 406: "not-acceptable", 409: "conflict",
    412: "precondition-failed", 413: "payload-too-large", 415: "unsupported-media-type",
    422: "validation-failed", 428: "precondition-required", 429: "too-many-requests",
    500: "internal-error", 503: "unavailable",
}

STATUS_DETAILS = {
    400: _l("The request could not be understood."),
    401: _l("Send a valid API token (Authorization: Bearer …) or log in."),
    403: _l("You are not allowed to do this."),
    404: _l("The requested item was not found."),
    405: _l("This method is not allowed here."),
    413: _l("The request body is too large."),
    415: _l("Send the body as application/json."),
    428: _l("Send an If-Match header with the item's ETag."),
    429: _l("Too many attempts; wait a moment and try again."),
    500: _l("Something went wrong on our side. The error has been logged."),
}


class ProblemSchema(Schema):
    """RFC 9457 problem details: the body of every API error."""

    type = fields.String(metadata={"example": "urn:sinergi:problem:validation-failed"})
    title = fields.String(metadata={"description": "In the language of Accept-Language."})
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String(metadata={"description": "The request path."})
    errors = fields.Dict(
        metadata={"description": "Per-field messages, shaped like the request body."}
    )


@functools.cache
def _parametrised_messages() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Library messages with ``{placeholders}``, as patterns that find the values again in a
    formatted message ("Longer than maximum length 200." → max = 200)."""
    from core.api.library_messages import LIBRARY_MESSAGES

    found = []
    for lazy in LIBRARY_MESSAGES:
        template = str(lazy._args[0])  # the msgid, untranslated
        if "{" not in template:
            continue
        parts = re.split(r"\{(\w+)\}", template)
        pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                          for i, part in enumerate(parts))
        found.append((re.compile(pattern, re.DOTALL), template))
    return tuple(found)


def translate(message: Any) -> str:
    """Translate a message: a lazy string, a library message that our catalogue knows, or a
    library message formatted with values (translated as its template, values kept)."""
    text = str(message)
    if not text:
        return text
    translated = gettext(text)
    if translated != text or "{" in text:
        return translated
    for pattern, template in _parametrised_messages():
        match = pattern.fullmatch(text)
        if match:
            return gettext(template).format(**match.groupdict())
    return translated


def translate_errors(errors: Any) -> Any:
    if isinstance(errors, dict):
        return {str(k): translate_errors(v) for k, v in errors.items()}
    if isinstance(errors, list | tuple):
        return [translate_errors(v) for v in errors]
    return translate(errors)


def problem(
    status: int,
    *,
    detail: Any = None,
    code: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
) -> Response:
    """Build a problem+json response in the request's language."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE.format(code or STATUS_CODES.get(status, "error")),
        "title": translate(STATUS_TITLES.get(status, "Error")),
        "status": status,
    }
    if detail is None:
        detail = STATUS_DETAILS.get(status)
    if detail is not None:
        body["detail"] = translate(detail)
    body["instance"] = request.path
    if errors:
        body["errors"] = translate_errors(errors)
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers.items() if isinstance(headers, dict) else headers or []):
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    if status == 401 and "WWW-Authenticate" not in response.headers:
        # RFC 9110: a 401 names the scheme to authenticate with (RFC 6750 for bearer tokens).
        challenge = 'Bearer realm="sinergi"'
        if g.get("auth_method") == "invalid-token":
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
    response.headers["Content-Language"] = str(_current_locale())
    return response


def _current_locale() -> str:
    return str(get_locale() or current_app.config["DEFAULT_LOCALE"])


def _flatten_webargs(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs reports {"json": {...}, "query": {...}}: merge the locations into one map."""
    flat: dict[str, Any] = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            flat.update(errors)
        else:
            flat[location] = errors
    return flat


def from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = None
    detail = None
    if isinstance(data, dict) and data.get("messages"):
        errors = _flatten_webargs(data["messages"])
    if status == 403 and g.get("csrf_failed"):
        return problem(403, detail=CSRF_DETAIL, code="csrf-failed")
    if status == 400 and data.get("message"):
        detail = data["message"]
    elif status not in STATUS_DETAILS and error.description and status != 422:
        detail = error.description
    return problem(status, detail=detail, errors=errors, headers=error.get_headers())


def from_domain_error(error: DomainError) -> Response:
    return problem(error.status, detail=error.message, code=error.code, errors=error.errors or None)
