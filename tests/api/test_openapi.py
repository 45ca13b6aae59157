"""The OpenAPI document and the interactive docs page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tests.api.helpers import API

HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def spec(client: FlaskClient) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json


def test_spec_is_valid_openapi_3(spec: dict) -> None:
    assert spec["openapi"].startswith("3.")
    validate(spec)
    assert spec["info"]["title"] == "Sinergi API"


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule)


def test_every_api_route_is_documented(app: Flask, spec: dict) -> None:
    routes = {
        (_openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules() if rule.rule.startswith(API)
        for method in rule.methods & HTTP_METHODS
    }
    assert len(routes) >= 25
    documented = {(path, method) for path, item in spec["paths"].items()
                  for method in item if method.upper() in HTTP_METHODS}
    assert routes - documented == set()
    assert documented - routes == set()


def test_operations_are_described(spec: dict) -> None:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method.upper() not in HTTP_METHODS:
                continue
            assert operation.get("summary"), (method, path)
            assert operation["tags"], (method, path)


def test_errors_are_documented_as_problem_json(spec: dict) -> None:
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert set(default["content"]) == {"application/problem+json"}
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(problem)


def test_bearer_auth_and_bounded_ids(spec: dict) -> None:
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"bearerAuth": []} in spec["security"]
    plan_id = spec["paths"][f"{API}/plans/{{plan_id}}"]["parameters"][0]
    assert plan_id["schema"]["type"] == "integer"
    assert plan_id["schema"]["maximum"] == 2**63 - 1


def test_docs_page_uses_only_this_site(client: FlaskClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "SwaggerUIBundle" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I), "external URL"
    assert '"validatorUrl": null' in html  # no calls to the public validator service
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3
    for asset in assets:
        assert asset.startswith("/static/vendor/swagger-ui/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.data) > 1000
        served.close()
    assert 'url: "/api/openapi.json"' in html


def _query_parameter(spec: dict, path: str, name: str) -> dict | None:
    found = [p for p in spec["paths"][f"{API}{path}"]["get"].get("parameters", ())
             if p["in"] == "query" and p["name"] == name]
    return found[0] if found else None


def test_list_parameters_state_their_limits(app: Flask, spec: dict) -> None:
    """The document states what the lists accept (schemathesis sent undocumented values that
    were refused): sort keys with their ``-`` forms, the configured page size maximum, and no
    ``sort`` at all on lists that cannot be sorted."""
    sort = _query_parameter(spec, "/regions", "sort")
    assert sort is not None
    assert {"code", "-code", "population", "-population"} <= set(sort["schema"]["enum"])
    assert _query_parameter(spec, "/offers", "sort")["schema"]["enum"]
    for path in ("/regions", "/plans", "/offers", "/notifications"):
        per_page = _query_parameter(spec, path, "per_page")
        assert per_page["schema"]["maximum"] == app.config["API_PAGE_SIZE_MAX"], path
    assert _query_parameter(spec, "/notifications", "sort") is None
    assert _query_parameter(spec, "/interests", "sort") is None


def test_writes_that_need_if_match_document_it(spec: dict) -> None:
    for path, method in [("/plans/{plan_id}", "patch"), ("/organisations/{ref}", "patch"),
                         ("/needs/{need_id}", "patch"), ("/evaluation/cycles/{year}", "patch"),
                         ("/exhibition/booths/{code}/draft", "patch")]:
        operation = spec["paths"][f"{API}{path}"][method]
        headers = [p for p in operation.get("parameters", ())
                   if p["in"] == "header" and p["name"] == "If-Match"]
        assert headers and headers[0]["required"] is True, (method, path)


def test_lists_without_sort_keys_ignore_sort(client: FlaskClient, factory) -> None:
    user = factory.user()
    response = client.get(f"{API}/notifications?sort=anything", headers=user.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
