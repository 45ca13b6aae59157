"""The rules that protect the evaluation: conflicts of interest, blind scoring, the survey
minimum, weights, permissions, and concurrent saves."""

from __future__ import annotations

import threading

from core.orgs import services as orgs
from core.orgs.models import Membership
from tests.api.helpers import assert_problem
from tests.plugins.evaluation.conftest import (
    BANDUNG,
    SURABAYA,
    YEAR,
    fill_surveys_fast,
    ok,
    run_to_assessment,
)


def _join_region(db, factory, account, code):
    with db.begin() as session:
        org = orgs.government_org_for(session, factory.system, code)
        session.add(Membership(user_id=account.user_id, organisation_id=org.id, role="member"))


def test_weights_must_sum_to_100(flow, api, world, unchanged):
    with unchanged():
        response = api.post("/evaluation/cycles", world.admin, {
            "year": YEAR, "weights": {"baseline": 10, "output": 20, "outcome": 30,
                                      "impact": 30, "quick_win": 9}})
    assert_problem(response, 422, "validation-failed")
    assert "exactly 100 %" in response.get_data(as_text=True)
    assert "now 99 %" in response.get_data(as_text=True)


def test_only_admins_create_cycles_and_unknown_fields_are_refused(api, world, unchanged):
    with unchanged():
        assert_problem(api.post("/evaluation/cycles", world.officers[BANDUNG], {"year": YEAR}),
                       403, "forbidden")
        assert_problem(api.post("/evaluation/cycles", None, {"year": YEAR}), 401, "unauthorized")
        response = api.post("/evaluation/cycles", world.admin, {"year": YEAR, "colour": "red"})
        assert response.status_code == 422
        # A missing cycle is a 404 even without If-Match (refusals before preconditions).
        assert_problem(api.patch("/evaluation/cycles/1999", world.admin, {"title": "x"}), 404)
        # A year no column holds is not found (was an integer overflow, 500, on PostgreSQL).
        assert_problem(api.get("/evaluation/cycles/99999999999", world.admin), 404)


def test_conflict_of_interest_at_assignment(flow, api, world, db, factory):
    flow.create()
    insider = factory.evaluator()
    _join_region(db, factory, insider, BANDUNG)
    response = api.post(f"/evaluation/cycles/{YEAR}/assignments", world.admin,
                        {"region_code": BANDUNG, "assessor_id": insider.user_id})
    assert_problem(response, 422, "validation-failed")
    assert "officer of the region and cannot assess it" in response.get_data(as_text=True)
    # the same assessor may assess another region
    ok(api.post(f"/evaluation/cycles/{YEAR}/assignments", world.admin,
                {"region_code": SURABAYA, "assessor_id": insider.user_id}), 201)
    # a user who is not an evaluator cannot be assigned
    response = api.post(f"/evaluation/cycles/{YEAR}/assignments", world.admin,
                        {"region_code": SURABAYA, "assessor_id": world.officers[BANDUNG].user_id})
    assert "not an active evaluator" in response.get_data(as_text=True)


def test_conflict_of_interest_at_declaration(flow, api, world, db, factory):
    flow.create()
    assessor = world.assessors[2]
    assignment = ok(api.post(f"/evaluation/cycles/{YEAR}/assignments", world.admin,
                             {"region_code": BANDUNG, "assessor_id": assessor.user_id}), 201)
    _join_region(db, factory, assessor, BANDUNG)  # joined the city's government afterwards
    assessor = factory.account(assessor.user_id, assessor.token)
    response = flow.declare(assignment["id"], assessor)
    assert_problem(response, 422, "validation-failed")
    assert "You are an officer of this region" in response.get_data(as_text=True)
    detail = ok(api.get(f"/evaluation/assignments/{assignment['id']}", assessor))
    assert detail["status"] == "conflict"
    # a declared conflict cannot score
    response = api.put(f"/evaluation/assignments/{assignment['id']}/scores", assessor,
                       {"scores": []}, headers={"If-Match": "*"})
    assert response.status_code in (403, 409)


