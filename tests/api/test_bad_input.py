"""Bad input on every write endpoint and every list: always a problem+json with the right status
(never a 500), and nothing changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.helpers import API, ApiClient, assert_problem, plan_body
from tests.conftest import Account, Factory

MIB = 1024 * 1024


@dataclass
class World:
    admin: Account
    officer: Account
    partner: Account
    org_id: int
    draft_id: int
    submitted_id: int
    etags: dict[str, str]


@pytest.fixture
def world(factory: Factory, api: ApiClient) -> World:
    admin = factory.admin()
    officer = factory.officer("32.73")
    partner, org_id = factory.partner(name="Mitra Digital")
    draft_id = factory.plan(officer)
    submitted_id = factory.plan(officer, status="submitted", period_start=2030)
    assert api.post("/regions/32.73/participation", admin, {"cohort_year": 2017}).status_code \
        == 201
    etags = {
        "plan": api.etag(f"/plans/{draft_id}", officer),
        "org": api.etag(f"/organisations/{org_id}", partner),
    }
    return World(admin, officer, partner, org_id, draft_id, submitted_id, etags)


@dataclass(frozen=True)
class Endpoint:
    """A write endpoint: who may call it, and a body with a field of the wrong type."""

    method: str
    path: str
    who: str
    wrong_types: tuple[dict[str, Any], ...] = ()
    etag: str | None = None

    def url(self, world: World) -> str:
        return API + self.path.format(draft=world.draft_id, submitted=world.submitted_id,
                                      org=world.org_id)

    def headers(self, world: World) -> dict[str, str]:
        headers = dict(getattr(world, self.who).headers)
        if self.etag:
            headers["If-Match"] = world.etags[self.etag]
        return headers


ENDPOINTS = [
    Endpoint("POST", "/plans", "officer", (
        {**plan_body(), "title": 42},
        {**plan_body(), "period_start": "2024"},
        {**plan_body(), "period_start": 2024.5},
        {**plan_body(), "programmes": "all of them"},
        {**plan_body(), "programmes": [{"title": "x", "dimension": "economy",
                                        "sub_dimension": "industry", "budget_idr": "1 M"}]},
        {**plan_body(), "programmes": [{"title": "x", "dimension": "economy",
                                        "sub_dimension": "industry", "budget_idr": True}]},
    )),
    Endpoint("PATCH", "/plans/{draft}", "officer", (
        {"title": ["a"]}, {"vision": None}, {"period_end": "2028"}, {"programmes": {}},
    ), etag="plan"),
    Endpoint("POST", "/plans/{draft}/submit", "officer"),
    Endpoint("POST", "/plans/{submitted}/approve", "admin", ({"reason": 1},)),
    Endpoint("POST", "/plans/{submitted}/request-revision", "admin", ({"reason": ["why"]},)),
    Endpoint("POST", "/organisations", "partner", (
        {"name": 5, "type": "business"}, {"name": "X", "type": "business", "dimensions": "econ"},
        {"name": "X", "type": "unknown-type"},
    )),
    Endpoint("PATCH", "/organisations/{org}", "partner", (
        {"about": 1}, {"provinces_served": [32]}, {"dimensions": ["nope"]},
    ), etag="org"),
    Endpoint("PUT", "/organisations/{org}/verification", "admin", ({"verified": "perhaps"},)),
    Endpoint("POST", "/organisations/{org}/members", "partner", (
        {"email": 12}, {"email": "not-an-email"}, {"email": "a@b.test", "role": "owner"},
    )),
    Endpoint("POST", "/regions/32.04/participation", "admin", (
        {"cohort_year": "2017"}, {"cohort_year": 2020}, {"cohort_year": 2017, "stage": 3},
    )),
    Endpoint("PATCH", "/regions/32.73/participation", "admin", (
        {"stage": 1}, {"stage": "finished"},
    )),
    Endpoint("POST", "/auth/token", "officer", (
        {"email": 1, "password": "x"}, {"email": "a@b.test", "password": None},
    )),
    Endpoint("POST", "/tokens", "officer", ({"name": 7}, {"name": "x" * 101})),
]


def _send(client: FlaskClient, endpoint: Endpoint, world: World, **kw: Any):
    return client.open(endpoint.url(world), method=endpoint.method,
                       headers=endpoint.headers(world), **kw)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_bad_bodies(client: FlaskClient, world: World, unchanged, endpoint: Endpoint) -> None:
    with unchanged():
        deep = ['{"title": ' + "[" * n + "]" * n + "}" for n in (50, 990, 100_000)]
        for raw in ("{", '{"title": }', "{'single': 'quotes'}", "\xff\xfe", "[1, 2", *deep):
            response = _send(client, endpoint, world, data=raw, content_type="application/json")
            problem = assert_problem(response, 400, "bad-request")
            assert problem["errors"] == {"json": ["Invalid JSON body."]}, raw[:20]

        for raw in ("[]", "42", '"text"', "null"):
            response = _send(client, endpoint, world, data=raw, content_type="application/json")
            assert_problem(response, 422, "validation-failed")

        for body in endpoint.wrong_types:
            response = _send(client, endpoint, world, json=body)
            problem = assert_problem(response, 422, "validation-failed")
            assert problem["errors"], body

        response = _send(client, endpoint, world, json={"surprise": True})
        problem = assert_problem(response, 422, "validation-failed")
        assert problem["errors"]["surprise"] == ["Unknown field."]

        huge = json.dumps({"title": "x" * MIB})
        response = _send(client, endpoint, world, data=huge, content_type="application/json")
        assert_problem(response, 413, "payload-too-large")

        for content_type, data in (("text/plain", '{"title": "x"}'),
                                   ("application/x-www-form-urlencoded", "title=x"),
                                   ("application/xml", "<title>x</title>")):
            response = _send(client, endpoint, world, data=data, content_type=content_type)
            assert_problem(response, 415, "unsupported-media-type")


CORE_BLUEPRINTS = {"regions", "organisations", "accounts", "plans", "platform"}


def test_every_write_endpoint_is_covered(app) -> None:
    """A new write endpoint of core must be added to ENDPOINTS above (plugins test their own
    endpoints' bad input in their own suites)."""
    adapter = app.url_map.bind("localhost")
    covered = set()
    for endpoint in ENDPOINTS:
        path = API + endpoint.path.format(draft=1, submitted=2, org=3)
        rule, _args = adapter.match(path, method=endpoint.method, return_rule=True)
        covered.add((endpoint.method, rule.rule))
    writes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API) and rule.endpoint.split(".")[0] in CORE_BLUEPRINTS
        for method in rule.methods & {"POST", "PUT", "PATCH"}
    }
    assert writes == covered


