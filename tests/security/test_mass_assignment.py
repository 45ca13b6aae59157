"""Mass assignment: no write endpoint lets a caller set what is not theirs to set (owner,
organisation, region, user, roles, workflow status, scores, verification, activity, version,
ids, timestamps, publication).

- API: every write operation of the OpenAPI document (so new endpoints are covered) is called
  by its owner with a valid body plus every sensitive field its schema does not declare: the
  answer is a 422 problem naming each field, and nothing changes. A sensitive field that a
  schema does declare must be listed in ``DECLARED`` (reviewed: the caller's choice, checked by
  the service); ``CHOICES`` checks that such a choice cannot name someone else's item.
- Pages: every form is posted by its owner with the same extra fields; what is stored is
  exactly what the form alone stores.

Bodies, owners and URLs come from the authorisation matrix's table (``authz_table.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from tests.security import authz_world
from tests.security.authz_calls import call, fill
from tests.security.authz_table import TABLE, Row, normalise
from tests.security.authz_world import BANDUNG, SURABAYA, World

world = authz_world.world
WRITES = ("POST", "PUT", "PATCH", "DELETE")
PARAM_RE = re.compile(r"<(?:[^:<>]+(?:\([^)]*\))?:)?([a-z_]+)>")


@pytest.fixture(autouse=True)
def _sinergi_clean_database() -> Iterator[None]:
    """The module's world is rolled back as a whole (see ``authz_world``)."""
    yield


def sensitive(world: World | None) -> dict[str, Any]:
    """Fields a caller must never set, with values that would hurt (another user, another
    organisation and region, the top role, a finished workflow, a perfect score...)."""
    other = world.accounts["officer_b"].user_id if world else 0
    return {
        "id": 1, "user_id": other, "owner_id": other, "created_by": other, "assessor_id": other,
        "organisation_id": world.ids["org_b"] if world else 0, "region_code": SURABAYA,
        "role": "admin", "roles": ["admin"], "is_admin": True, "is_evaluator": True,
        "status": "approved", "state": "published", "stage": "completed",
        "score": 5, "final_score": 5, "index": 100, "lead": True,
        "verified": True, "is_verified": True, "is_active": False, "active": False,
        "version": 99, "created_at": "2000-01-01T00:00:00Z", "updated_at": "2000-01-01T00:00:00Z",
        "published": True, "published_at": "2000-01-01T00:00:00Z", "approved": True,
    }


#: Sensitive names that a schema declares on purpose: the caller's choice, which the service
#: checks (see ``CHOICES`` for the ones naming an owner).
DECLARED: dict[tuple[str, str], set[str]] = {
    ("POST", "/api/v1/plans"): {"region_code"},
    ("POST", "/api/v1/needs"): {"region_code"},
    ("POST", "/api/v1/exhibition/booths"): {"region_code"},
    ("POST", "/api/v1/organisations"): {"region_code"},
    ("POST", "/api/v1/organisations/<string:ref>/members"): {"role"},
    ("PUT", "/api/v1/organisations/<string:ref>/verification"): {"verified"},
    ("POST", "/api/v1/needs/<int:need_id>/interests"): {"organisation_id"},
    ("POST", "/api/v1/saved-searches"): {"organisation_id"},
    ("POST", "/api/v1/offers"): {"organisation_id"},
    ("POST", "/api/v1/webhooks"): {"organisation_id", "active"},
    # the region's officers open, progress and close their needs (docs/matchmaking.md)
    ("PATCH", "/api/v1/needs/<int:need_id>"): {"status"},
    ("PATCH", "/api/v1/webhooks/<int:webhook_id>"): {"active"},
    ("POST", "/api/v1/collaborations/<int:collaboration_id>/stage"): {"stage"},
    ("PATCH", "/api/v1/regions/<string:code>/participation"): {"stage"},
    ("POST", "/api/v1/regions/<string:code>/participation"): {"stage"},
    ("POST", "/api/v1/evaluation/cycles/<int:year>/assignments"): {
        "region_code", "assessor_id", "lead"},
}

#: A declared owner choice naming someone else's: (method, rule, actor, changes) → refused.
CHOICES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("POST", "/api/v1/plans", "officer_a", {"region_code": SURABAYA}),
    ("POST", "/api/v1/needs", "officer_a", {"region_code": SURABAYA}),
    ("POST", "/api/v1/exhibition/booths", "officer_a", {"region_code": SURABAYA}),
    ("POST", "/api/v1/needs/<int:need_id>/interests", "partner_a", {"organisation_id": "org_b"}),
    ("POST", "/api/v1/saved-searches", "partner_a", {"organisation_id": "org_b"}),
    ("POST", "/api/v1/offers", "partner_a", {"organisation_id": "org_b"}),
    ("POST", "/api/v1/webhooks", "partner_a", {"organisation_id": "org_b"}),
    ("POST", "/api/v1/organisations/<string:ref>/members", "member_a", {"role": "admin"}),
]


def openapi_rule(rule: str) -> str:
    return PARAM_RE.sub(lambda m: "{" + m.group(1) + "}", rule)


