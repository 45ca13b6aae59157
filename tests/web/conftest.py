"""Page-test helpers: a browser-like client that logs in through the login form and sends the
CSRF token with every form, plus compiled translations (so Indonesian pages really are)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD, Account

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CATALOGUES = Path(__file__).resolve().parents[2] / "core" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile the .po catalogues when their .mo is missing or older (``make`` does the same)."""
    for po_path in CATALOGUES.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog)


def csrf_from(page: str) -> str:
    match = CSRF_RE.search(page)
    assert match, "no CSRF token on the page"
    return html.unescape(match.group(1))


def text_of(response: TestResponse) -> str:
    """The page's text without tags, whitespace collapsed, entities decoded."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@dataclass
class WebUser:
    """One browser: its own cookie jar, logged in through the form, CSRF added to posts."""

    client: FlaskClient
    csrf: str = ""

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> TestResponse:
        page = self.client.get("/login")
        form = {"email": email, "password": password, "csrf_token": csrf_from(page.text)}
        response = self.client.post("/login", data=form)
        if response.status_code == 303:
            self.csrf = csrf_from(self.client.get("/dashboard").text)
        return response


@pytest.fixture
def browser(app: Flask) -> Callable[[Account | None], WebUser]:
    """``browser(account)``: a fresh client logged in as ``account`` (None: anonymous)."""

    def make(account: Account | None = None) -> WebUser:
        user = WebUser(app.test_client())
        if account is not None:
            response = user.login(account.email)
            assert response.status_code == 303, response.text
        return user

    return make
