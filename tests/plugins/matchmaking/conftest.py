"""Fixtures for the matchmaking tests: API client, accounts of both sides, request bodies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from tests.api.helpers import ApiClient
from tests.bus.conftest import bus_app, make_bus_app  # noqa: F401
from tests.conftest import Account, Factory
from tests.web.conftest import browser  # noqa: F401

CATALOGUE = (Path(__file__).resolve().parents[3] / "plugins" / "matchmaking" / "translations"
             / "id" / "LC_MESSAGES" / "messages.po")


@pytest.fixture(scope="session", autouse=True)
def matchmaking_translations() -> None:
    """Compile the plugin's Indonesian catalogue (``make translations`` does the same), so the
    pages really are in Indonesian."""
    mo_path = CATALOGUE.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= CATALOGUE.stat().st_mtime:
        return
    with CATALOGUE.open("rb") as fh:
        catalog = read_po(fh)
    with mo_path.open("wb") as fh:
        write_mo(fh, catalog)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.accounts import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture(autouse=True)
def _fresh_index(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tables are emptied between tests: drop the session app's in-memory index too."""
    yield
    if "app" in request.fixturenames:
        from plugins.matchmaking.index_store import forget

        forget(request.getfixturevalue("app"))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def api(client: FlaskClient) -> ApiClient:
    return ApiClient(client)


def future(days: int = 30) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def need_body(region_code: str = "32.73", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": region_code,
        "title": "Sistem peringatan dini banjir berbasis sensor muka air",
        "description": "Jaringan sensor ketinggian air sungai dengan dasbor dan notifikasi "
                       "peringatan banjir untuk warga bantaran sungai.",
        "dimension": "environment",
        "sub_dimension": "protection",
        "budget_min": 500_000_000,
        "budget_max": 2_000_000_000,
        "partner_types": ["business", "academia"],
        "deadline": future(),
    }
    body.update(changes)
    return body


def offer_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Sensor muka air dan peringatan dini banjir",
        "description": "Sensor ketinggian air sungai bertenaga surya, dasbor pemantauan dan "
                       "peringatan banjir lewat SMS.",
        "dimensions": ["environment"],
        "sub_dimensions": ["protection"],
        "provinces": ["32"],
        "price_min": 400_000_000,
        "price_max": 1_500_000_000,
    }
    body.update(changes)
    return body


class Sides:
    """An officer of Bandung (32.73), one of Surabaya (35.78), and two partner companies."""

    def __init__(self, factory: Factory):
        self.officer = factory.officer("32.73")
        self.other_officer = factory.officer("35.78")
        self.partner, self.org = factory.partner("business", name="PT Sensor Nusantara")
        self.rival, self.rival_org = factory.partner("academia", name="Pusat Studi Banjir")
        self.stranger = factory.user()


@pytest.fixture
def sides(factory: Factory) -> Sides:
    return Sides(factory)


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def accounts(*items: Account) -> list[Account]:
    return list(items)


@pytest.fixture
def unchanged(db):
    """``with unchanged(): ...`` asserts that no row of any table changed meanwhile."""
    from contextlib import contextmanager

    from tests.api.helpers import take_snapshot

    @contextmanager
    def check():
        before = take_snapshot(db)
        yield
        after = take_snapshot(db)
        for name in before:
            assert after[name] == before[name], f"table {name} changed"

    return check