def owner(row: Row) -> str:
    """The actor who may make this write: a non-admin owner if there is one."""
    allowed = [a for a, outcome in row.expect.items() if outcome in ("ok", "allowed")]
    assert allowed, row
    return next((a for a in allowed if a not in ("admin", "anon")), allowed[0])


def api_writes() -> list[tuple[str, str]]:
    return sorted(k for k in TABLE if k[0] in WRITES and k[1].startswith("/api/v1/"))


def page_writes() -> list[tuple[str, str]]:
    return sorted(k for k in TABLE if k[0] == "POST" and not k[1].startswith("/api/")
                  and k[1] not in ("/login", "/logout"))


def operation(app: Flask, method: str, rule: str) -> dict[str, Any] | None:
    spec = app.test_client().get("/api/openapi.json").get_json()
    return spec["paths"].get(openapi_rule(rule), {}).get(method.lower())


def declared_fields(app: Flask, op: dict[str, Any]) -> set[str] | None:
    """The request body's top-level properties, or None without a body."""
    body = op.get("requestBody")
    if not body:
        return None
    spec = app.test_client().get("/api/openapi.json").get_json()
    schema = next(iter(body["content"].values()))["schema"]
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return {name for name, prop in schema.get("properties", {}).items()
            if not prop.get("readOnly")}


def test_every_api_write_of_the_openapi_document_has_a_row(sinergi_app: Flask) -> None:
    spec = sinergi_app.test_client().get("/api/openapi.json").get_json()
    documented = {(method.upper(), path) for path, ops in spec["paths"].items()
                  for method in ops if method.upper() in WRITES}
    known = {(m, openapi_rule(r)) for m, r in api_writes()}
    missing = sorted(documented - known)
    assert not missing, f"write operations without a row in authz_table.py: {missing}"


def test_sensitive_fields_declared_by_a_schema_are_reviewed(sinergi_app: Flask) -> None:
    names = set(sensitive(None))
    unreviewed = {}
    for method, rule in api_writes():
        op = operation(sinergi_app, method, rule)
        fields = declared_fields(sinergi_app, op) if op else None
        extra = (fields or set()) & names - DECLARED.get((method, rule), set())
        if extra:
            unreviewed[(method, rule)] = sorted(extra)
    assert not unreviewed, f"sensitive fields in request schemas, not in DECLARED: {unreviewed}"


@pytest.mark.parametrize(("method", "rule"), api_writes(), ids=lambda v: v)
def test_api_refuses_sensitive_fields(world: World, method: str, rule: str) -> None:
    op = operation(world.app, method, rule)
    if op is None:
        pytest.skip("not in this application's OpenAPI document")
    fields = declared_fields(world.app, op)
    if fields is None:
        pytest.skip("the operation reads no body")
    row = TABLE[(method, rule)]
    actor = owner(row)
    base = row.body(world) if callable(row.body) else dict(row.body or {})
    extras = {k: v for k, v in sensitive(world).items()
              if k not in fields and k not in DECLARED.get((method, rule), set())}
    with world.isolated():
        before = world.snapshot()
        response = call(world, method, rule, Row(row.expect, row.params, row.query,
                                                 {**base, **extras}, row.headers), actor)
        assert response.status_code == 422, (response.status_code, response.get_data(
            as_text=True)[:500])
        assert response.mimetype == "application/problem+json"
        errors = response.get_json()["errors"]
        assert set(extras) <= set(errors), sorted(set(extras) - set(errors))
        assert world.snapshot() == before


NESTED: list[tuple[str, str, str, Any]] = [
    # (method, rule, list field, an item with an extra field)
    ("POST", "/api/v1/plans", "programmes", {"id": 1, "status": "approved"}),
    ("PUT", "/api/v1/evaluation/assignments/<int:assignment_id>/scores", "scores",
     {"assessor_id": 1, "final_score": 5}),
    ("PUT", "/api/v1/evaluation/cycles/<int:year>/regions/<code>/finals", "finals",
     {"assessor_id": 1, "status": "final"}),
]


@pytest.mark.parametrize(("method", "rule", "name", "extra"), NESTED,
                         ids=[f"{m}-{r}" for m, r, _n, _e in NESTED])
def test_api_refuses_sensitive_fields_in_nested_items(world: World, method: str, rule: str,
                                                      name: str, extra: dict[str, Any]) -> None:
    row = TABLE[(method, rule)]
    body = row.body(world) if callable(row.body) else dict(row.body or {})
    items = body.get(name) or [{}]
    body[name] = [{**items[0], **extra}, *items[1:]]
    with world.isolated():
        before = world.snapshot()
        response = call(world, method, rule, Row(row.expect, row.params, row.query, body,
                                                 row.headers), "admin" if "finals" in rule
                        else owner(row))
        assert response.status_code == 422, response.get_data(as_text=True)[:500]
        problem = response.get_json()["errors"][name]
        assert set(extra) <= set(problem["0"]), problem
        assert world.snapshot() == before


@pytest.mark.parametrize(("method", "rule", "actor", "changes"), CHOICES,
                         ids=[f"{m}-{r}-{list(c)[0]}" for m, r, _a, c in CHOICES])
