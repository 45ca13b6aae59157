"""Fixtures for the REST API tests.

Passwords are hashed with real argon2id at the lowest cost here (the default costs ~0.1 s per
hash and these tests create hundreds of users); everything else is the real application on the
real database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from core.db import Database
from tests.api.helpers import ApiClient, take_snapshot


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id hashes, at the lowest cost, for the API tests only."""
    from core.accounts import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that asks for English: the messages asserted here are the English ones
    (Indonesian is the default). Tests of language negotiation send their own header."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def api(client: FlaskClient) -> ApiClient:
    return ApiClient(client)


@pytest.fixture
def unchanged(db: Database) -> Callable[[], Any]:
    """``with unchanged(): ...`` asserts that no row of any table changed meanwhile."""

    @contextmanager
    def check() -> Iterator[None]:
        before = take_snapshot(db)
        yield
        after = take_snapshot(db)
        for name in before:
            assert after[name] == before[name], f"table {name} changed"

    return check
