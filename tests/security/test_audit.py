"""The audit log: logins, logouts, tokens and refused requests are recorded (a refused
request's own transaction is rolled back, its audit event is not); the admin API and page
list them; ``sinergi audit prune`` applies the retention; plugins record through
``core.plugin.record_audit``."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from core.db import utcnow
from tests.api.helpers import assert_problem
from tests.conftest import PASSWORD, Factory
from tests.security.kit import audit_rows, browser_login, page_csrf

AUDIT = "/api/v1/admin/audit"


def test_logins_logout_and_tokens_are_recorded(app: Flask, client: FlaskClient,
                                               factory: Factory) -> None:
    user = factory.user()
    agent = "Mozilla/5.0 " + "x" * 500
    assert browser_login(client, user.email.upper(), "wrong-password",
                         headers={"User-Agent": agent}).status_code == 401
    assert browser_login(client, user.email, headers={"User-Agent": agent}).status_code == 303
    created = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD,
                                                      "name": "ci"},
                          headers={"X-CSRF-Token": page_csrf(client)})
    assert created.status_code == 201
    token_id = created.json["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}",
                         headers={"X-CSRF-Token": page_csrf(client)}).status_code == 204
    assert client.post("/logout", data={"csrf_token": page_csrf(client)}).status_code == 303

    events = [e for e in audit_rows(app) if e.action != "auth.token.created"
              or e.target == f"token:{token_id}"]
    assert [e.action for e in events] == [
        "auth.login.failed", "auth.login.succeeded", "auth.login.succeeded",
        "auth.token.created", "auth.token.revoked", "auth.logout",
    ]
    failed, page_login, api_login, token_created, revoked, logout = events
    assert failed.actor_user_id is None
    assert failed.actor_email == user.email.upper()  # as typed
    assert failed.details == {"via": "page"} and api_login.details == {"via": "api"}
    assert failed.client_address == "127.0.0.1"
    assert failed.user_agent.startswith("Mozilla/5.0 ") and len(failed.user_agent) == 300
    assert page_login.actor_user_id == user.user_id
    assert token_created.details["name"] == "ci"
    assert revoked.actor_user_id == user.user_id and revoked.target == f"token:{token_id}"
    assert logout.actor_user_id == user.user_id
    assert all(e.at <= utcnow() for e in events)


def test_a_refused_write_is_logged_though_its_transaction_is_rolled_back(
        app: Flask, client: FlaskClient, factory: Factory) -> None:
    """On SQLite the request holds the write lock (BEGIN IMMEDIATE) when it is refused: the
    audit write waits for nothing and the refusal is on record right after the response."""
    officer, admin = factory.officer("32.73"), factory.admin()
    started = time.monotonic()
    response = client.post(f"/api/v1/admin/users/{admin.user_id}/disable", json={},
                           headers=officer.headers)
    elapsed = time.monotonic() - started
    assert_problem(response, 403, "forbidden")
    assert elapsed < 2.0, elapsed  # no wait on the busy timeout
    (event,) = audit_rows(app, "authz.refused")
    assert event.actor_user_id == officer.user_id
    assert event.target == f"/api/v1/admin/users/{admin.user_id}/disable"
    assert event.details == {"method": "POST",
                             "route": "/api/v1/admin/users/<int:user_id>/disable"}
    assert audit_rows(app, "account.disabled") == []


def test_csrf_refusals_and_page_refusals_are_logged(app: Flask, client: FlaskClient,
                                                    factory: Factory) -> None:
    user = factory.user()
    assert browser_login(client, user.email).status_code == 303
    assert client.post("/logout", data={}).status_code == 403  # no CSRF token
    assert client.get("/admin/audit").status_code == 403  # not an administrator
    csrf, page = audit_rows(app, "authz.refused")
    assert csrf.details == {"method": "POST", "route": "/logout", "reason": "csrf"}
    assert page.details == {"method": "GET", "route": "/admin/audit"}
    assert csrf.actor_user_id == page.actor_user_id == user.user_id


def _seed(app: Flask, factory: Factory) -> tuple:
    from core.audit import record

    admin, user = factory.admin(), factory.user()
    with app.app_context(), app.extensions["sinergi.db"].begin() as session:
        for n in range(3):
            record("auth.login.failed", session=session, actor_email=f"Guess{n}@Example.test")
        record("account.disabled", session=session, actor_user_id=admin.user_id,
               actor_email=admin.email, target=f"user:{user.user_id}")
    return admin, user


def test_admin_api_lists_filters_and_pages(app: Flask, client: FlaskClient,
                                           factory: Factory) -> None:
    admin, _user = _seed(app, factory)
    everything = client.get(AUDIT, headers=admin.headers)
    assert everything.status_code == 200
    body = everything.json
    total = body["total"]
    assert total >= 4 + 2  # plus the two users' token creations
    assert body["items"][0]["action"] == "account.disabled"  # newest first
    assert set(body["items"][0]) == {"id", "at", "actor_user_id", "actor_email", "action",
                                     "target", "client_address", "user_agent", "details"}
    page2 = client.get(f"{AUDIT}?per_page=2&page=2", headers=admin.headers).json
    assert page2["per_page"] == 2 and page2["page"] == 2 and len(page2["items"]) == 2
    assert page2["pages"] == -(-total // 2)

    def actions(query: str) -> list[str]:
        response = client.get(f"{AUDIT}?{query}", headers=admin.headers)
        assert response.status_code == 200, response.json
        return [item["action"] for item in response.json["items"]]

    assert actions("action=auth.login.failed") == ["auth.login.failed"] * 3
    assert set(actions("action=auth.*")) == {"auth.login.failed", "auth.token.created"}
    assert actions(f"actor={admin.user_id}&action=account.*") == ["account.disabled"]
    assert actions("actor=guess1@example.test") == ["auth.login.failed"]
    tomorrow = (utcnow() + dt.timedelta(days=1)).isoformat()
    assert actions(f"since={tomorrow.replace('+', '%2B')}") == []
    assert len(actions("since=2020-01-01T00:00:00")) == total

    for query in ("since=yesterday", "per_page=1000", "page=0", "action=" + "x" * 101):
        assert_problem(client.get(f"{AUDIT}?{query}", headers=admin.headers), 422,
                       "validation-failed")


def test_admin_api_is_for_administrators_only(client: FlaskClient, factory: Factory) -> None:
    assert_problem(client.get(AUDIT), 401, "unauthorized")
    for account in (factory.user(), factory.officer("32.73"), factory.evaluator()):
        assert_problem(client.get(AUDIT, headers=account.headers), 403, "forbidden")
        assert_problem(client.get("/api/v1/admin/users", headers=account.headers), 403)


@pytest.mark.parametrize(("language", "heading", "column"),
                         [("id", "Log audit", "Alamat klien"), ("en", "Audit log",
                                                                "Client address")])
def test_admin_page_lists_events_in_both_languages(app: Flask, client: FlaskClient,
                                                   factory: Factory, language: str,
                                                   heading: str, column: str) -> None:
    from tests.api.test_csrf import _browser_login

    admin, _user = _seed(app, factory)
    _browser_login(client, admin)
    client.get(f"/?lang={language}")
    page = client.get("/admin/audit?action=auth.login.failed")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in html and column in html
    assert html.count("<code>auth.login.failed</code>") == 3
    assert "Guess2@Example.test" in html
    assert "account.disabled</code>" not in html
    assert client.get("/admin/audit?since=not-a-date&page=99").status_code == 200


def test_prune_deletes_events_past_the_retention(app: Flask, factory: Factory, tmp_path,
                                                 monkeypatch) -> None:
    from core.audit import AuditEvent
    from core.cli import main

    _seed(app, factory)
    oldest = audit_rows(app)[0].id
    with app.extensions["sinergi.db"].begin() as session:
        session.get(AuditEvent, oldest).at = utcnow() - dt.timedelta(days=40)
    before = len(audit_rows(app))
    for name, value in (("ENV", "test"), ("DATABASE_URL", app.config["DATABASE_URL"]),
                        ("INSTANCE_PATH", str(tmp_path)), ("AUDIT_RETENTION_DAYS", "30"),
                        ("BROKER_URL", app.config["BROKER_URL"])):
        monkeypatch.setenv(f"SINERGI_{name}", value)
    result = CliRunner().invoke(main, ["audit", "prune", "--days", "50"])
    assert result.exit_code == 0, result.output
    assert "Deleted 0 audit event(s) older than 50 day(s)." in result.output
    result = CliRunner().invoke(main, ["audit", "prune"])  # audit_retention_days = 30
    assert result.exit_code == 0, result.output
    assert "Deleted 1 audit event(s)" in result.output
    assert len(audit_rows(app)) == before - 1


def test_plugins_record_through_the_plugin_api(app: Flask, factory: Factory) -> None:
    from flask import g

    from core.plugin import record_audit

    officer = factory.officer("32.73")
    # Outside a request: written at once.
    with app.app_context():
        record_audit("evaluation.cycle.closed", target="cycle:2026", details={"n": 1})
    # In a request holding the write lock (as every POST does): kept until the request ends,
    # then written even though the request's transaction is rolled back.
    with app.test_request_context("/evaluasi/x", method="POST",
                                  headers={"User-Agent": "probe"}):
        from core.db import mark_writer

        g.principal = officer.principal
        mark_writer(app.extensions["sinergi.db"].session())
        record_audit("evaluation.survey.refused", target="survey:7")
        assert [e.action for e in g._sinergi_audit] == ["evaluation.survey.refused"]
    closed, refused = (audit_rows(app, "evaluation.cycle.closed"),
                       audit_rows(app, "evaluation.survey.refused"))
    assert closed[0].target == "cycle:2026" and closed[0].details == {"n": 1}
    assert closed[0].actor_user_id is None
    assert refused[0].actor_user_id == officer.user_id and refused[0].user_agent == "probe"


def test_admin_user_list_searches_literally(client: FlaskClient, factory: Factory) -> None:
    admin = factory.admin()
    users = [factory.user(name=name) for name in ("Siti 100% Aman", "Budi_Santoso", "Ani")]
    found = client.get("/api/v1/admin/users?q=100%25", headers=admin.headers)
    assert found.status_code == 200
    assert [u["name"] for u in found.json["items"]] == ["Siti 100% Aman"]
    assert [u["name"] for u in client.get("/api/v1/admin/users?q=a_a",
                                          headers=admin.headers).json["items"]] == []
    everyone = client.get("/api/v1/admin/users?per_page=2", headers=admin.headers).json
    assert everyone["total"] == len(users) + 1 and len(everyone["items"]) == 2
    assert set(everyone["items"][0]) == {"id", "email", "name", "is_admin", "is_evaluator",
                                         "is_active", "created_at", "last_login_at"}
