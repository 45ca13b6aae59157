"""Fixtures for the evaluation plugin: a small world (two participating cities with approved
master plans, officers, three evaluators, an admin) and helpers that drive a cycle through the
API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from core.db import Database
from tests.api.helpers import ApiClient
from tests.bus.conftest import bus_app, make_bus_app  # noqa: F401
from tests.conftest import Account, Factory

BANDUNG, SURABAYA = "32.73", "35.78"
YEAR = 2024
CATALOGUE = (Path(__file__).resolve().parents[3] / "plugins" / "evaluation" / "translations"
             / "id" / "LC_MESSAGES" / "messages.po")


@pytest.fixture(scope="session", autouse=True)
def evaluation_translations() -> None:
    """Compile the plugin's Indonesian catalogue (``make translations`` does the same)."""
    mo_path = CATALOGUE.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= CATALOGUE.stat().st_mtime:
        return
    with CATALOGUE.open("rb") as fh:
        catalog = read_po(fh)
    with mo_path.open("wb") as fh:
        write_mo(fh, catalog)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id hashes at the lowest cost (these tests create many users)."""
    from argon2 import PasswordHasher

    from core.accounts import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def api(client: FlaskClient) -> ApiClient:
    return ApiClient(client)


@pytest.fixture
def unchanged(db: Database) -> Callable[[], Any]:
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


def participate(db: Database, factory: Factory, codes: list[str], cohort: int = 2017) -> None:
    from core.regions import services as regions

    with db.begin() as session:
        for code in codes:
            regions.join_movement(session, factory.system, code, cohort, "implementation")


@dataclass
class World:
    admin: Account
    assessors: list[Account]
    officers: dict[str, Account]
    plans: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def world(db: Database, factory: Factory) -> World:
    participate(db, factory, [BANDUNG, SURABAYA])
    admin = factory.admin()
    officers = {code: factory.officer(code) for code in (BANDUNG, SURABAYA)}
    plans = {code: factory.plan(officer, code, status="approved", reviewer=admin)
             for code, officer in officers.items()}
    assessors = [factory.evaluator(), factory.evaluator(), factory.evaluator()]
    return World(admin, assessors, officers, plans)


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


class Flow:
    """Drives a cycle through the API."""

    def __init__(self, api: ApiClient, world: World, year: int = YEAR):
        self.api, self.world, self.year = api, world, year
        self.assignments: dict[str, list[int]] = {}

    def create(self, **extra: Any) -> dict:
        body = {"year": self.year, "title": f"Evaluasi {self.year}", **extra}
        return ok(self.api.post("/evaluation/cycles", self.world.admin, body), 201)

    def action(self, name: str, who: Account | None = None, status: int = 200) -> Any:
        return ok(self.api.post(f"/evaluation/cycles/{self.year}/{name}",
                                who or self.world.admin), status)

    def indicators(self) -> list[dict]:
        page = ok(self.api.get(f"/evaluation/cycles/{self.year}/indicators?per_page=100",
                               self.world.admin))
        assert page["total"] == len(page["items"])
        return page["items"]

    def self_assess(self, code: str, submit: bool = True) -> dict:
        officer = self.world.officers[code]
        path = f"/evaluation/cycles/{self.year}/regions/{code}/self-assessment"
        current = self.api.get(path, officer)
        values = [{"indicator_id": i["indicator_id"], "value": "Tercapai",
                   "evidence": "Laporan tahunan", "links": ["https://example.go.id/laporan"]}
                  for i in current.json["values"]]
        realisations = [{"programme_id": p["programme_id"], "percent": 75}
                        for p in current.json["programmes"]]
        saved = ok(self.api.put(path, officer, {"values": values, "realisations": realisations},
                                headers={"If-Match": current.headers["ETag"]}))
        if submit:
            ok(self.api.post(path + "/submit", officer))
        return saved

    def assign(self, code: str, assessors: list[Account] | None = None) -> list[int]:
        ids = []
        for n, assessor in enumerate(assessors or self.world.assessors[:2]):
            body = {"region_code": code, "assessor_id": assessor.user_id, "lead": n == 0}
            ids.append(ok(self.api.post(f"/evaluation/cycles/{self.year}/assignments",
                                        self.world.admin, body), 201)["id"])
        self.assignments[code] = ids
        return ids

    def declare(self, assignment_id: int, who: Account, conflict: bool = False):
        return self.api.post(f"/evaluation/assignments/{assignment_id}/declaration", who,
                             {"conflict": conflict, "statement": "Tidak ada hubungan."})

    def score(self, assignment_id: int, who: Account, score: Callable[[dict], Any],
              submit: bool = True) -> dict:
        path = f"/evaluation/assignments/{assignment_id}"
        tag = self.api.etag(path, who)
        scores = [{"indicator_id": i["id"], "score": score(i), "note": "Sesuai bukti"}
                  for i in self.indicators()]
        body = ok(self.api.put(path + "/scores", who,
                               {"scores": scores, "notes": "Catatan",
                                "interview_notes": "Wawancara"},
                               headers={"If-Match": tag}))
        if submit:
            body = ok(self.api.post(path + "/submit", who))
        return body

    def surveys(self, code: str, programmes: int = 6, respondents: int = 50,
                rating: Callable[[int], int] = lambda n: 4) -> None:
        officer = self.world.officers[code]
        sa = ok(self.api.get(f"/evaluation/cycles/{self.year}/regions/{code}/self-assessment",
                             officer))
        for prog in sa["programmes"][:programmes]:
            survey = ok(self.api.post(f"/evaluation/cycles/{self.year}/regions/{code}/surveys",
                                      officer, {"programme_id": prog["programme_id"]}), 201)
            tokens = ok(self.api.post(f"/evaluation/surveys/{survey['id']}/tokens", officer,
                                      {"count": respondents}), 201)["tokens"]
            for n, token in enumerate(tokens):
                ok(self.api.post(f"/evaluation/public-surveys/{token}", None,
                                 {"rating": rating(n), "comment": "Bermanfaat"},
                                 environ_base={"REMOTE_ADDR": f"10.0.{n % 250}.{len(token)}"}),
                   201)


@pytest.fixture
def flow(api: ApiClient, world: World) -> Flow:
    return Flow(api, world)


def fill_surveys_fast(app: Flask, world: World, code: str, year: int = YEAR,
                      programmes: int = 6, respondents: int = 50, rating: int = 4) -> None:
    """Surveys and answers through the services (the HTTP path is tested separately)."""
    from plugins.evaluation import services, surveys

    db = app.extensions["sinergi.db"]
    officer = world.officers[code].principal
    with app.test_request_context(), db.begin() as session:
        sa = services.self_assessment(session, officer, year, code)
        existing = {c["programme_id"]: c["id"]
                    for c in surveys.surveys_of(session, officer, year, code)}
        for prog in sa["programmes"][:programmes]:
            survey_id = existing.get(prog["programme_id"]) or surveys.create_survey(
                session, officer, year, code, prog["programme_id"]).id
            for token in surveys.issue_tokens(session, officer, survey_id, respondents):
                surveys.respond(session, token, rating)


def run_to_assessment(flow: Flow, app: Flask, surveys: bool = True) -> None:
    """Create and open the cycle, self-assess, assign, survey, start assessment, declare."""
    flow.create()
    flow.action("open")
    for code in (BANDUNG, SURABAYA):
        flow.self_assess(code)
        flow.assign(code)
        if surveys:
            fill_surveys_fast(app, flow.world, code, rating=4 if code == BANDUNG else 2)
    flow.action("start-assessment")
    lead, second = flow.world.assessors[:2]
    for code in (BANDUNG, SURABAYA):
        ok(flow.declare(flow.assignments[code][0], lead))
        ok(flow.declare(flow.assignments[code][1], second))


def run_to_completion(flow: Flow, app: Flask) -> None:
    run_to_assessment(flow, app)
    lead, second = flow.world.assessors[:2]
    for code in (BANDUNG, SURABAYA):
        base = 4 if code == BANDUNG else 3
        flow.score(flow.assignments[code][0], lead, lambda i, b=base: b)
        flow.score(flow.assignments[code][1], second, lambda i, b=base: b)
        ok(flow.api.post(f"/evaluation/cycles/{flow.year}/regions/{code}/finalise", lead))
    flow.action("complete")
