"""Login, logout, protected pages and CSRF protection of forms."""

from __future__ import annotations

import pytest

from tests.web.conftest import csrf_from

PROTECTED_PAGES = [
    "/dashboard", "/account/tokens", "/plans/new", "/organisations/new",
]


@pytest.mark.parametrize("url", PROTECTED_PAGES)
def test_protected_pages_send_anonymous_visitors_to_the_login_form(browser, url):
    response = browser().get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert url in response.headers["Location"]


def test_login_then_back_to_the_page_asked_for(browser, factory):
    account = factory.officer()
    user = browser()
    page = user.get("/login?next=/account/tokens").text
    response = user.client.post(
        "/login?next=/account/tokens",
        data={"email": account.email, "password": "correct-horse-battery",
              "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/tokens"


def test_login_refuses_a_foreign_next_address(browser, factory):
    account = factory.officer()
    user = browser()
    page = user.get("/login").text
    response = user.client.post(
        "/login?next=//evil.example/x",
        data={"email": account.email, "password": "correct-horse-battery",
              "csrf_token": csrf_from(page)},
    )
    assert response.headers["Location"] == "/dashboard"


def test_wrong_password_keeps_the_e_mail_and_says_so(browser, factory):
    account = factory.officer()
    user = browser()
    response = user.login(account.email, "wrong-password")
    assert response.status_code == 401
    assert f'value="{account.email}"' in response.text
    assert 'class="error-summary"' in response.text


def test_logout_ends_the_session(browser, factory):
    user = browser(factory.officer())
    assert user.get("/dashboard").status_code == 200
    response = user.post("/logout")
    assert response.status_code == 303
    assert user.get("/dashboard").status_code == 302


def test_forms_without_the_csrf_token_are_refused(browser, factory):
    officer = factory.officer()
    plan_id = factory.plan(officer)
    user = browser(officer)
    response = user.client.post(f"/plans/{plan_id}/submit", data={"version": "1"})
    assert response.status_code == 403
    response = user.client.post(
        f"/plans/{plan_id}/submit", data={"version": "1", "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert 'class="error-page"' in response.text
    # Nothing happened.
    assert 'class="badge status-draft"' in user.get(f"/plans/{plan_id}").text


def test_login_form_itself_needs_the_csrf_token(browser, factory):
    account = factory.officer()
    user = browser()
    user.get("/login")
    response = user.client.post(
        "/login", data={"email": account.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 403
