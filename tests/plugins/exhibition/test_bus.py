"""The booth follows the platform through events, handled by the worker: an approved plan, a
completed evaluation and a formed collaboration each update the booth once, even when the
event is delivered again."""

from __future__ import annotations

from sqlalchemy import func, select

from core.plugin import record_event
from plugins.exhibition.models import EvaluationResult, Partner, PlanSummary
from tests.bus.conftest import drain
from tests.plugins.exhibition.conftest import (
    BANDUNG,
    COLLABORATION,
    EVALUATION,
    exhibition_bus_app,
    join,
    publish,
)


def _evaluation(index: float = 3.9, rank: int = 2, year: int = 2024) -> dict:
    return {
        "cycle_id": 7, "cycle_year": year, "region_code": BANDUNG, "region_name": "Kota Bandung",
        "index": index,
        "components": {"baseline": 3.5, "output": 4.0, "outcome": 3.8, "impact": 4.2,
                       "quick_win": 4.5},
        "dimensions": {"governance": 4.5, "branding": 3.0, "economy": 3.5, "living": 4.0,
                       "society": 3.75, "environment": 4.25},
        "rank": rank, "of": 12, "awards": ["governance"], "scale_min": 0, "scale_max": 5,
        "verified": True,
    }


def _count(bus_app, model) -> int:
    with bus_app.extensions["sinergi.db"].begin() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_evaluation_completed_updates_the_booth_once(app, make_bus_app, factory, client, api,
                                                      world):
    publish(api, world["bandung"], world["admin"])
    bus_app = exhibition_bus_app(app, make_bus_app)
    db = bus_app.extensions["sinergi.db"]
    with db.begin() as session:
        record_event(session, EVALUATION, subject=BANDUNG, sequence=1, data=_evaluation())
    drain(bus_app, until=lambda: _count(bus_app, EvaluationResult) == 1)
    booth = api.get(f"/booths/{BANDUNG}").json
    assert booth["verified"] is True
    [result] = booth["evaluations"]
    assert result["index"] == 78.0  # 3.9 on a 0–5 scale
    assert result["dimensions"]["governance"] == 90.0
    assert (result["rank"], result["of"], result["awards"]) == (2, 12, ["governance"])
    page = client.get(f"/pameran/{BANDUNG}").text
    assert "chart-radar" in page and "78.0" in page
    hall = client.get("/pameran").text
    assert "Kota Bandung" in hall.split('id="leaderboard"')[1]

    # Delivered again (a relay that died before marking it published, or a manual replay):
    # the booth is unchanged; the same region and year is updated in place.
    with db.begin() as session:
        record_event(session, EVALUATION, subject=BANDUNG, sequence=1, data=_evaluation())
        record_event(session, EVALUATION, subject=BANDUNG, sequence=2,
                     data=_evaluation(index=4.1, rank=1))
    drain(bus_app, seconds=6)
    assert _count(bus_app, EvaluationResult) == 1
    assert api.get(f"/booths/{BANDUNG}").json["evaluations"][0]["rank"] == 1


def test_plan_approved_and_collaboration_formed(app, make_bus_app, factory, api, client, world):
    officer, admin = world["bandung"], world["admin"]
    bus_app = exhibition_bus_app(app, make_bus_app)
    plan_id = factory.plan(officer, BANDUNG, status="approved", reviewer=admin)
    publish(api, officer, admin)
    with bus_app.extensions["sinergi.db"].begin() as session:
        record_event(session, COLLABORATION, subject="collaboration:1", sequence=1, data={
            "collaboration_id": 1, "interest_id": 1, "need_id": 3,
            "organisation_id": world["org_id"], "region_code": BANDUNG,
            "need_title": "Aplikasi bank sampah", "stage": "formed"})
    drain(bus_app, until=lambda: _count(bus_app, PlanSummary) == 1
          and _count(bus_app, Partner) == 1)
    booth = api.get(f"/booths/{BANDUNG}").json
    assert booth["plan"]["plan_id"] == plan_id
    assert len(booth["plan"]["programmes"]) == 18
    assert [q["title"] for q in booth["quick_wins"]] == [
        "Program public_service", "Program health", "Program waste"]
    [partner] = booth["partners"]
    assert partner["organisation_id"] == world["org_id"]
    assert partner["organisation_name"].startswith("Org ")
    assert partner["topics"] == ["Aplikasi bank sampah"]
    page = client.get(f"/pameran/{BANDUNG}").text
    assert "Program public_service" in page and "Aplikasi bank sampah" in page


def test_participation_events_refresh_the_hall_etag(app, make_bus_app, factory, client):
    bus_app = exhibition_bus_app(app, make_bus_app)
    first = client.get("/pameran")
    join(factory, "11.01", 2023, "selected")
    drain(bus_app, seconds=4, until=lambda: client.get(
        "/pameran", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200)
    second = client.get("/pameran", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
