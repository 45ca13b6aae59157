"""Accounts: server-side sessions (new id at login, gone at logout), disabling an account (API,
page, CLI) stops its live session and token on the next request, tokens' last_used_at is
written at most once a minute, the password policy holds wherever a password is set."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.accounts.models import ApiToken, User, WebSession
from core.db import utcnow
from tests.api.helpers import assert_problem
from tests.conftest import PASSWORD, Factory
from tests.security.kit import audit_rows, browser_login, page_csrf

COOKIE = "session"


def _sid(client: FlaskClient) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def _sessions(app: Flask, user_id: int | None = None) -> int:
    with app.extensions["sinergi.db"].begin() as session:
        stmt = select(func.count()).select_from(WebSession)
        if user_id is not None:
            stmt = stmt.where(WebSession.user_id == user_id)
        return session.scalar(stmt)


def test_login_gives_a_new_session_id_and_logout_ends_it(app: Flask, client: FlaskClient,
                                                         factory: Factory) -> None:
    user = factory.user()
    client.get("/login")
    before = _sid(client)
    assert before  # the login form's CSRF token lives in a (pre-login) session
    assert browser_login(client, user.email).status_code == 303
    after = _sid(client)
    assert after and after != before  # no session fixation
    assert _sessions(app) == 1  # the pre-login row is gone
    assert client.get("/api/v1/me").json["email"] == user.email

    # The old id is worthless.
    stale = app.test_client()
    stale.set_cookie(COOKIE, before)
    assert stale.get("/api/v1/me").status_code == 401

    assert client.post("/logout", data={"csrf_token": page_csrf(client)}).status_code == 303
    assert _sessions(app, user.user_id) == 0
    replay = app.test_client()
    replay.set_cookie(COOKIE, after)  # a copied cookie no longer works either
    assert replay.get("/api/v1/me").status_code == 401


def _live_session_and_token(app: Flask, factory: Factory):
    target = factory.user()
    browser = app.test_client()
    assert browser_login(browser, target.email).status_code == 303
    assert browser.get("/api/v1/me").status_code == 200
    assert app.test_client().get("/api/v1/me", headers=target.headers).status_code == 200
    return target, browser


def _assert_locked_out(app: Flask, target, browser: FlaskClient) -> None:
    assert browser.get("/api/v1/me").status_code == 401
    assert "/logout" not in browser.get("/").get_data(as_text=True)  # anonymous again
    assert_problem(app.test_client().get("/api/v1/me", headers=target.headers), 401)
    assert _sessions(app, target.user_id) == 0
    with app.extensions["sinergi.db"].begin() as session:
        tokens = list(session.scalars(select(ApiToken).where(ApiToken.user_id
                                                             == target.user_id)))
        assert tokens and all(t.revoked_at is not None for t in tokens)
        assert session.get(User, target.user_id).is_active is False


def test_disabling_through_the_api_stops_session_and_token_at_once(
        app: Flask, factory: Factory) -> None:
    admin = factory.admin()
    target, browser = _live_session_and_token(app, factory)
    api = app.test_client()
    response = api.post(f"/api/v1/admin/users/{target.user_id}/disable", json={},
                        headers=admin.headers)
    assert response.status_code == 200, response.json
    assert response.json["is_active"] is False and response.json["email"] == target.email
    _assert_locked_out(app, target, browser)
    (event,) = audit_rows(app, "account.disabled")
    assert event.actor_user_id == admin.user_id and event.target == f"user:{target.user_id}"
    assert event.details == {"email": target.email, "tokens_revoked": 1}

    # Enabled again: the password works, the old token stays revoked.
    enabled = api.post(f"/api/v1/admin/users/{target.user_id}/enable", headers=admin.headers)
    assert enabled.status_code == 200 and enabled.json["is_active"] is True
    assert browser_login(app.test_client(), target.email).status_code == 303
    assert app.test_client().get("/api/v1/me", headers=target.headers).status_code == 401
    assert [e.action for e in audit_rows(app) if e.action.startswith("account.")] == [
        "account.disabled", "account.enabled"]


def test_disable_refusals(app: Flask, client: FlaskClient, factory: Factory) -> None:
    admin, user = factory.admin(), factory.user()
    assert_problem(client.post(f"/api/v1/admin/users/{admin.user_id}/disable",
                               headers=admin.headers), 409, "conflict")
    assert_problem(client.post("/api/v1/admin/users/999999/disable", headers=admin.headers),
                   404)
    assert_problem(client.post(f"/api/v1/admin/users/{admin.user_id}/disable",
                               headers=user.headers), 403)
    assert_problem(client.post(f"/api/v1/admin/users/{user.user_id}/disable"), 401)
    assert_problem(client.post(f"/api/v1/admin/users/{user.user_id}/disable",
                               json={"is_active": False}, headers=admin.headers), 422)


def test_disabling_from_the_admin_page(app: Flask, factory: Factory) -> None:
    from tests.api.test_csrf import _browser_login

    admin = factory.admin()
    target, browser = _live_session_and_token(app, factory)
    page_client = app.test_client()
    _browser_login(page_client, admin)
    page_client.get("/?lang=en")
    listing = page_client.get(f"/admin/users?q={target.email}")
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200 and target.email in html
    assert f"/admin/users/{target.user_id}/disable" in html
    assert f"/admin/users/{admin.user_id}/disable" not in html  # not oneself
    # The form needs the CSRF token.
    url = f"/admin/users/{target.user_id}/disable"
    assert page_client.post(url, data={}).status_code == 403
    done = page_client.post(url, data={"csrf_token": page_csrf(page_client, "/admin/users"),
                                       "next": "/admin/users?q=x"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/admin/users?q=x")
    assert "is disabled" in page_client.get("/admin/users").get_data(as_text=True)
    _assert_locked_out(app, target, browser)
    # Not for non-administrators.
    assert browser_login(browser, factory.user().email).status_code == 303
    assert browser.get("/admin/users").status_code == 403
    assert browser.post(f"/admin/users/{target.user_id}/enable",
                        data={"csrf_token": page_csrf(browser)}).status_code == 403


@pytest.fixture
def cli_env(app: Flask, tmp_path, monkeypatch):
    for name, value in (("ENV", "test"), ("DATABASE_URL", app.config["DATABASE_URL"]),
                        ("INSTANCE_PATH", str(tmp_path)),
                        ("BROKER_URL", app.config["BROKER_URL"])):
        monkeypatch.setenv(f"SINERGI_{name}", value)


def test_cli_disables_and_enables(app: Flask, factory: Factory, cli_env) -> None:
    from core.cli import main

    target, browser = _live_session_and_token(app, factory)
    result = CliRunner().invoke(main, ["users", "disable", target.email.upper()])
    assert result.exit_code == 0, result.output
    _assert_locked_out(app, target, browser)
    (event,) = audit_rows(app, "account.disabled")
    assert event.actor_user_id is None and event.actor_email == "cli"
    assert CliRunner().invoke(main, ["users", "enable", target.email]).exit_code == 0
    assert browser_login(app.test_client(), target.email).status_code == 303
    missing = CliRunner().invoke(main, ["users", "disable", "nobody@example.test"])
    assert missing.exit_code != 0 and "No user has this e-mail address" in missing.output


def test_token_last_used_at_is_written_at_most_once_a_minute(
        app: Flask, client: FlaskClient, factory: Factory, sql_counter) -> None:
    from core.accounts import services

    user = factory.user()

    def last_used() -> dt.datetime | None:
        with app.extensions["sinergi.db"].begin() as session:
            return session.scalar(select(ApiToken.last_used_at)
                                  .where(ApiToken.user_id == user.user_id))

    assert last_used() is None
    assert client.get("/api/v1/me", headers=user.headers).status_code == 200
    first = last_used()
    assert first is not None and utcnow() - first < dt.timedelta(seconds=10)
    with sql_counter:
        for _ in range(3):
            assert client.get("/api/v1/me", headers=user.headers).status_code == 200
    assert last_used() == first
    assert not [s for s in sql_counter.statements if s.lstrip().upper().startswith("UPDATE")]
    # A minute later (another process may have written meanwhile: the statement checks).
    services._token_touched.clear()
    assert client.get("/api/v1/me", headers=user.headers).status_code == 200
    assert last_used() == first  # written less than a minute ago: left alone
    with app.extensions["sinergi.db"].begin() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.user_id == user.user_id))
        token.last_used_at = utcnow() - dt.timedelta(minutes=5)
    services._token_touched.clear()
    assert client.get("/api/v1/me", headers=user.headers).status_code == 200
    assert utcnow() - last_used() < dt.timedelta(seconds=10)
    shown = client.get("/api/v1/tokens", headers=user.headers).json
    assert shown[0]["last_used_at"] is not None


@pytest.mark.parametrize("password", ["sayang123456", "Bismillah2026", "qwertyuiop",
                                      "indonesia1945", "short1!"])
def test_cli_refuses_weak_passwords(app: Flask, cli_env, password: str) -> None:
    from core.cli import main

    result = CliRunner().invoke(main, ["users", "create", "--email", "weak@example.test",
                                       "--password", password])
    assert result.exit_code != 0
    assert "password" in result.output.lower()
    with app.extensions["sinergi.db"].begin() as session:
        assert session.scalar(select(User).where(User.email == "weak@example.test")) is None


def test_set_password_applies_the_policy_and_ends_sessions(app: Flask, factory: Factory,
                                                           cli_env) -> None:
    from core.cli import main

    user = factory.user()
    browser = app.test_client()
    assert browser_login(browser, user.email).status_code == 303
    refused = CliRunner().invoke(main, ["users", "set-password", user.email,
                                        "--password", "password123"])
    assert refused.exit_code != 0 and "too common" in refused.output
    new = "Gunung-Rinjani-3726"
    done = CliRunner().invoke(main, ["users", "set-password", user.email, "--password", new])
    assert done.exit_code == 0, done.output
    assert browser.get("/api/v1/me").status_code == 401
    assert browser_login(app.test_client(), user.email).status_code == 401  # old password
    assert browser_login(app.test_client(), user.email, new).status_code == 303
    assert audit_rows(app, "account.password_set")[0].target == f"user:{user.user_id}"


def test_common_password_list_is_real_and_loaded_once() -> None:
    from core.accounts import passwords

    words = passwords.common_passwords()
    assert len(words) > 5000
    assert {"123456", "password", "iloveyou", "sayang", "bismillah123", "rahasia",
            "indonesia2026", "persib1234"} <= words
    assert passwords.common_passwords() is words  # read once
    assert passwords.password_problems("Correct-Horse-Battery", 10) == []
    assert passwords.password_problems("PASSWORD123", 10) == ["too_common"]
    assert passwords.password_problems("abc", 10) == ["too_short"]


def test_users_change_their_own_password_on_the_account_page(app: Flask, factory: Factory
                                                              ) -> None:
    user = factory.user()
    browser, other_device = app.test_client(), app.test_client()
    assert browser_login(browser, user.email).status_code == 303
    other_device.environ_base["REMOTE_ADDR"] = "192.0.2.78"
    assert browser_login(other_device, user.email).status_code == 303
    browser.get("/?lang=en")
    url = "/account/password"
    assert "Change your password" in browser.get(url).get_data(as_text=True)

    def change(current: str, new: str, confirm: str | None = None):
        return browser.post(url, data={"csrf_token": page_csrf(browser, url),
                                       "current_password": current, "new_password": new,
                                       "confirm_password": new if confirm is None else confirm})

    for current, new, confirm, message in (
        ("wrong-password", "Gunung-Rinjani-3726", None, "The current password is not right."),
        (PASSWORD, "sayang12345", None, "too common"),
        (PASSWORD, "Gunung-Rinjani-3726", "Gunung-Rinjani-0000", "differ"),
    ):
        refused = change(current, new, confirm)
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert browser.post(url, data={"current_password": PASSWORD}).status_code == 403  # CSRF
    done = change(PASSWORD, "Gunung-Rinjani-3726")
    assert done.status_code == 303
    assert browser.get("/api/v1/me").status_code == 200  # this device stays logged in
    assert other_device.get("/api/v1/me").status_code == 401  # the others do not
    # (Each try above counted against the login limit of this account at this address.)
    elsewhere = {"environ_base": {"REMOTE_ADDR": "192.0.2.77"}}
    assert browser_login(app.test_client(), user.email, **elsewhere).status_code == 401
    assert browser_login(app.test_client(), user.email, "Gunung-Rinjani-3726",
                         **elsewhere).status_code == 303
    assert browser_login(app.test_client(), user.email).status_code == 429
    (event,) = audit_rows(app, "account.password_set")
    assert event.actor_user_id == user.user_id
