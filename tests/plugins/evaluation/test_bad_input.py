"""Garbage on every write endpoint and page form: a clear refusal (problem+json on the API, the
form again with a message and the typed input on pages), never a 500, nothing changed."""

from __future__ import annotations

import base64

from tests.api.helpers import assert_problem
from tests.plugins.evaluation.conftest import BANDUNG, YEAR, ok, run_to_assessment
from tests.web.conftest import WebUser, text_of

HUGE = 10**30
NASTY_NUMBERS = ["1e999999", "NaN", "-Infinity", "²", "٣", "0x10", "", "  ", "3,5,5", "1e308"]


def _send(api, who, method, path, body, tag):
    headers = {"If-Match": tag} if tag else {}
    if who is not None:
        headers["Authorization"] = f"Bearer {who.token}"
    send = {"json": body} if body is not None else {"data": "null",
                                                     "content_type": "application/json"}
    response = getattr(api.client, method)("/api/v1" + path, headers=headers, **send)
    assert 400 <= response.status_code < 500, (method, path, body,
                                               response.get_data(as_text=True))
    assert_problem(response, response.status_code)
    return response


def test_write_endpoints_refuse_garbage_with_problems(flow, app, api, world, unchanged):
    """Each phase's write endpoints get garbage with a valid ETag, so the refusal comes from
    the checks of the input, not from a missing precondition."""
    admin, officer, lead = world.admin, world.officers[BANDUNG], world.assessors[0]
    common = [[], "x", 12, None, {"unknown": 1}]
    flow.create()
    cycle_tag = api.etag(f"/evaluation/cycles/{YEAR}", admin)
    indicator = flow.indicators()[0]["id"]
    new_indicator = {"code": "a", "component": "output", "dimension": "economy", "name": "x"}
    draft = [
        (admin, "post", "/evaluation/cycles", None, common + [
            {"year": "2030"}, {"year": HUGE}, {"year": 2030, "title": "x" * 201},
            {"year": 2030, "weights": {"baseline": 1e300}},
            {"year": 2030, "gap_threshold": "1e999"},
            {"year": 2030, "deadlines": {"survey": "2030-02-30"}},
            {"year": 2030, "cohorts": [HUGE]}, {"year": 2030, "region_codes": ["99.99"]},
            {"year": 2030, "scale_min": 5, "scale_max": 5},
            {"year": YEAR}, {"year": 2030, "indicators": [{**new_indicator, "position": HUGE}]}]),
        (admin, "patch", f"/evaluation/cycles/{YEAR}", cycle_tag, common + [
            {"title": ""}, {"title": "  "}, {"scale_min": 9, "scale_max": 3},
            {"weights": {"baseline": 50, "output": 50, "outcome": 50, "impact": 0,
                         "quick_win": 0}},
            {"gap_threshold": "0"}, {"gap_threshold": "9"}, {"region_codes": ["31.71"]}]),
        (admin, "post", f"/evaluation/cycles/{YEAR}/indicators", None, common + [
            {**new_indicator, "position": -1}, {**new_indicator, "code": "governance.impact"},
            {**new_indicator, "sub_dimension": "health"}, {**new_indicator, "name": " "}]),
        (admin, "patch", f"/evaluation/indicators/{indicator}", None, common + [
            {"code": "governance.impact"}, {"sub_dimension": "health"}, {"position": HUGE},
            {"code": " "}]),
    ]
    ragged = {"csv": "region_code,year,indicator,value\n32.73,2023\n32.73,2023,ipm,1,x,y\n"
                     "32.73,99999999999999999999,ipm,1e999\n", "dry_run": True}
    with unchanged():
        for who, method, path, tag, bodies in draft:
            for body in bodies:
                _send(api, who, method, path, body, tag)
        # ragged rows are reported line by line, not a failure of the whole file
        report = ok(api.post("/evaluation/external-indicators", admin, ragged))
    assert report["rejected"] == 2 and report["imported"] == 1, report
    assert report["errors"][1]["messages"] == ["year 99999999999999999999 outside 2000–2100",
                                               "value '1e999' is not a number"]

    flow.action("open")
    survey = ok(api.post(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/surveys", officer, {
        "programme_id": flow.self_assess(BANDUNG, submit=False)["programmes"][0][
            "programme_id"]}), 201)
    sa_path = f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/self-assessment"
    pdf = base64.b64encode(b"%PDF-1.4").decode()
    self_assessment = [
        (officer, "put", sa_path, api.etag(sa_path, officer), common + [
            {"values": [{"indicator_id": HUGE}]}, {"values": [{"indicator_id": 0}]},
            {"values": [{"indicator_id": indicator, "links": ["javascript:alert(1)"]}]},
            {"values": [{"indicator_id": indicator, "links": ["https://x.id"] * 11}]},
            {"realisations": [{"programme_id": 1, "percent": HUGE}]},
            {"realisations": [{"programme_id": HUGE, "percent": 5}]}]),
        (officer, "post", f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/evidence", None,
         common + [{"filename": "a.pdf", "content_base64": "%%%"},
                   {"filename": "a.pdf", "content_base64": 5},
                   {"filename": "", "content_base64": pdf},
                   {"filename": "a.pdf", "content_base64": ""},
                   {"filename": "a.pdf", "content_base64": pdf, "indicator_id": HUGE},
                   {"filename": "a.pdf", "content_base64": pdf, "indicator_id": 10**6}]),
        (officer, "post", f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/surveys", None,
         common + [{"programme_id": HUGE}, {"programme_id": "1"},
                   {"programme_id": survey["programme_id"]}]),
        (officer, "post", f"/evaluation/surveys/{survey['id']}/tokens", None, common + [
            {"count": HUGE}, {"count": -1}, {"count": 0}, {"count": 1001}]),
        (None, "post", "/evaluation/public-surveys/x", None, common + [{"rating": HUGE}]),
        (admin, "post", "/evaluation/external-indicators", None, common + [
            {"csv": ""}, {"csv": "a\x00b"}, {"csv": "kode,tahun\n1,2\n"},
            {"csv": 'region_code,year,indicator,value\n32.73,2023,ipm,"' + "9" * 200_000
                    + '"\n'}]),
    ]
    with unchanged():
        for who, method, path, tag, bodies in self_assessment:
            for body in bodies:
                _send(api, who, method, path, body, tag)

    for code in (BANDUNG, "35.78"):
        if code != BANDUNG:
            flow.self_assess(code, submit=False)
        ok(api.post(f"/evaluation/cycles/{YEAR}/regions/{code}/self-assessment/submit",
                    world.officers[code]))
        flow.assign(code)
    flow.action("start-assessment")
    assignment = flow.assignments[BANDUNG][0]
    ok(flow.declare(assignment, lead))
    path = f"/evaluation/assignments/{assignment}"
    scores = [{"scores": [{"indicator_id": indicator, "score": n}]} for n in NASTY_NUMBERS]
    with unchanged():
        for body in common + scores + [
                {"scores": [{"indicator_id": indicator, "score": {"a": 1}}]},
                {"scores": [{"indicator_id": indicator, "score": 5.001}]},
                {"scores": [{"indicator_id": indicator, "score": -0.5}]},
                {"scores": [{"indicator_id": HUGE, "score": 3}]},
                {"notes": 5}]:
            _send(api, lead, "put", path + "/scores", body, api.etag(path, lead))
        for body in common + [{"conflict": "maybe"}]:
            _send(api, lead, "post", path + "/declaration", body, None)
        for body in common + [{"finals": []}, {"finals": [{"indicator_id": indicator}]}]:
            _send(api, admin, "put", f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/finals",
                  body, '"evaluation-region-2024-32.73-v1"')


