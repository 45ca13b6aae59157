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