def test_blind_scoring(flow, api, app, world):
    run_to_assessment(flow, app, surveys=False)
    lead, second = world.assessors[:2]
    first_id, second_id = flow.assignments[BANDUNG]
    flow.score(first_id, lead, lambda i: 4, submit=False)
    # nobody sees another assessor's assignment or the comparison before submitting
    assert api.get(f"/evaluation/assignments/{first_id}", second).status_code == 404
    hidden = api.get(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/assessment", lead)
    assert_problem(hidden, 403, "forbidden")
    assert "hidden until you submit yours" in hidden.get_data(as_text=True)
    flow.score(second_id, second, lambda i: 2)
    # the second assessor submitted: sees submitted scores only (the lead's are still drafts)
    view = ok(api.get(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/assessment", second))
    assert {s["assessor_name"] for r in view["indicators"] for s in r["scores"]} == {"Evaluator"}
    assert all(len(r["scores"]) == 1 for r in view["indicators"])
    assert view["all_submitted"] is False
    # setting finals before everybody submitted is refused
    officer_view = api.get(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/assessment",
                           world.officers[BANDUNG])
    assert officer_view.status_code == 403
    ok(api.post(f"/evaluation/assignments/{first_id}/submit", lead))
    view = ok(api.get(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/assessment", lead))
    assert all(len(r["scores"]) == 2 and r["flagged"] for r in view["indicators"])


def test_survey_minimum_blocks_impact(flow, api, app, world):
    run_to_assessment(flow, app, surveys=False)
    fill_surveys_fast(app, world, BANDUNG, programmes=6, respondents=49)
    lead, second = world.assessors[:2]
    first_id, second_id = flow.assignments[BANDUNG]
    flow.score(first_id, lead, lambda i: 4)
    flow.score(second_id, second, lambda i: 4)
    response = api.post(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/finalise", lead)
    assert_problem(response, 422, "validation-failed")
    text = response.get_data(as_text=True)
    assert "Impact cannot be finalised" in text
    assert "0 programme(s) have at least 50 survey respondents" in text
    assert "at least 6 are needed" in text


def test_two_assessors_saving_at_once_keep_both(flow, api, app, world, client):
    run_to_assessment(flow, app, surveys=False)
    lead, second = world.assessors[:2]
    ids = flow.assignments[BANDUNG]
    indicator = flow.indicators()[0]["id"]
    tags = {i: api.etag(f"/evaluation/assignments/{i}", who)
            for i, who in zip(ids, (lead, second), strict=True)}
    results: dict[str, int] = {}
    barrier = threading.Barrier(4)

    def save(key, assignment_id, who, score):
        local = app.test_client()
        barrier.wait()
        response = local.put(f"/api/v1/evaluation/assignments/{assignment_id}/scores",
                             json={"scores": [{"indicator_id": indicator, "score": score}]},
                             headers={**who.headers, "If-Match": tags[assignment_id]})
        results[key] = response.status_code

    threads = [
        threading.Thread(target=save, args=("lead", ids[0], lead, 4)),
        threading.Thread(target=save, args=("second", ids[1], second, 2)),
        # the lead again, from another tab, with the same (now stale) ETag
        threading.Thread(target=save, args=("lead-tab", ids[0], lead, 1)),
        threading.Thread(target=save, args=("second-tab", ids[1], second, 5)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted([results["lead"], results["lead-tab"]]) == [200, 412]
    assert sorted([results["second"], results["second-tab"]]) == [200, 412]
    lead_scores = ok(api.get(f"/evaluation/assignments/{ids[0]}", lead))["scores"]
    second_scores = ok(api.get(f"/evaluation/assignments/{ids[1]}", second))["scores"]
    assert lead_scores[0]["score"] in (4, 1) and second_scores[0]["score"] in (2, 5)
    assert ok(api.get(f"/evaluation/assignments/{ids[0]}", lead))["version"] == 2
    # a stale If-Match afterwards is a 412 problem
    stale = api.put(f"/evaluation/assignments/{ids[0]}/scores", lead,
                    {"scores": []}, headers={"If-Match": tags[ids[0]]})
    assert_problem(stale, 412, "precondition-failed")
    missing = api.put(f"/evaluation/assignments/{ids[0]}/scores", lead, {"scores": []})
    assert missing.status_code == 428


def test_scores_outside_the_scale_are_refused(flow, api, app, world, unchanged):
    run_to_assessment(flow, app, surveys=False)
    lead = world.assessors[0]
    aid = flow.assignments[BANDUNG][0]
    tag = api.etag(f"/evaluation/assignments/{aid}", lead)
    indicator = flow.indicators()[0]["id"]
    with unchanged():
        for bad in (5.5, -1, "abc", 3.333):
            response = api.put(f"/evaluation/assignments/{aid}/scores", lead,
                               {"scores": [{"indicator_id": indicator, "score": bad}]},
                               headers={"If-Match": tag})
            assert_problem(response, 422, "validation-failed")


def test_self_assessment_permissions(flow, api, world, factory):
    flow.create()
    flow.action("open")
    path = f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/self-assessment"
    assert api.get(path, world.officers[BANDUNG]).status_code == 200
    assert_problem(api.get(path, world.officers[SURABAYA]), 403, "forbidden")
    assert_problem(api.get(path, world.assessors[0]), 403, "forbidden")  # not assigned
    assert_problem(api.get(path), 401, "unauthorized")
    partner, _org = factory.partner()
    assert_problem(api.get(path, partner), 403, "forbidden")
    tag = api.etag(path, world.officers[BANDUNG])
    response = api.put(path, world.officers[SURABAYA], {"values": []}, headers={"If-Match": tag})
    assert_problem(response, 403, "forbidden")
    # a programme of another region's plan is refused
    other = ok(api.get(f"/evaluation/cycles/{YEAR}/regions/{SURABAYA}/self-assessment",
                       world.officers[SURABAYA]))["programmes"][0]["programme_id"]
    response = api.put(path, world.officers[BANDUNG],
                       {"realisations": [{"programme_id": other, "percent": 50}]},
                       headers={"If-Match": tag})
    assert_problem(response, 422, "validation-failed")
    # submitting with empty values is refused with the count
    response = api.post(path + "/submit", world.officers[BANDUNG])
    assert "54 indicators have no value yet" in response.get_data(as_text=True)


def test_public_survey_one_answer_per_token_and_rate_limit(flow, api, world):
    flow.create()
    flow.action("open")
    officer = world.officers[BANDUNG]
    sa = ok(api.get(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/self-assessment", officer))
    survey = ok(api.post(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/surveys", officer,
                         {"programme_id": sa["programmes"][0]["programme_id"]}), 201)
    tokens = ok(api.post(f"/evaluation/surveys/{survey['id']}/tokens", officer,
                         {"count": 2}), 201)["tokens"]
    assert_problem(api.post(f"/evaluation/surveys/{survey['id']}/tokens", world.officers[SURABAYA],
                            {"count": 2}), 404, "not-found")
    form = ok(api.get(f"/evaluation/public-surveys/{tokens[0]}"))
    assert form["region_name"] == "Kota Bandung" and form["answered"] is False
    ok(api.post(f"/evaluation/public-surveys/{tokens[0]}", None, {"rating": 5}), 201)
    again = api.post(f"/evaluation/public-surveys/{tokens[0]}", None, {"rating": 1})
    assert_problem(again, 409, "conflict")
    assert "already been used" in again.get_data(as_text=True)
    assert_problem(api.post(f"/evaluation/public-surveys/{tokens[1]}", None, {"rating": 6}),
                   422, "validation-failed")
    assert_problem(api.get("/evaluation/public-surveys/not-a-token"), 404, "not-found")
    counts = ok(api.get(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/surveys", officer))["items"]
    assert counts[0]["responses"] == 1 and counts[0]["invitations"] == 2
    # tokens are stored hashed only
    from sqlalchemy import select

    from plugins.evaluation.models import SurveyToken

    with flow.api.client.application.extensions["sinergi.db"].begin() as session:
        stored = set(session.scalars(select(SurveyToken.token_hash)))
    assert tokens[0] not in stored and len(stored) == 2
    statuses = [api.get(f"/evaluation/public-surveys/guess-{n}",
                        environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
                for n in range(70)]
    assert statuses[0] == 404 and statuses[-1] == 429
