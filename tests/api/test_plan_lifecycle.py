"""The master plan workflow through the API: every transition, its audit trail and exactly one
outbox event per change, with data a consumer can use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from core.events import registry
from tests.api.helpers import ApiClient, plan_body, programmes_with_quick_wins
from tests.conftest import Account, Factory

SUMMARY_KEYS = {
    "plan_id", "region_code", "region_name", "province_code", "title", "period_start",
    "period_end", "status", "version", "actor_id", "reason",
}


class OutboxWatch:
    """Yields the outbox rows added since the last call."""

    def __init__(self, outbox: Callable[..., list[Any]]):
        self.outbox = outbox
        self.seen = len(outbox())

    def new(self) -> list[Any]:
        rows = self.outbox()
        fresh, self.seen = rows[self.seen:], len(rows)
        return fresh


def _one_event(watch: OutboxWatch, event_type: str, plan: dict[str, Any], actor: Account,
               reason: str = "") -> dict[str, Any]:
    rows = watch.new()
    assert [r.type for r in rows] == [event_type]
    row = rows[0]
    assert row.subject == str(plan["id"])
    assert row.sequence == plan["version"]
    data = row.data
    assert set(data) >= SUMMARY_KEYS
    assert data["plan_id"] == plan["id"]
    assert data["region_code"] == "32.73"
    assert data["region_name"] == "Kota Bandung"
    assert data["province_code"] == "32"
    assert data["title"] == plan["title"]
    assert (data["period_start"], data["period_end"]) == (plan["period_start"],
                                                          plan["period_end"])
    assert data["status"] == plan["status"]
    assert data["version"] == plan["version"]
    assert data["actor_id"] == actor.user_id
    assert data["reason"] == reason
    registry.validate(event_type, data)  # what a consumer checks on receipt
    envelope = row.envelope()
    assert envelope["type"] == event_type and envelope["data"] == data
    return data


def test_full_lifecycle(api: ApiClient, factory: Factory, outbox) -> None:
    officer = factory.officer("32.73")
    admin = factory.admin()
    watch = OutboxWatch(outbox)
    started = dt.datetime.now(dt.UTC)

    # create (not yet submittable: two quick wins)
    response = api.post("/plans", officer,
                        plan_body(programmes=programmes_with_quick_wins(2)))
    assert response.status_code == 201, response.json
    plan = response.json
    plan_id = plan["id"]
    assert (plan["status"], plan["version"]) == ("draft", 1)
    assert response.headers["ETag"] == f'"plan-{plan_id}-v1"'
    assert len(plan["programmes"]) == 18
    _one_event(watch, "sinergi.plan.created", plan, officer)

    # update
    response = api.patch(f"/plans/{plan_id}", officer,
                         {"title": "Bandung Cerdas 2024-2028",
                          "programmes": programmes_with_quick_wins(3)},
                         etag=response.headers["ETag"])
    assert response.status_code == 200, response.json
    plan = response.json
    assert (plan["status"], plan["version"], plan["title"]) == (
        "draft", 2, "Bandung Cerdas 2024-2028")
    assert response.headers["ETag"] == f'"plan-{plan_id}-v2"'
    data = _one_event(watch, "sinergi.plan.updated", plan, officer)
    assert data["programme_count"] == 18

    # submit
    response = api.post(f"/plans/{plan_id}/submit", officer)
    assert response.status_code == 200, response.json
    plan = response.json
    assert (plan["status"], plan["version"]) == ("submitted", 3)
    assert plan["submitted_at"] is not None
    data = _one_event(watch, "sinergi.plan.submitted", plan, officer)
    assert (data["resubmission"], data["programme_count"], data["quick_win_count"]) == (
        False, 18, 3)

    # request revision
    response = api.post(f"/plans/{plan_id}/request-revision", admin,
                        {"reason": "Lengkapi anggaran program mobilitas."})
    assert response.status_code == 200, response.json
    plan = response.json
    assert (plan["status"], plan["version"]) == ("revision_requested", 4)
    _one_event(watch, "sinergi.plan.revision_requested", plan, admin,
               reason="Lengkapi anggaran program mobilitas.")

    # update again (the ETag moved with every transition)
    etag = api.etag(f"/plans/{plan_id}", officer)
    assert etag == f'"plan-{plan_id}-v4"'
    programmes = programmes_with_quick_wins(3)
    programmes[11]["budget_idr"] = 7_500_000_000
    response = api.patch(f"/plans/{plan_id}", officer, {"programmes": programmes}, etag=etag)
    assert response.status_code == 200, response.json
    plan = response.json
    assert (plan["status"], plan["version"]) == ("revision_requested", 5)
    assert plan["programmes"][11]["budget_idr"] == 7_500_000_000
    _one_event(watch, "sinergi.plan.updated", plan, officer)

    # resubmit, with an If-Match that matches
    response = api.post(f"/plans/{plan_id}/submit", officer,
                        headers={"If-Match": f'"plan-{plan_id}-v5"'})
    assert response.status_code == 200, response.json
    plan = response.json
    assert (plan["status"], plan["version"]) == ("resubmitted", 6)
    data = _one_event(watch, "sinergi.plan.submitted", plan, officer)
    assert data["resubmission"] is True

    # approve
    response = api.post(f"/plans/{plan_id}/approve", admin, {"reason": "Sesuai pedoman."})
    assert response.status_code == 200, response.json
    plan = response.json
    assert (plan["status"], plan["version"]) == ("approved", 7)
    assert plan["approved_at"] is not None
    data = _one_event(watch, "sinergi.plan.approved", plan, admin, reason="Sesuai pedoman.")
    assert data["vision"] == plan["vision"]
    assert len(data["programmes"]) == 18
    assert {p["programme_id"] for p in data["programmes"]} == {
        p["id"] for p in plan["programmes"]}
    mobility = next(p for p in data["programmes"] if p["sub_dimension"] == "mobility")
    assert mobility["budget_idr"] == 7_500_000_000
    assert sum(p["quick_win"] for p in data["programmes"]) == 3

    # audit trail: who, when, why
    history = api.get(f"/plans/{plan_id}/history", officer).json
    steps = [(h["action"], h["from_status"], h["to_status"]) for h in history]
    assert steps == [
        ("create", None, "draft"),
        ("submit", "draft", "submitted"),
        ("request_revision", "submitted", "revision_requested"),
        ("resubmit", "revision_requested", "resubmitted"),
        ("approve", "resubmitted", "approved"),
    ]
    assert [h["actor_id"] for h in history] == [officer.user_id, officer.user_id,
                                                admin.user_id, officer.user_id, admin.user_id]
    assert [h["actor_name"] for h in history] == ["Officer 32.73"] * 2 + ["Admin"] + [
        "Officer 32.73", "Admin"]
    assert [h["reason"] for h in history] == [
        "", "", "Lengkapi anggaran program mobilitas.", "", "Sesuai pedoman."]
    times = [dt.datetime.fromisoformat(h["at"]) for h in history]
    assert times == sorted(times)
    assert started - dt.timedelta(seconds=1) <= times[0]
    assert times[-1] <= dt.datetime.now(dt.UTC)

    # approved plans are public
    public = api.get(f"/plans/{plan_id}")
    assert public.status_code == 200 and public.json["status"] == "approved"
    assert [p["id"] for p in api.get("/plans").json["items"]] == [plan_id]
    assert api.get(f"/plans/{plan_id}/history").status_code == 200


def test_history_is_hidden_with_the_plan(api: ApiClient, factory: Factory) -> None:
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer)
    assert len(api.get(f"/plans/{plan_id}/history", officer).json) == 1
    response = api.get(f"/plans/{plan_id}/history")
    assert response.status_code == 404
    other = factory.officer("32.04")
    assert api.get(f"/plans/{plan_id}/history", other).status_code == 404


def test_admin_may_write_any_regions_plan(api: ApiClient, factory: Factory, outbox) -> None:
    """The current rule: platform admins may create and edit any region's plan."""
    admin = factory.admin()
    response = api.post("/plans", admin, plan_body("31.71"))
    assert response.status_code == 201
    assert response.json["region_name"] == "Kota Administrasi Jakarta Pusat"
    assert outbox("sinergi.plan.created")[0].data["actor_id"] == admin.user_id


def test_programmes_are_replaced_in_order(api: ApiClient, factory: Factory) -> None:
    officer = factory.officer("32.73")
    created = api.post("/plans", officer, plan_body(programmes=[]))
    plan_id = created.json["id"]
    assert created.json["programmes"] == []
    two = programmes_with_quick_wins(0)[:2]
    response = api.patch(f"/plans/{plan_id}", officer, {"programmes": two},
                         etag=created.headers["ETag"])
    assert [p["title"] for p in response.json["programmes"]] == [two[0]["title"],
                                                                 two[1]["title"]]
    again = api.patch(f"/plans/{plan_id}", officer, {"programmes": two[::-1]},
                      etag=response.headers["ETag"])
    assert [p["title"] for p in again.json["programmes"]] == [two[1]["title"],
                                                              two[0]["title"]]
    assert api.get(f"/plans/{plan_id}", officer).json["programmes"] == again.json["programmes"]
