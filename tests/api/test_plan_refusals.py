"""Every refusal of the master plan workflow: the right status and problem, and nothing changed
(the plan, its history and the outbox are exactly as before)."""

from __future__ import annotations

import copy

import pytest

from tests.api.helpers import ApiClient, assert_problem, plan_body, programmes_with_quick_wins
from tests.conftest import Factory, full_programmes


def test_submit_needs_a_programme_in_every_dimension(api: ApiClient, factory: Factory,
                                                     unchanged) -> None:
    officer = factory.officer()
    programmes = [p for p in full_programmes() if p["dimension"] not in ("economy", "society")]
    plan_id = api.post("/plans", officer, plan_body(programmes=programmes)).json["id"]
    with unchanged():
        body = assert_problem(api.post(f"/plans/{plan_id}/submit", officer), 422,
                              "validation-failed")
    assert set(body["errors"]) == {"programmes"}
    assert "Smart Economy" in body["errors"]["programmes"][0]
    assert "Smart Society" in body["errors"]["programmes"][0]
    assert api.get(f"/plans/{plan_id}", officer).json["status"] == "draft"


@pytest.mark.parametrize("quick_wins", [0, 2, 4, 18])
def test_submit_needs_exactly_three_quick_wins(api: ApiClient, factory: Factory, unchanged,
                                               quick_wins: int) -> None:
    officer = factory.officer()
    body = plan_body(programmes=programmes_with_quick_wins(quick_wins))
    plan_id = api.post("/plans", officer, body).json["id"]
    with unchanged():
        problem = assert_problem(api.post(f"/plans/{plan_id}/submit", officer), 422)
    assert set(problem["errors"]) == {"quick_wins"}
    assert str(quick_wins) in problem["errors"]["quick_wins"][0]


def test_submit_needs_a_vision(api: ApiClient, factory: Factory, unchanged) -> None:
    officer = factory.officer()
    plan_id = api.post("/plans", officer, plan_body(vision="   ")).json["id"]
    with unchanged():
        problem = assert_problem(api.post(f"/plans/{plan_id}/submit", officer), 422)
    assert set(problem["errors"]) == {"vision"}


def test_approve_a_draft_is_a_conflict(api: ApiClient, factory: Factory, unchanged) -> None:
    officer, admin = factory.officer(), factory.admin()
    plan_id = factory.plan(officer)
    with unchanged():
        assert_problem(api.post(f"/plans/{plan_id}/approve", admin, {}), 409, "conflict")
        assert_problem(api.post(f"/plans/{plan_id}/request-revision", admin,
                                {"reason": "x"}), 409)


@pytest.mark.parametrize("status", ["approved", "revision_requested"])
def test_approve_or_send_back_only_plans_under_review(api: ApiClient, factory: Factory,
                                                     unchanged, status: str) -> None:
    officer, admin = factory.officer(), factory.admin()
    plan_id = factory.plan(officer, status=status)
    with unchanged():
        assert_problem(api.post(f"/plans/{plan_id}/approve", admin, {}), 409)
        assert_problem(api.post(f"/plans/{plan_id}/request-revision", admin,
                                {"reason": "again"}), 409)


def test_approve_and_send_back_need_an_admin(api: ApiClient, factory: Factory,
                                             unchanged) -> None:
    officer, evaluator = factory.officer(), factory.evaluator()
    plan_id = factory.plan(officer, status="submitted")
    with unchanged():
        for who in (officer, evaluator):
            assert_problem(api.post(f"/plans/{plan_id}/approve", who, {}), 403, "forbidden")
            assert_problem(api.post(f"/plans/{plan_id}/request-revision", who,
                                    {"reason": "no"}), 403)
        assert_problem(api.post(f"/plans/{plan_id}/approve", None, {}), 401, "unauthorized")


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   \n "}])
def test_request_revision_needs_a_reason(api: ApiClient, factory: Factory, unchanged,
                                         body: dict) -> None:
    officer, admin = factory.officer(), factory.admin()
    plan_id = factory.plan(officer, status="submitted")
    with unchanged():
        problem = assert_problem(api.post(f"/plans/{plan_id}/request-revision", admin, body),
                                 422)
    assert set(problem["errors"]) == {"reason"}


