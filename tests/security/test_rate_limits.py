"""Login rate limits: per client address, per (e-mail, address), failed logins per e-mail;
429 is problem+json on the API and a translated page otherwise, with Retry-After; counts are
shared across processes through Redis."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask

from tests.api.helpers import assert_problem
from tests.conftest import PASSWORD, Factory
from tests.security.kit import audit_rows, browser_login, other_app

REDIS_URL = "redis://127.0.0.1:6379/0"


def _token(client, email: str, password: str, address: str):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_login_page_limit_is_a_translated_page_with_retry_after(
        app: Flask, factory: Factory, tmp_path) -> None:
    user = factory.user()
    with other_app(app, tmp_path, login_rate_limit="2 per minute") as limited:
        client = limited.test_client()
        for _ in range(2):
            assert browser_login(client, user.email, "wrong-password").status_code == 401
        for language, text in (("id", "Terlalu banyak percobaan"),
                               ("en", "Too many attempts")):
            visitor = limited.test_client()
            visitor.get(f"/?lang={language}")  # pages keep the language in a cookie
            refused = browser_login(visitor, user.email, PASSWORD)
            assert refused.status_code == 429
            assert refused.mimetype == "text/html"
            assert text in refused.get_data(as_text=True)
            assert 1 <= int(refused.headers["Retry-After"]) <= 61
        # The API shares the per-address count with the page.
        problem = assert_problem(_token(limited.test_client(), user.email, PASSWORD,
                                        "127.0.0.1"), 429, "too-many-requests")
        assert "token" not in problem
    throttled = audit_rows(app, "auth.login.throttled")
    assert len(throttled) == 3 and throttled[0].actor_email == user.email


def test_account_limit_holds_per_address_and_cannot_lock_the_owner_out(
        app: Flask, factory: Factory, tmp_path) -> None:
    victim = factory.user()
    with other_app(app, tmp_path, login_rate_limit="100 per minute",
                   login_account_rate_limit="3 per minute",
                   login_email_rate_limit="") as limited:
        api = limited.test_client()
        attacker = "198.51.100.1"
        statuses = [_token(api, victim.email, "guess", attacker).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        # Even the right password, from the attacker's address.
        assert_problem(_token(api, victim.email, PASSWORD, attacker), 429)
        # The same address may still log in to another account (only that pair is locked) ...
        other = factory.user()
        assert _token(api, other.email, PASSWORD, attacker).status_code == 201
        # ... and the victim, from their own address, is not locked out.
        response = _token(api, victim.email.upper(), PASSWORD, "192.0.2.50")
        assert response.status_code == 201, response.json


def test_failed_logins_per_email_from_many_addresses(app: Flask, factory: Factory,
                                                     tmp_path) -> None:
    user = factory.user()
    with other_app(app, tmp_path, login_rate_limit="100 per minute",
                   login_account_rate_limit="100 per minute",
                   login_email_rate_limit="3 per hour") as limited:
        api = limited.test_client()
        # Successful logins do not count towards the per-e-mail limit.
        for n in range(4):
            assert _token(api, user.email, PASSWORD, f"192.0.2.{n}").status_code == 201
        # Guesses spread over many addresses do.
        statuses = [_token(api, user.email, "guess", f"198.51.100.{n}").status_code
                    for n in range(4)]
        assert statuses == [401, 401, 401, 429]
        response = _token(api, user.email, PASSWORD, "192.0.2.99")
        assert_problem(response, 429)
        assert int(response.headers["Retry-After"]) > 60  # an hour's window
    failed = audit_rows(app, "auth.login.failed")
    assert [e.client_address for e in failed] == [f"198.51.100.{n}" for n in range(3)]


@pytest.fixture
def redis_prefix() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return f"sinergi-test-{uuid.uuid4().hex}"


def test_two_app_instances_share_counts_through_redis(app: Flask, factory: Factory, tmp_path,
                                                       redis_prefix: str) -> None:
    user = factory.user()
    settings = {"ratelimit_storage_url": REDIS_URL, "ratelimit_key_prefix": redis_prefix,
                "login_rate_limit": "4 per minute"}
    with other_app(app, tmp_path / "a", **settings) as first, \
            other_app(app, tmp_path / "b", **settings) as second, \
            other_app(app, tmp_path / "c", **{**settings,
                                               "ratelimit_key_prefix": redis_prefix + "-x"}
                      ) as elsewhere:
        a, b = first.test_client(), second.test_client()
        address = "198.51.100.200"
        assert _token(a, user.email, "wrong", address).status_code == 401
        assert _token(b, user.email, "wrong", address).status_code == 401
        assert _token(a, user.email, "wrong", address).status_code == 401
        assert _token(b, user.email, "wrong", address).status_code == 401
        # Four attempts in two processes: both refuse the fifth.
        assert_problem(_token(a, user.email, PASSWORD, address), 429)
        assert_problem(_token(b, user.email, PASSWORD, address), 429)
        # Another deployment on the same Redis (another prefix) counts apart.
        assert _token(elsewhere.test_client(), user.email, PASSWORD, address).status_code == 201


def test_interest_limit_is_per_user_problem_json_with_retry_after(app: Flask, factory: Factory,
                                                                  tmp_path) -> None:
    """The matchmaking plugin's limit on expressing interest (per user, via core.plugin)."""
    from tests.plugins.matchmaking.conftest import need_body

    officer = factory.officer("32.73")
    partner, _org = factory.partner("business", name="PT Sensor Nusantara")
    other, _other_org = factory.partner("academia", name="Pusat Studi Banjir")
    with other_app(app, tmp_path,
                   plugins={"matchmaking": {"interest_rate_limit": "2 per minute"}}) as limited:
        client = limited.test_client()
        needs = []
        for n in range(4):
            response = client.post("/api/v1/needs", json=need_body(title=f"Kebutuhan {n}"),
                                   headers=officer.headers)
            assert response.status_code == 201, response.json
            needs.append(response.json["id"])

        def interest(account, need_id: int):
            return client.post(f"/api/v1/needs/{need_id}/interests", json={"message": "Halo"},
                               headers=account.headers)

        assert [interest(partner, n).status_code for n in needs[:2]] == [201, 201]
        refused = interest(partner, needs[2])
        assert_problem(refused, 429, "too-many-requests")
        assert 1 <= int(refused.headers["Retry-After"]) <= 61
        assert interest(other, needs[2]).status_code == 201  # another user is not limited


def test_an_unreachable_redis_lets_logins_through_and_logs(app: Flask, factory: Factory,
                                                          tmp_path, caplog) -> None:
    """Redis down (nothing listens on port 1): logins still work, the error is logged once."""
    user = factory.user()
    settings = {"ratelimit_storage_url": "redis://127.0.0.1:1/0",
                "login_rate_limit": "1 per minute"}
    with other_app(app, tmp_path / "down", **settings) as down:
        client = down.test_client()
        with caplog.at_level("ERROR", logger="core.ratelimit"):
            for _ in range(3):  # past the limit: nothing can count, nothing is refused
                assert _token(client, user.email, PASSWORD, "198.51.100.7").status_code == 201
        unreachable = [r for r in caplog.records if "storage unreachable" in r.getMessage()]
        assert len(unreachable) == 1
