"""Fixtures for the exhibition: API helpers, a published booth, images, and a bus app that can
publish the events the exhibition consumes (through the real publishers when they are enabled,
else through small stand-in plugins)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.bus.conftest import RECORDER, bus_app, make_bus_app  # noqa: F401
from tests.conftest import Account, Factory

BANDUNG, SURABAYA = "32.73", "35.78"
EVALUATION = "sinergi.evaluation.completed"
COLLABORATION = "sinergi.collaboration.formed"
STAND_INS = {
    EVALUATION: "exhibition_stand_in_evaluation=tests.plugins.exhibition.stand_ins",
    COLLABORATION: "ex_collab=tests.plugins.exhibition.stand_in_collaboration",
}


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from core.accounts import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture(autouse=True)
def _media_dir(app: Flask, tmp_path) -> Any:
    """Each test stores its images in its own folder."""
    config = app.extensions["sinergi.plugins"].plugins["exhibition"].config
    saved = dict(config)
    config["media_dir"] = str(tmp_path / "media")
    yield config
    config.clear()
    config.update(saved)


def join(factory: Factory, code: str, cohort: int = 2017, stage: str = "implementation") -> None:
    from core.regions import services as regions

    with factory.db.begin() as session:
        regions.join_movement(session, factory.system, code, cohort, stage)


def png(width: int = 640, height: int = 480, colour: tuple[int, int, int] = (30, 120, 200),
        fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, fmt)
    return out.getvalue()


class Api:
    """JSON requests with a bearer token (or anonymous)."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def call(self, method: str, url: str, who: Account | None = None, json: Any = None,
             **kwargs: Any):
        headers = {"Accept-Language": "en", **kwargs.pop("headers", {})}
        if who is not None:
            headers.update(who.headers)
        return self.client.open(f"/api/v1/exhibition{url}", method=method, json=json,
                                headers=headers, **kwargs)

    def get(self, url: str, who: Account | None = None, **kw: Any):
        return self.call("GET", url, who, **kw)

    def post(self, url: str, who: Account | None = None, json: Any = None, **kw: Any):
        return self.call("POST", url, who, json, **kw)

    def patch(self, url: str, who: Account | None = None, json: Any = None, **kw: Any):
        return self.call("PATCH", url, who, json, **kw)


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)


@pytest.fixture
def world(factory: Factory) -> dict[str, Any]:
    """Two participating cities, an officer each, an admin, a partner."""
    join(factory, BANDUNG)
    join(factory, SURABAYA, 2018)
    partner, org_id = factory.partner()
    return {
        "bandung": factory.officer(BANDUNG), "surabaya": factory.officer(SURABAYA),
        "admin": factory.admin(), "partner": partner, "org_id": org_id,
    }


def draft_booth(api: Api, officer: Account, code: str = BANDUNG, *, achievements: int = 1,
                tagline: str = "Kota layanan digital") -> None:
    response = api.post("/booths", officer, {"region_code": code, "tagline": tagline,
                                             "story": "Cerita kota cerdas kami."})
    assert response.status_code == 201, response.json
    for n in range(achievements):
        response = api.post(f"/booths/{code}/achievements", officer, {
            "title": f"Inovasi nomor {n + 1}", "caption": "Warga terlayani lebih cepat.",
            "dimension": ("governance", "living", "environment")[n % 3], "year": 2023})
        assert response.status_code == 201, response.json


def publish(api: Api, officer: Account, admin: Account, code: str = BANDUNG, **kw: Any) -> None:
    draft_booth(api, officer, code, **kw)
    assert api.post(f"/booths/{code}/submit", officer).status_code == 200
    response = api.post(f"/booths/{code}/approve", admin, {})
    assert response.status_code == 200, response.json


@pytest.fixture
def published(api: Api, world: dict[str, Any]) -> dict[str, Any]:
    publish(api, world["bandung"], world["admin"])
    return world


def exhibition_bus_app(base_app: Flask, make: Callable[..., Flask]) -> Flask:
    """A bus app that can publish evaluation and collaboration events."""
    registry = base_app.extensions["sinergi.events"]
    modules = [RECORDER] + [m for t, m in STAND_INS.items() if t not in registry]
    return make(plugin_modules=modules)


def queries(counter: Any) -> list[str]:
    """The statements that read or write data (not BEGIN/COMMIT/SAVEPOINT)."""
    return [s for s in counter.statements
            if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE",
                                                         "WITH")]