@pytest.mark.parametrize("status", ["submitted", "resubmitted", "approved"])
def test_plans_under_review_or_approved_cannot_be_edited(api: ApiClient, factory: Factory,
                                                         unchanged, status: str) -> None:
    officer = factory.officer()
    plan_id = factory.plan(officer, status=status)
    etag = api.etag(f"/plans/{plan_id}", officer)
    with unchanged():
        assert_problem(api.patch(f"/plans/{plan_id}", officer, {"title": "Baru"}, etag=etag),
                       409, "conflict")
        assert_problem(api.post(f"/plans/{plan_id}/submit", officer), 409)


def test_one_approved_plan_per_region_and_period(api: ApiClient, factory: Factory,
                                                 unchanged) -> None:
    officer, admin = factory.officer(), factory.admin()
    factory.plan(officer, status="approved", reviewer=admin)
    second = factory.plan(officer, status="submitted")
    with unchanged():
        problem = assert_problem(api.post(f"/plans/{second}/approve", admin, {}), 409)
    assert "period" in problem["detail"]
    # Another period, or another region, is fine.
    other_period = factory.plan(officer, status="submitted", period_start=2029)
    assert api.post(f"/plans/{other_period}/approve", admin, {}).status_code == 200
    bogor = factory.officer("32.01")
    other_region = factory.plan(bogor, "32.01", status="submitted")
    assert api.post(f"/plans/{other_region}/approve", admin, {}).status_code == 200


def test_stale_if_match_is_412(api: ApiClient, factory: Factory, unchanged) -> None:
    officer, admin = factory.officer(), factory.admin()
    plan_id = factory.plan(officer)
    old = api.etag(f"/plans/{plan_id}", officer)
    current = api.patch(f"/plans/{plan_id}", officer, {"title": "Satu"}, etag=old)
    assert current.status_code == 200
    with unchanged():
        for etag in (old, f'"plan-{plan_id}-v99"', '"garbage"', f'"plan-{plan_id + 1}-v2"'):
            assert_problem(api.patch(f"/plans/{plan_id}", officer, {"title": "Dua"},
                                     etag=etag), 412, "precondition-failed")
        assert_problem(api.post(f"/plans/{plan_id}/submit", officer,
                                headers={"If-Match": old}), 412)
    submitted = factory.plan(officer, status="submitted", period_start=2030)
    with unchanged():
        assert_problem(api.post(f"/plans/{submitted}/approve", admin, {},
                                headers={"If-Match": f'"plan-{submitted}-v1"'}), 412)
    # The current ETag (also weak, or in a list) works.
    etag = current.headers["ETag"]
    response = api.patch(f"/plans/{plan_id}", officer, {"title": "Tiga"},
                         etag=f'"x", W/{etag}')
    assert response.status_code == 200 and response.json["title"] == "Tiga"


def test_patch_without_if_match_is_428(api: ApiClient, factory: Factory, unchanged) -> None:
    officer = factory.officer()
    plan_id = factory.plan(officer)
    with unchanged():
        problem = assert_problem(api.patch(f"/plans/{plan_id}", officer, {"title": "x"}), 428,
                                 "precondition-required")
    assert "If-Match" in problem["detail"]


def test_invalid_plan_fields_are_422(api: ApiClient, factory: Factory, unchanged) -> None:
    officer = factory.officer()
    plan_id = factory.plan(officer)
    etag = api.etag(f"/plans/{plan_id}", officer)
    bad_programmes = copy.deepcopy(full_programmes())
    bad_programmes[0]["sub_dimension"] = "tourism"  # belongs to branding, not governance
    cases = [
        ({"period_end": 2020}, {"period_end"}),
        ({"period_start": 2024, "period_end": 2050}, {"period_end"}),
        ({"title": "   "}, {"title"}),
        ({"programmes": bad_programmes}, {"programmes"}),
        ({"programmes": [{"title": "x"}]}, {"programmes"}),
    ]
    with unchanged():
        for body, fields in cases:
            problem = assert_problem(api.patch(f"/plans/{plan_id}", officer, body, etag=etag),
                                     422)
            assert set(problem["errors"]) == fields, body
    assert problem["errors"]["programmes"]["0"].keys() >= {"dimension", "sub_dimension"}


def test_create_for_unknown_region_is_422(api: ApiClient, factory: Factory, unchanged) -> None:
    admin = factory.admin()
    with unchanged():
        problem = assert_problem(api.post("/plans", admin, plan_body("99.99")), 422)
    assert set(problem["errors"]) == {"region_code"}
