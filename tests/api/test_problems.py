"""RFC 9457 problem+json for every API error: unknown paths, wrong methods, server errors, and
the language of the messages."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from core.app import create_app
from tests.api.helpers import API, ApiClient, assert_problem


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/regions/32.73/nope", "/api/v2/regions",
                                  "/api/v1/plans/abc", "/api/"])
def test_unknown_api_paths_are_404_problems(client, path: str) -> None:
    for method in ("GET", "POST", "DELETE"):
        response = client.open(path, method=method, json={} if method == "POST" else None)
        body = assert_problem(response, 404, "not-found")
        assert body["instance"] == path


def test_pages_keep_html_errors(client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/regions", {"GET", "HEAD", "OPTIONS"}),
        ("POST", "/provinces", {"GET", "HEAD", "OPTIONS"}),
        ("PUT", "/plans/1", {"GET", "HEAD", "OPTIONS", "PATCH"}),
        ("GET", "/plans/1/submit", {"POST", "OPTIONS"}),
        ("PATCH", "/tokens", {"GET", "HEAD", "OPTIONS", "POST"}),
    ],
)
def test_wrong_method_is_405_with_allow(client, method: str, path: str,
                                        allowed: set[str]) -> None:
    response = client.open(API + path, method=method, json={})
    assert_problem(response, 405, "method-not-allowed")
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed


@pytest.fixture
def boom_app(app: Flask, tmp_path) -> Flask:
    """An application on the same database with one API route that fails unexpectedly."""
    application = create_app(
        {"database_url": app.config["DATABASE_URL"], "instance_path": str(tmp_path)}, env="test"
    )

    @application.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret-internal-detail in /srv/sinergi/core/plans/services.py")

    yield application
    application.extensions["sinergi.db"].dispose()


def test_unexpected_errors_are_500_problems_without_details(boom_app: Flask,
                                                            caplog) -> None:
    with caplog.at_level(logging.ERROR):
        response = boom_app.test_client().get("/api/v1/_boom",
                                              headers={"Accept-Language": "en"})
    body = assert_problem(response, 500, "internal-error")
    text = response.get_data(as_text=True)
    assert "secret-internal-detail" not in text
    assert "RuntimeError" not in text and "services.py" not in text
    assert body["detail"] == "Something went wrong on our side. The error has been logged."
    assert "secret-internal-detail" in caplog.text  # ... but it is logged


def test_english_on_request(api: ApiClient) -> None:
    response = api.get("/regions?page=0", headers={"Accept-Language": "en"})
    body = assert_problem(response, 422)
    assert response.headers["Content-Language"] == "en"
    assert body["title"] == "Validation failed"
    assert body["errors"]["page"]
    missing = api.get("/provinces/99", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert missing.headers["Content-Language"] == "en"
    assert assert_problem(missing, 404)["title"] == "Not found"


@pytest.mark.parametrize(("path", "field", "english", "indonesian"), [
    ("/regions?page=0", "page",
     "Must be greater than or equal to 1 and less than or equal to 100000.",
     "Harus lebih besar dari atau sama dengan 1 dan lebih kecil dari atau sama dengan 100000."),
    ("/regions?per_page=100000", "per_page", "Must be at most 100.", "Paling banyak 100."),
    ("/regions?sort=size", "sort", "Must be one of: code, name, population, area.",
     "Harus salah satu dari: code, name, population, area."),
])
def test_messages_with_values_are_translated(api: ApiClient, path: str, field: str,
                                             english: str, indonesian: str) -> None:
    """Library messages formatted with values are translated as their template."""
    for language, expected in (("en", english), ("id", indonesian)):
        body = assert_problem(api.get(path, headers={"Accept-Language": language}), 422)
        assert body["errors"][field] == [expected]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/regions?page=0", 422), ("/provinces/99", 404), ("/me", 401), ("/nope", 404)],
)
def test_indonesian_on_request(api: ApiClient, path: str, status: int) -> None:
    english = api.get(path, headers={"Accept-Language": "en"})
    indonesian = api.get(path, headers={"Accept-Language": "id"})
    assert indonesian.headers["Content-Language"] == "id"
    assert assert_problem(indonesian, status)["title"] != assert_problem(english,
                                                                        status)["title"]


@pytest.mark.parametrize(("header", "language"), [
    (None, "id"),  # the default
    ("fr", "id"),  # unsupported: the default
    ("fr, en;q=0.5", "en"),
    ("id-ID,id;q=0.9,en;q=0.8", "id"),
])
def test_language_negotiation(app: Flask, header: str | None, language: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    response = app.test_client().get(f"{API}/nope", headers=headers)
    assert_problem(response, 404)
    assert response.headers["Content-Language"] == language


def test_anonymous_writes_are_401_before_their_body_is_read(api: ApiClient) -> None:
    """A body that would fail validation still gets 401 first for an anonymous caller; the
    writes open to anonymous callers validate as usual."""
    for method, path in (("POST", "/plans"), ("PATCH", "/plans/1"), ("POST", "/needs"),
                         ("DELETE", "/tokens/1"), ("PUT", "/organisations/1/verification")):
        response = api.client.open(f"{API}{path}", method=method, json={"bogus": 1})
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="sinergi"'
    assert_problem(api.client.post(f"{API}/auth/token", json={"bogus": 1}), 422)
    assert_problem(api.client.post(f"{API}/evaluation/public-surveys/abc", json={"bogus": 1}),
                   422)