@pytest.mark.parametrize("path", ["/regions", "/organisations", "/plans"])
@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=abc", "page=1.5", "page=100001", "per_page=0", "per_page=-5",
     "per_page=1000", "per_page=101", "per_page=ten", "sort=bogus", "sort=-bogus", "sort=--name"],
)
def test_bad_pagination_values(api: ApiClient, factory: Factory, path: str, query: str) -> None:
    admin = factory.admin()
    for who in (None, admin):
        problem = assert_problem(api.get(f"{path}?{query}", who), 422, "validation-failed")
        name = query.split("=")[0]
        assert set(problem["errors"]) == {name}


@pytest.mark.parametrize(
    "url",
    ["/regions?kind=desa", "/regions?province=3", "/regions?cohort=2020", "/regions?stage=done",
     "/regions?participating=maybe", "/regions?q=" + "x" * 101,
     "/organisations?type=club", "/organisations?verified=maybe",
     "/organisations?dimension=space", "/plans?status=lost", "/plans?period=abc",
     "/plans?region=3273", "/plans?period=1900"],
)
def test_bad_filter_values(api: ApiClient, url: str) -> None:
    problem = assert_problem(api.get(url), 422)
    assert set(problem["errors"]) == {url.split("?")[1].split("=")[0]}


def test_unknown_query_parameters_are_ignored(api: ApiClient) -> None:
    assert api.get("/regions?lang=en&utm_source=x").json["total"] == 514


