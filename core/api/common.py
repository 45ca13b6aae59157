"""Shared pieces of the API: pagination arguments and envelopes, ETags, the current actor."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, current_app, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import Connection
from werkzeug.exceptions import PreconditionRequired

from core.db import get_db
from core.errors import StaleVersion
from core.pagination import Page


class QueryArgs(Schema):
    """Query strings ignore unknown parameters (e.g. ``lang``) but validate known ones."""

    class Meta:
        unknown = EXCLUDE


class NoBodySchema(Schema):
    """The body of an action that takes no input: none, or ``{}``. Anything else is refused
    (400 for malformed JSON, 422 for fields) rather than silently ignored."""


class PageArgs(QueryArgs):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1))
    sort = fields.String(load_default=None)

    #: Allowed sort keys; subclasses set it.
    SORTS: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The OpenAPI document lists the sort keys (and ``-key``); a list without any takes no
        # ``sort`` (ignored like any unknown parameter) rather than refusing every value.
        sort_field = self.fields.get("sort")
        if sort_field is not None and self.SORTS:
            keys = [key for sort in self.SORTS for key in (sort, f"-{sort}")]
            sort_field.metadata = {**sort_field.metadata, "enum": keys}
        else:
            for found in (self.fields, self.load_fields, self.dump_fields):
                found.pop("sort", None)

    @validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        maximum = current_app.config["API_PAGE_SIZE_MAX"]
        per_page = data.get("per_page")
        if per_page is not None and per_page > maximum:
            raise ValidationError(f"Must be at most {maximum}.", "per_page")
        sort = data.get("sort")
        if sort and sort.removeprefix("-") not in self.SORTS:
            raise ValidationError(f"Must be one of: {', '.join(self.SORTS)}.", "sort")


ANONYMOUS_ATTR = "_sinergi_allow_anonymous"


def allow_anonymous(view: Any) -> Any:
    """Mark an API write (POST/PUT/PATCH/DELETE view method) that works without logging in,
    such as the token exchange or a public survey answer. Every other API write asks an
    anonymous caller to authenticate (401) before its body is even read."""
    setattr(view, ANONYMOUS_ATTR, True)
    return view


#: ``@blp.doc(**IF_MATCH)`` documents a write that requires ``If-Match`` (the item's ETag):
#: 428 without it, 412 when it names an older version (see :func:`expected_version`).
IF_MATCH: dict[str, Any] = {"parameters": [{
    "in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
    "description": "The ETag read before; 428 without it, 412 if the item changed since.",
}]}


def page_options(args: dict[str, Any], default_sort: str) -> dict[str, Any]:
    """Turn validated page arguments into keyword arguments for a list service."""
    sort = args.get("sort") or default_sort
    return {
        "page": args["page"],
        "per_page": args.get("per_page") or current_app.config["API_PAGE_SIZE_DEFAULT"],
        "sort": sort.removeprefix("-"),
        "descending": sort.startswith("-"),
    }


class PageMeta(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """A ``{items, total, page, per_page, pages}`` envelope schema for ``item_schema``."""
    return type(name, (PageMeta,), {
        "items": fields.List(fields.Nested(item_schema)),
        "__module__": item_schema.__module__,  # names the OpenAPI component after its owner
    })


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {
        "items": page.items,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
    }


def etag(kind: str, ident: Any, version: int) -> str:
    return f'"{kind}-{ident}-v{version}"'


def expected_version(kind: str, ident: Any, required: bool = True) -> int | None:
    """The version named by ``If-Match``; 428 when required and missing, 412 when unparseable."""
    header = request.headers.get("If-Match")
    if not header:
        if required:
            raise PreconditionRequired()
        return None
    if header.strip() == "*":
        return None
    prefix = f'"{kind}-{ident}-v'
    for candidate in header.split(","):
        candidate = candidate.strip().removeprefix("W/")
        if candidate.startswith(prefix) and candidate.endswith('"'):
            number = candidate[len(prefix):-1]
            if number.isdigit():
                return int(number)
    raise StaleVersion()


def content_etag(kind: str, body: bytes) -> str:
    """A strong ETag naming exactly these bytes (``"<kind>-<sha256 prefix>"``)."""
    return f'"{kind}-{hashlib.sha256(body).hexdigest()[:32]}"'


def not_modified(tag: str) -> bool:
    """Whether the request's ``If-None-Match`` matches ``tag`` (weak comparison, RFC 9110
    13.1.2; ``*`` matches)."""
    if "If-None-Match" not in request.headers:
        return False
    return request.if_none_match.contains_weak(tag.removeprefix("W/").strip('"'))


def json_response(body: bytes, tag: str | None = None, status: int = 200) -> Response:
    """A JSON response of already serialised ``body`` with ``tag`` as its ETag, or a 304
    without body when the client already holds that representation (GET and HEAD)."""
    headers = {"ETag": tag} if tag else {}
    if tag and status == 200 and request.method in ("GET", "HEAD") and not_modified(tag):
        return current_app.response_class(status=304, headers=headers)
    return current_app.response_class(body, status=status, headers=headers,
                                      mimetype="application/json")


def dump_json(body: Any) -> bytes:
    """``body`` serialised exactly as ``flask.jsonify`` (and so flask-smorest) would."""
    provider = current_app.json
    compact = getattr(provider, "compact", None)
    pretty = (compact is None and current_app.debug) or compact is False
    options: dict[str, Any] = {"indent": 2} if pretty else {"separators": (",", ":")}
    return f"{provider.dumps(body, **options)}\n".encode()


@contextmanager
def read_connection() -> Iterator[Connection]:
    """A connection for a read-only statement: the request's session's own when that is
    already in a transaction (e.g. it loaded the principal: one transaction per request), else
    a pooled connection of its own, without building a session (about half the CPU)."""
    db = get_db()
    if db.session.registry.has() and db.session().in_transaction():
        yield db.session().connection()
        return
    with db.engine.connect() as connection:
        yield connection
