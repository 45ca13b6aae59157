"""API tokens page: list, create (the secret is shown once), revoke."""

from __future__ import annotations

import re

from tests.web.conftest import text_of


def test_token_secret_is_shown_once_and_works(browser, factory, client):
    user = browser(factory.officer())
    response = user.post("/account/tokens", {"name": "Dasbor data"})
    assert response.status_code == 201
    secret = re.search(r'id="secret" type="text" readonly value="(sng_[^"]+)"', response.text)
    assert secret
    secret = secret.group(1)
    assert response.headers["Cache-Control"] == "private, no-store"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    listing = user.get("/account/tokens")
    assert "Dasbor data" in listing.text
    assert secret not in listing.text
    assert secret[:10] in listing.text  # the prefix identifies it


def test_token_needs_a_name(browser, factory):
    user = browser(factory.officer())
    response = user.post("/account/tokens?lang=en", {"name": " "})
    assert response.status_code == 422
    assert "Give the token a name" in text_of(response)


def test_revoke_a_token(browser, factory, client):
    account = factory.officer()
    user = browser(account)
    page = user.post("/account/tokens", {"name": "Sementara"}).text
    secret = re.search(r'value="(sng_[^"]+)"', page).group(1)
    token_id = re.findall(r'action="/account/tokens/(\d+)/revoke"', page)[0]
    assert user.post(f"/account/tokens/{token_id}/revoke").status_code == 303
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code \
        == 401
    # Someone else's token is not found.
    other = browser(factory.officer("35.78"))
    first_token = re.findall(r'action="/account/tokens/(\d+)/revoke"',
                             user.get("/account/tokens").text)[0]
    assert other.post(f"/account/tokens/{first_token}/revoke").status_code == 404
