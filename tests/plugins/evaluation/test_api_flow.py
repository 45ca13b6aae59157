"""A whole cycle through the API: opening, self-assessment, assessors, blind scoring,
reconciliation, surveys, finalising, completion, publication, results and exports."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.plugins.evaluation.conftest import BANDUNG, SURABAYA, YEAR, Flow, ok


def test_full_cycle_through_the_api(flow: Flow, api, world, outbox):
    cycle = flow.create()
    assert cycle["status"] == "draft"
    assert cycle["weights"] == {"baseline": 10, "output": 20, "outcome": 30, "impact": 30,
                                "quick_win": 10}
    assert len(flow.indicators()) == 54
    regions = ok(api.get(f"/evaluation/cycles/{YEAR}/regions", world.admin))
    assert {r["region_code"] for r in regions["items"]} == {BANDUNG, SURABAYA}

    flow.action("open")
    for code in (BANDUNG, SURABAYA):
        flow.self_assess(code)
        flow.assign(code)
        flow.surveys(code, rating=(lambda n: 4) if code == BANDUNG else (lambda n: 3))
    flow.action("start-assessment")

    lead, second = world.assessors[:2]
    for code in (BANDUNG, SURABAYA):
        first_id, second_id = flow.assignments[code]
        ok(flow.declare(first_id, lead))
        ok(flow.declare(second_id, second))
        base = 4 if code == BANDUNG else 3
        flow.score(first_id, lead, lambda i, b=base: b)
        # the second assessor disagrees by 2 points on the Impact indicators
        flow.score(second_id, second,
                   lambda i, b=base: b - 2 if i["component"] == "impact" else b)

    rec = ok(api.get(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/assessment", lead))
    flagged = [r for r in rec["indicators"] if r["flagged"]]
    assert len(flagged) == 6 and rec["flagged"] == 6
    refused = api.post(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/finalise", lead)
    assert refused.status_code == 422
    assert "lead assessor must set final scores" in refused.get_data(as_text=True)

    for code in (BANDUNG, SURABAYA):
        path = f"/evaluation/cycles/{YEAR}/regions/{code}"
        tag = api.get(path + "/assessment", lead).headers["ETag"]
        finals = [{"indicator_id": r["indicator_id"], "score": 3.5,
                   "reason": "Bukti wawancara mendukung nilai tengah"}
                  for r in ok(api.get(path + "/assessment", lead))["indicators"] if r["flagged"]]
        ok(api.put(path + "/finals", lead, {"finals": finals}, headers={"If-Match": tag}))
        ok(api.post(path + "/finalise", lead))

    flow.action("complete")
    completed = outbox("sinergi.evaluation.completed")
    assert len(completed) == 2
    bandung = next(e.data for e in completed if e.data["region_code"] == BANDUNG)
    assert bandung["rank"] == 1 and bandung["of"] == 2 and bandung["verified"] is True
    assert bandung["cycle_year"] == YEAR
    # Bandung: baseline/output/outcome/quick win 4.00; impact per dimension:
    # assessors (3.5 final) blended with surveys (rating 4 → 3.75 on 0–5) where surveyed.
    assert bandung["components"]["baseline"] == 4.0
    assert set(bandung["dimensions"]) == {"governance", "branding", "economy", "living",
                                          "society", "environment"}
    assert 3.5 < bandung["index"] < 4.0
    assert sorted(bandung["awards"]) == sorted(bandung["dimensions"])

    # results are not public before publication
    assert api.get(f"/evaluation/cycles/{YEAR}/results").status_code == 409
    flow.action("publish")
    assert len(outbox("sinergi.evaluation.published")) == 2
    public = ok(api.get(f"/evaluation/cycles/{YEAR}/results"))
    assert [r["region_code"] for r in public["items"]] == [BANDUNG, SURABAYA]
    assert public["items"][0]["index"] == bandung["index"]

    text = api.get(f"/evaluation/cycles/{YEAR}/results.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["rank", "of", "region_code", "region_name", "index"]
    assert rows[1][2] == BANDUNG and float(rows[1][4]) == bandung["index"]
    book = load_workbook(io.BytesIO(api.get(f"/evaluation/cycles/{YEAR}/results.xlsx").data))
    sheet = book.active
    assert sheet.cell(2, 3).value == BANDUNG and sheet.cell(2, 5).value == bandung["index"]
