"""How the authorisation matrix calls one (method, rule) as one actor: URL parameters filled
with the world's resources, a body for writes, a bearer token for the API and a logged-in
browser (session cookie + CSRF token) for pages; and how a response is classified."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.test import TestResponse

from tests.security.authz_table import Row
from tests.security.authz_world import BANDUNG, YEAR, World

#: Default values of URL parameters by name: the resource owned by the ``*_a`` actors.
PARAMS: dict[str, Any] = {
    "plan_id": "plan_a", "need_id": "need_a", "offer_id": "offer_a",
    "interest_id": "interest_a", "collaboration_id": "collaboration_a",
    "assignment_id": "assignment_a", "file_id": "evidence_a", "indicator_id": "indicator",
    "token": "survey_token_a", "survey_id": "survey_a", "achievement_id": "achievement_a",
    "notification_id": "notification_a", "ref": "org_a", "slug": "org_a_slug",
    "search_id": "search_a", "token_id": "token_a", "webhook_id": "webhook_a",
    "delivery_id": "delivery_a", "image_id": "image_a", "user_id": "user_b",
}
LITERALS: dict[str, Any] = {"year": YEAR, "code": BANDUNG, "event_type": "sinergi.plan.approved",
                            "variant": "thumb", "kind": "csv", "action": "open"}
PARAM_RE = re.compile(r"<(?:[^:<>]+(?:\([^)]*\))?:)?([a-z_]+)>")


def fill(world: World, rule: str, row: Row) -> str:
    """The rule's URL with every parameter filled (``row.params`` overrides the defaults:
    a world id key, or a literal when not a key)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        given = row.params.get(name, PARAMS.get(name, LITERALS.get(name)))
        assert given is not None, f"no value for <{name}> in {rule}"
        return str(world.ids.get(given, given) if isinstance(given, str) else given)

    url = PARAM_RE.sub(value, rule)
    return url + (row.query or "")


def call(world: World, method: str, rule: str, row: Row, actor: str) -> TestResponse:
    url = fill(world, rule, row)
    body = row.body(world) if callable(row.body) else row.body
    if rule.startswith("/api/"):
        headers = dict(row.headers(world, actor) if callable(row.headers) else row.headers)
        if method in ("GET", "DELETE") and body is None:
            return world.api(actor, method, url, headers=headers)
        return world.api(actor, method, url, {} if body is None else body, headers=headers)
    return world.page(actor, method, url, body if method != "GET" else None)


def classify(response: TestResponse, page: bool) -> str:
    """``ok`` (2xx, a redirect elsewhere than the login page), ``auth`` (401, or a redirect
    to the login page), ``deny`` (403), ``hide`` (404), ``invalid`` (400, 409, 412, 415, 422,
    428: refused for its content or state, after the authorisation), else the status."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return "auth" if "/login" in location.split("?")[0] else "ok"
    if 200 <= status < 300:
        return "ok"
    if status == 401:
        return "auth"
    if status == 403:
        return "deny"
    if status == 404:
        return "hide"
    if status in (400, 409, 412, 415, 422, 428):
        return "invalid"
    return str(status)