def test_declared_owner_choices_cannot_name_someone_else(world: World, method: str, rule: str,
                                                         actor: str,
                                                         changes: dict[str, Any]) -> None:
    row = TABLE[(method, rule)]
    body = row.body(world) if callable(row.body) else dict(row.body or {})
    body.update({k: world.ids.get(v, v) if isinstance(v, str) else v
                 for k, v in changes.items()})
    with world.isolated():
        before = world.snapshot()
        response = call(world, method, rule, Row(row.expect, row.params, row.query, body,
                                                 row.headers), actor)
        assert response.status_code in (403, 404, 422), (response.status_code,
                                                         response.get_data(as_text=True))
        assert world.snapshot() == before


# ---------------------------------------------------------------- pages


def _align_sequences(world: World) -> None:
    """On PostgreSQL, make the next id of every table its largest id + 1, as SQLite does after
    a rollback: two runs of the same form then allocate the same ids."""
    if world.conn.dialect.name != "postgresql":
        return
    owned = world.conn.execute(text(
        "SELECT s.relname, t.relname, a.attname FROM pg_class s"
        " JOIN pg_depend d ON d.objid = s.oid AND d.refobjsubid > 0"
        " JOIN pg_class t ON t.oid = d.refobjid"
        " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
        " WHERE s.relkind = 'S'")).all()
    for sequence, table, column in owned:
        world.conn.execute(text(
            f'SELECT setval(\'"{sequence}"\', COALESCE((SELECT MAX("{column}") FROM "{table}"), 0)'
            " + 1, false)"))


def _masked(state: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """Rows with times and generated values (event ids, secrets) masked."""

    def mask(value: Any) -> Any:
        if isinstance(value, dt.datetime | dt.date):
            return "<time>"
        if isinstance(value, str | dict | list):
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True,
                                                                    default=str)
            return RANDOM_RE.sub("<random>", text)
        return value

    return {table: sorted((tuple(mask(v) for v in row) for row in rows), key=repr)
            for table, rows in state.items()}


#: Generated values: event ids, times in event payloads, token and secret material.
RANDOM_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|[0-9a-f]{32,}|(?:sng|whsec)_[A-Za-z0-9_-]+|[A-Za-z0-9+/_-]{40,}={0,2}")

#: Fields that a form has although the matrix's body leaves them out: the caller's choice,
#: checked by the service (as ``DECLARED`` for the API).
FORM_FIELDS: dict[str, set[str]] = {
    "/evaluasi/<int:year>/assessors": {"lead"},
    "/needs/<int:need_id>/edit": {"status"},
    "/needs/<int:need_id>/interest": {"organisation_id"},
    "/offers/new": {"organisation_id"},
    "/organisations/new": {"region_code"},
    "/webhooks/new": {"organisation_id", "active"},
}


def _form_extras(world: World) -> dict[str, str]:
    values = sensitive(world)
    return {k: ("1" if v is True else "0" if v is False else
                ",".join(v) if isinstance(v, list) else str(v)) for k, v in values.items()}


@pytest.mark.parametrize(("method", "rule"), page_writes(), ids=lambda v: v)
def test_forms_ignore_fields_they_do_not_have(world: World, method: str, rule: str) -> None:
    row = TABLE[(method, rule)]
    if (method, normalise(rule)) not in {(m, normalise(r.rule))
                                         for r in world.app.url_map.iter_rules()
                                         for m in r.methods}:
        pytest.skip("route not in this application")
    actor = owner(row)
    base = row.body(world) if callable(row.body) else dict(row.body or {})
    extras = {k: v for k, v in _form_extras(world).items()
              if k not in base and k not in FORM_FIELDS.get(rule, set())}
    fill(world, rule, row)  # every parameter has a value
    with world.isolated():
        _align_sequences(world)
        plain_response = call(world, method, rule, row, actor)
        plain = world.snapshot()
    base = row.body(world) if callable(row.body) else dict(row.body or {})
    with world.isolated():
        _align_sequences(world)
        loaded_response = call(world, method, rule, Row(row.expect, row.params, row.query,
                                                        {**base, **extras}, row.headers), actor)
        loaded = world.snapshot()
    assert loaded_response.status_code == plain_response.status_code
    assert _masked(loaded) == _masked(plain), (
        f"{rule}: extra fields {sorted(extras)} changed what the form stores")


def test_the_probe_sees_a_form_that_stores_a_field(world: World) -> None:
    """The page comparison would notice a field that a form does store."""
    rule = "/pameran/<code>/kelola"
    row = TABLE[("POST", rule)]
    with world.isolated():
        _align_sequences(world)
        call(world, "POST", rule, row, "officer_a")
        plain = world.snapshot()
    with world.isolated():
        _align_sequences(world)
        call(world, "POST", rule, Row(row.expect, row.params, row.query,
                                      {**row.body(world), "tagline": "Lain sekali"}),
             "officer_a")
        other = world.snapshot()
    assert _masked(plain) != _masked(other)
    assert BANDUNG in str(plain["exhibition_booths"])
