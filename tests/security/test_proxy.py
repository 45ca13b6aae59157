"""Behind reverse proxies (``trusted_proxy_count``): the client address and scheme come from
the proxies' X-Forwarded-* headers; without the setting, a client cannot fake them."""

from __future__ import annotations

import pytest
from flask import Flask

from core.config import ConfigError
from tests.conftest import Factory
from tests.security.kit import audit_rows, browser_login, other_app

SPOOF = {"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "https"}


def test_without_trusted_proxies_forwarded_headers_are_ignored(
        app: Flask, factory: Factory, tmp_path) -> None:
    user = factory.user()
    client = app.test_client()
    response = browser_login(client, user.email, headers=SPOOF,
                             environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 303
    assert "Strict-Transport-Security" not in response.headers
    cookie = response.headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie
    (event,) = audit_rows(app, "auth.login.succeeded")
    assert event.client_address == "198.51.100.7"  # not the address the client claimed

    # The login limit counts the real address: claiming other addresses does not reset it.
    with other_app(app, tmp_path, login_rate_limit="3 per minute") as limited:
        attacker = limited.test_client()
        statuses = [
            attacker.post("/api/v1/auth/token", json={"email": user.email, "password": "x"},
                          headers={"X-Forwarded-For": f"203.0.113.{n}"},
                          environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code
            for n in range(5)
        ]
    assert statuses == [401, 401, 401, 429, 429]


def test_one_trusted_proxy_gives_the_real_client_and_scheme(
        app: Flask, factory: Factory, tmp_path) -> None:
    user = factory.user()
    with other_app(app, tmp_path, trusted_proxy_count=1,
                   login_rate_limit="3 per minute") as proxied:
        client = proxied.test_client()
        # The client forged X-Forwarded-For; the proxy (127.0.0.1) appended the real address.
        forwarded = {"X-Forwarded-For": "203.0.113.66, 192.0.2.10",
                     "X-Forwarded-Proto": "https"}
        response = browser_login(client, user.email, headers=forwarded,
                                 environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert response.status_code == 303
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert "Secure" in response.headers["Set-Cookie"]
        (event,) = audit_rows(app, "auth.login.succeeded")
        assert event.client_address == "192.0.2.10"

        # Rate limits key on the real client: two clients behind the same proxy are counted
        # apart, and a client cannot escape its count by forging the header.
        api = proxied.test_client()  # no session cookie: no CSRF token needed

        def attempt(real: str, forged: str = "") -> int:
            header = f"{forged}, {real}" if forged else real
            return api.post(
                "/api/v1/auth/token", json={"email": user.email, "password": "wrong"},
                headers={"X-Forwarded-For": header},
                environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code

        assert [attempt("192.0.2.20", f"10.0.0.{n}") for n in range(4)] == [401] * 3 + [429]
        assert attempt("192.0.2.21") == 401  # another client behind the same proxy


def test_plugin_limits_use_the_real_client_address(app: Flask, tmp_path) -> None:
    """The public survey's limit (evaluation plugin, per client address) follows the proxy."""
    with other_app(app, tmp_path, trusted_proxy_count=1,
                   plugins={"evaluation": {"survey_rate_limit": "3 per minute"}}) as proxied:
        client = proxied.test_client()

        def guess(real: str) -> int:
            return client.get("/api/v1/evaluation/public-surveys/guess",
                              headers={"X-Forwarded-For": real},
                              environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code

        assert [guess("192.0.2.30") for _ in range(4)] == [404, 404, 404, 429]
        assert guess("192.0.2.31") == 404


def test_a_negative_proxy_count_is_refused(app: Flask, tmp_path) -> None:
    with pytest.raises(ConfigError, match="trusted_proxy_count"), \
            other_app(app, tmp_path, trusted_proxy_count=-1):
        pass
