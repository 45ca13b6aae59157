"""API tokens: exchange, use, storage, listing, revocation and the login rate limit."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from sqlalchemy import select, text

from core.accounts.models import ApiToken
from core.app import create_app
from core.db import Database
from tests.api.helpers import ApiClient, assert_problem
from tests.conftest import PASSWORD, Factory


def _exchange(api: ApiClient, email: str, password: str = PASSWORD, **extra):
    return api.post("/auth/token", None, {"email": email, "password": password, **extra})


def test_exchange_password_for_a_working_token(api: ApiClient, factory: Factory) -> None:
    officer = factory.officer("32.73")
    response = _exchange(api, officer.email.upper(), name="laptop")
    assert response.status_code == 201, response.json
    issued = response.json
    secret = issued["token"]
    assert secret.startswith("sng_") and len(secret) > 40
    assert issued["prefix"] == secret[:10]
    assert issued["name"] == "laptop"
    me = api.get("/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert me.json["email"] == officer.email
    assert me.json["region_codes"] == ["32.73"]
    assert me.json["kind"] == "officer"
    # The scheme is case-insensitive.
    assert api.get("/me", headers={"Authorization": f"bearer {secret}"}).status_code == 200


def test_tokens_are_stored_hashed(api: ApiClient, factory: Factory, db: Database) -> None:
    user = factory.user()
    secret = _exchange(api, user.email).json["token"]
    with db.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT * FROM api_tokens"))]
        dump = repr(rows) + repr([tuple(r) for r in conn.execute(text("SELECT * FROM users"))])
    assert secret not in dump
    assert secret[10:] not in dump  # not even the part after the prefix
    with db.begin() as session:
        stored = session.scalar(select(ApiToken).where(ApiToken.prefix == secret[:10]))
        assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_wrong_credentials_are_401_problems(api: ApiClient, factory: Factory,
                                            unchanged) -> None:
    user = factory.user()
    with unchanged():
        wrong = assert_problem(_exchange(api, user.email, "not-the-password"), 401,
                               "unauthorized")
        unknown = assert_problem(_exchange(api, "nobody@example.test"), 401, "unauthorized")
    assert wrong["detail"] == unknown["detail"] == "Wrong e-mail address or password."
    assert "token" not in wrong


def test_disabled_users_get_no_token_and_lose_theirs(api: ApiClient, factory: Factory,
                                                     db: Database) -> None:
    from core.accounts.services import set_active

    user = factory.user()
    with db.begin() as session:
        set_active(session, factory.system, user.user_id, False)
    assert_problem(_exchange(api, user.email), 401)
    assert_problem(api.get("/me", user), 401)


def test_listing_never_shows_secrets(api: ApiClient, factory: Factory) -> None:
    user = factory.user()
    second = api.post("/tokens", user, {"name": "ci"})
    assert second.status_code == 201
    assert second.json["token"].startswith("sng_")
    response = api.get("/tokens", user)
    assert response.status_code == 200
    listed = response.json
    assert [t["name"] for t in listed] == ["ci", "test"]
    for item in listed:
        assert set(item) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}
    body = response.get_data(as_text=True)
    for secret in (user.token, second.json["token"]):
        assert secret not in body and secret[10:] not in body
    # Only your own tokens.
    other = factory.user()
    assert [t["name"] for t in api.get("/tokens", other).json] == ["test"]


def test_revoked_token_is_refused_at_once(api: ApiClient, factory: Factory) -> None:
    user = factory.user()
    spare = api.post("/tokens", user, {"name": "spare"}).json
    spare_headers = {"Authorization": f"Bearer {spare['token']}"}
    assert api.get("/me", headers=spare_headers).status_code == 200
    assert api.delete(f"/tokens/{spare['id']}", user).status_code == 204
    problem = assert_problem(api.get("/me", headers=spare_headers), 401)
    assert "revoked" in problem["detail"]
    # Even public reads refuse it, rather than silently answering as anonymous.
    response = api.get("/regions", headers=spare_headers)
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    listed = {t["id"]: t for t in api.get("/tokens", user).json}
    assert listed[spare["id"]]["revoked_at"] is not None
    # Revoking again is harmless; the other token still works.
    assert api.delete(f"/tokens/{spare['id']}", user).status_code == 204
    assert api.get("/me", user).status_code == 200


def test_a_token_can_revoke_itself(api: ApiClient, factory: Factory) -> None:
    user = factory.user()
    own_id = api.get("/tokens", user).json[0]["id"]
    assert api.delete(f"/tokens/{own_id}", user).status_code == 204
    assert_problem(api.get("/tokens", user), 401)


def test_cannot_revoke_someone_elses_token(api: ApiClient, factory: Factory,
                                           unchanged) -> None:
    owner, other = factory.user(), factory.user()
    token_id = api.get("/tokens", owner).json[0]["id"]
    with unchanged():
        assert_problem(api.delete(f"/tokens/{token_id}", other), 404)
        assert_problem(api.delete(f"/tokens/{token_id}"), 401)
        assert_problem(api.delete("/tokens/999999", owner), 404)
    assert api.get("/me", owner).status_code == 200


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer sng_" + "x" * 43,
                                    "Bearer  ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_bad_authorization_headers(api: ApiClient, header: str) -> None:
    response = api.get("/me", headers={"Authorization": header})
    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_needs_authentication(api: ApiClient) -> None:
    response = api.get("/me")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="sinergi"'
    assert_problem(api.get("/tokens"), 401)
    assert_problem(api.post("/tokens", None, {}), 401)


@pytest.fixture
def limited_app(app: Flask, tmp_path) -> Flask:
    """A second application on the same database, with a login limit of 3 per minute."""
    application = create_app(
        {"database_url": app.config["DATABASE_URL"], "instance_path": str(tmp_path),
         "login_rate_limit": "3 per minute"},
        env="test",
    )
    yield application
    application.extensions["sinergi.db"].dispose()


def test_token_exchange_is_rate_limited(limited_app: Flask, factory: Factory) -> None:
    user = factory.user()
    api = ApiClient(limited_app.test_client())
    for _ in range(3):
        assert_problem(_exchange(api, user.email, "wrong-password"), 401)
    for password in ("wrong-password", PASSWORD):  # even the right password, now
        response = _exchange(api, user.email, password)
        problem = assert_problem(response, 429, "too-many-requests")
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        assert "token" not in problem
    # Another address from the same client is limited too (per IP) ...
    assert_problem(_exchange(api, "someone@example.test"), 429)
    # ... but the account's owner, from another client, is not locked out by those attempts
    # (the per-e-mail limit is far looser: tests/security/test_rate_limits.py).
    other_ip = ApiClient(limited_app.test_client())
    response = other_ip.client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 201, response.json
    fresh = other_ip.client.post(
        "/api/v1/auth/token", json={"email": "fresh@example.test", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.8.6"})
    assert_problem(fresh, 401)  # a different IP and address is not limited