def _login(app, account) -> WebUser:
    user = WebUser(app.test_client())
    assert user.login(account.email).status_code == 303
    return user


def _refused(response, *kept: str) -> str:
    assert 400 <= response.status_code < 500, (response.status_code, text_of(response)[:500])
    assert 'id="error-summary"' in response.text, text_of(response)[:1000]
    for value in kept:
        assert value in response.text, value
    return text_of(response)


def test_page_forms_refuse_garbage_and_keep_the_input(flow, app, world):
    run_to_assessment(flow, app, surveys=False)
    assessing = flow
    admin = _login(app, world.admin)
    lead = _login(app, world.assessors[0])
    # new cycle: odd digits, huge numbers, a long title, an impossible date
    for field, value in (("year", "２０２６"), ("year", "²"), ("weight_output", "1e999"),
                         ("gap_threshold", "1e999999"), ("gap_threshold", "NaN"),
                         ("title", "Judul " * 50), ("deadline_survey", "2030-02-30")):
        form = {"year": "2030", "title": "Evaluasi Uji", "weight_baseline": "10",
                "weight_output": "20", "weight_outcome": "30", "weight_impact": "30",
                "weight_quick_win": "10", "gap_threshold": "1.0", field: value}
        text = _refused(admin.post("/evaluasi/", form), value.strip()[:30])
        assert "Ada masalah" in text
    for version in ("²", "abc", "99999999999999999999"):
        response = admin.post(f"/evaluasi/{YEAR}/complete", {"version": version})
        assert response.status_code in (409, 412, 422), response.status_code
    _refused(admin.post(f"/evaluasi/{YEAR}/assessors", {"region_code": BANDUNG,
                                                        "assessor_id": "9" * 20}))
    # the assessor's scoring form: every kind of bad number is reported, the input kept
    url = f"/evaluasi/penilaian/{assessing.assignments[BANDUNG][0]}"
    page = lead.get(url).text
    first = page.split('name="score_')[1].split('"')[0]
    for value in ["1e999999", "NaN", "-Infinity", "²", "0x10", "3,5,5", "7", "-1", "3.333"]:
        text = _refused(lead.post(url, {f"score_{first}": value, "notes": "catatan tetap"}),
                        "catatan tetap")
        assert "Masukkan angka" in text or "Nilai berkisar" in text or "dua angka" in text
    # the public survey: a rating that is no number
    lead_reconcile = lead.get(f"/evaluasi/{YEAR}/daerah/{BANDUNG}/rekonsiliasi")
    assert lead_reconcile.status_code == 403  # still blind: nothing submitted yet


def test_base64_field_errors_are_lists_of_messages(app) -> None:
    """A bad upload's field errors have the documented shape ``{"field": ["message"]}`` (a
    lazily translated message alone was not wrapped in a list)."""
    import pytest
    from marshmallow import ValidationError

    from plugins.evaluation.schemas import EvidenceUploadSchema

    for content in (12, "not base64!"):
        with app.test_request_context(), pytest.raises(ValidationError) as refused:
            EvidenceUploadSchema().load({"filename": "a.pdf", "content_base64": content})
        messages = refused.value.messages["content_base64"]
        assert isinstance(messages, list) and len(messages) == 1, messages
        assert str(messages[0])
