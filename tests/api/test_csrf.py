"""CSRF on API writes authenticated by the browser session cookie; bearer tokens need none."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.helpers import ApiClient, assert_problem, csrf_from, plan_body
from tests.conftest import PASSWORD, Account, Factory


def _browser_login(client: FlaskClient, account: Account) -> str:
    """Log in through the /login form like a browser; returns the session's CSRF token."""
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post("/login", data={"email": account.email, "password": PASSWORD,
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    # Logging in gives the session a new CSRF token; every page carries it (logout form).
    return csrf_from(client.get("/").get_data(as_text=True))


def test_cookie_writes_need_the_csrf_header(client: FlaskClient, factory: Factory,
                                            unchanged) -> None:
    officer = factory.officer("32.73")
    token = _browser_login(client, officer)
    api = ApiClient(client)
    me = api.get("/me")
    assert me.status_code == 200 and me.json["email"] == officer.email  # reads need none

    with unchanged():
        for headers in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": ""}):
            response = api.post("/plans", None, plan_body(), headers=headers)
            problem = assert_problem(response, 403, "csrf-failed")
            assert "X-CSRF-Token" in problem["detail"]
        assert_problem(api.post("/tokens", None, {"name": "x"}), 403, "csrf-failed")

    created = api.post("/plans", None, plan_body(), headers={"X-CSRF-Token": token})
    assert created.status_code == 201, created.json
    plan_id = created.json["id"]
    with unchanged():
        assert_problem(api.patch(f"/plans/{plan_id}", None, {"title": "x"},
                                 etag=created.headers["ETag"]), 403, "csrf-failed")
        assert_problem(api.post(f"/plans/{plan_id}/submit"), 403, "csrf-failed")
    edited = api.patch(f"/plans/{plan_id}", None, {"title": "Lewat peramban"},
                       etag=created.headers["ETag"], headers={"X-CSRF-Token": token})
    assert edited.status_code == 200 and edited.json["title"] == "Lewat peramban"
    token_id = api.get("/tokens").json[0]["id"]
    with unchanged():
        assert_problem(api.delete(f"/tokens/{token_id}"), 403, "csrf-failed")
    assert api.delete(f"/tokens/{token_id}", headers={"X-CSRF-Token": token}).status_code \
        == 204


def test_bearer_requests_need_no_csrf(client: FlaskClient, factory: Factory) -> None:
    """A bearer token is not sent by browsers on their own, so it needs no CSRF token — even
    when the same client also holds a session cookie."""
    officer = factory.officer("32.73")
    _browser_login(client, officer)
    api = ApiClient(client)
    response = api.post("/plans", officer, plan_body())
    assert response.status_code == 201, response.json
    fresh = ApiClient(client.application.test_client())
    assert fresh.post("/plans", officer, plan_body(period_start=2030,
                                                   period_end=2034)).status_code == 201


def test_logging_out_ends_api_access(client: FlaskClient, factory: Factory) -> None:
    officer = factory.officer("32.73")
    token = _browser_login(client, officer)
    assert ApiClient(client).get("/me").status_code == 200
    client.post("/logout", data={"csrf_token": token})
    assert_problem(ApiClient(client).get("/me"), 401)
