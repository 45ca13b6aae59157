"""Helpers for the REST API tests: problem assertions, database snapshots, request bodies and
a thin client for the API's conventions (JSON, bearer tokens, If-Match)."""

from __future__ import annotations

import copy
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from werkzeug.test import TestResponse

from core.db import Base, Database
from tests.conftest import REFERENCE_TABLES, Account, full_programmes

PROBLEM_JSON = "application/problem+json"
API = "/api/v1"

Snapshot = dict[str, list[tuple[Any, ...]]]


# ---------------------------------------------------------------- assertions


def assert_problem(response: TestResponse, status: int, code: str | None = None) -> dict:
    """``response`` is an RFC 9457 problem with ``status`` (and type ``code``); returns it."""
    body_text = response.get_data(as_text=True)
    assert response.status_code == status, body_text
    assert response.mimetype == PROBLEM_JSON, response.headers
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"].startswith("urn:sinergi:problem:")
    if code is not None:
        assert body["type"] == f"urn:sinergi:problem:{code}"
    assert body["title"]
    assert body["instance"] == response.request.path
    assert "Traceback" not in body_text and 'File "' not in body_text
    return body


# ---------------------------------------------------------------- database state


def take_snapshot(db: Database) -> Snapshot:
    """Every row of every table the API can change (the reference data never changes). The
    audit log is left out: it records refused requests on purpose (tests/security), and so is
    the tokens' ``last_used_at``."""
    state: Snapshot = {}
    with db.engine.connect() as conn:
        existing = set(inspect(conn).get_table_names())
        for table in Base.metadata.sorted_tables:
            if (table.name in REFERENCE_TABLES or table.name not in existing
                    or table.name == "audit_events"):
                continue
            # Bookkeeping, not data: when a token was last used changes on any use.
            columns = [c for c in table.c if (table.name, c.name) != ("api_tokens",
                                                                       "last_used_at")]
            rows = [tuple(row) for row in conn.execute(select(*columns))]
            state[table.name] = sorted(rows, key=repr)
    return state


# ---------------------------------------------------------------- request bodies


def plan_body(region_code: str = "32.73", **changes: Any) -> dict[str, Any]:
    """A valid, complete body for ``POST /api/v1/plans``."""
    body: dict[str, Any] = {
        "region_code": region_code,
        "title": "Rencana Induk Bandung Cerdas",
        "period_start": 2024,
        "period_end": 2028,
        "vision": "Bandung yang cerdas, nyaman dan berkelanjutan.",
        "programmes": full_programmes(),
    }
    body.update(changes)
    return body


def programmes_with_quick_wins(n: int) -> list[dict[str, Any]]:
    """The full set of programmes with exactly ``n`` quick wins."""
    items = copy.deepcopy(full_programmes())
    for index, item in enumerate(items):
        item["quick_win"] = index < n
    return items


class ApiClient:
    """Thin helpers over the test client for the API's conventions (JSON, bearer, If-Match)."""

    def __init__(self, client: FlaskClient):
        self.client = client

    @staticmethod
    def _headers(who: Account | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(who.headers) if who is not None else {}
        headers.update(extra or {})
        return headers

    def get(self, path: str, who: Account | None = None, **kw: Any) -> TestResponse:
        return self.client.get(API + path, headers=self._headers(who, kw.pop("headers", None)),
                               **kw)

    def post(self, path: str, who: Account | None = None, json: Any = None,
             **kw: Any) -> TestResponse:
        return self.client.post(API + path, json=json,
                                headers=self._headers(who, kw.pop("headers", None)), **kw)

    def put(self, path: str, who: Account | None = None, json: Any = None,
            **kw: Any) -> TestResponse:
        return self.client.put(API + path, json=json,
                               headers=self._headers(who, kw.pop("headers", None)), **kw)

    def patch(self, path: str, who: Account | None = None, json: Any = None,
              etag: str | None = None, **kw: Any) -> TestResponse:
        extra = kw.pop("headers", None) or {}
        if etag is not None:
            extra["If-Match"] = etag
        return self.client.patch(API + path, json=json, headers=self._headers(who, extra), **kw)

    def delete(self, path: str, who: Account | None = None, **kw: Any) -> TestResponse:
        return self.client.delete(API + path, headers=self._headers(who, kw.pop("headers", None)),
                                  **kw)

    def etag(self, path: str, who: Account | None) -> str:
        response = self.get(path, who)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.headers["ETag"]


def csrf_from(html: str) -> str:
    """The value of the ``csrf_token`` hidden input of a page."""
    match = re.search(r'name="csrf_token"\s+value="([^"]+)"', html)
    assert match, "no csrf_token input on the page"
    return match.group(1)