def test_nul_characters_are_refused_not_a_server_error(api: ApiClient, factory: Factory,
                                                       unchanged) -> None:
    """PostgreSQL cannot hold U+0000: it must be refused up front on every database."""
    officer = factory.officer()
    with unchanged():
        for url in ("/regions?q=a%00b", "/organisations?q=%00", "/plans?q=%00",
                    "/regions?kind=kota&q%00=1"):
            assert_problem(api.get(url, officer), 422)
        for url in ("/regions/32%00", "/organisations/%00", "/provinces/3%002"):
            assert_problem(api.get(url), 404)
        problem = assert_problem(api.post("/plans", officer, plan_body(title="a\u0000b")), 422)
        assert set(problem["errors"]) == {"title"}
        programmes = plan_body()["programmes"]
        programmes[2]["description"] = "\u0000"
        problem = assert_problem(api.post("/plans", officer, plan_body(programmes=programmes)),
                                 422)
        assert problem["errors"] == {"programmes": {"2": {"description": [
            "Text must not contain NUL characters."]}}}
        assert_problem(api.post("/auth/token", None,
                                {"email": "a\u0000@b.test", "password": "x"}), 422)


def test_unpaired_surrogates_are_refused_not_a_server_error(client: FlaskClient,
                                                            factory: Factory,
                                                            unchanged) -> None:
    """JSON may spell a lone surrogate ("\\ud800") that no database can store as UTF-8."""
    officer = factory.officer()
    with unchanged():
        response = client.post(
            f"{API}/plans", headers=officer.headers, content_type="application/json",
            data='{"region_code": "32.73", "title": "a\\ud800b", "period_start": 2024, '
                 '"period_end": 2028}')
        problem = assert_problem(response, 422)
        assert problem["errors"] == {"title": [
            "Text must be valid Unicode (no unpaired surrogates)."]}
        response = client.post(f"{API}/auth/token", content_type="application/json",
                               data='{"email": "\\udfff@b.test", "password": "x"}')
        assert_problem(response, 422)
        response = client.post(f"{API}/tokens", headers=officer.headers,
                               content_type="application/json", data='{"\\ud800": 1}')
        assert set(assert_problem(response, 422)["errors"]) == {"?"}
    # Paired surrogates are ordinary characters (here an emoji).
    response = client.post(
        f"{API}/plans", headers=officer.headers, content_type="application/json",
        data='{"region_code": "32.73", "title": "Kota \\ud83c\\udf06", "period_start": 2024, '
             '"period_end": 2028}')
    assert response.status_code == 201 and response.json["title"] == "Kota \U0001f306"


def test_oversized_ids_are_not_found(api: ApiClient, factory: Factory) -> None:
    officer = factory.officer()
    huge = "9" * 30
    for url in (f"/plans/{huge}", f"/plans/{2**63}", f"/plans/{huge}/history",
                f"/organisations/{huge}", "/organisations/²", f"/organisations/{huge}/members"):
        assert_problem(api.get(url, officer), 404)
    assert_problem(api.post(f"/plans/{huge}/submit", officer), 404)
    assert_problem(api.delete(f"/tokens/{huge}", officer), 404)
    assert api.get(f"/plans/{2**63 - 1}", officer).status_code == 404


def test_missing_required_fields_are_listed(api: ApiClient, factory: Factory) -> None:
    officer = factory.officer()
    problem = assert_problem(api.post("/plans", officer, {}), 422)
    assert set(problem["errors"]) == {"region_code", "title", "period_start", "period_end"}
    assert problem["errors"]["title"] == ["Missing data for required field."]
