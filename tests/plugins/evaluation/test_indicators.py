"""Editing a cycle's indicators through the API: admins only, only while the cycle is a draft,
bad input refused with problem+json and nothing changed; opening checks the set is complete."""

from __future__ import annotations

from tests.api.helpers import assert_problem
from tests.plugins.evaluation.conftest import BANDUNG, YEAR, ok

NEW = {"code": "economy.umkm.output", "component": "output", "dimension": "economy",
       "sub_dimension": "welfare", "name": "UMKM yang masuk ekosistem digital",
       "description": "Jumlah UMKM yang memakai layanan digital daerah."}


def test_indicator_editing(flow, api, world, factory, unchanged):
    flow.create()
    admin = world.admin
    path = f"/evaluation/cycles/{YEAR}/indicators"
    indicators = flow.indicators()
    impact = next(i for i in indicators if i["code"] == "governance.impact")

    # only admins edit; others are refused and nothing changes
    partner = factory.partner()[0]
    with unchanged():
        for who, status in ((None, 401), (world.officers[BANDUNG], 403),
                            (world.assessors[0], 403), (partner, 403)):
            assert_problem(api.post(path, who, NEW), status)
            assert_problem(api.patch(f"/evaluation/indicators/{impact['id']}", who,
                                     {"name": "Diubah"}), status)
            assert_problem(api.delete(f"/evaluation/indicators/{impact['id']}", who), status)

    # bad input: problem+json with the field, nothing changed
    with unchanged():
        for body, field in (
            ({**NEW, "colour": "red"}, "colour"),
            ({**NEW, "component": "legacy"}, "component"),
            ({**NEW, "dimension": "space"}, "dimension"),
            ({**NEW, "sub_dimension": "health"}, "sub_dimension"),
            ({**NEW, "name": ""}, "name"),
            ({**NEW, "name": "   "}, "name"),
            ({**NEW, "code": "governance.impact"}, "code"),
            ({**NEW, "position": -3}, "position"),
            ({k: v for k, v in NEW.items() if k != "component"}, "component"),
        ):
            problem = assert_problem(api.post(path, admin, body), 422, "validation-failed")
            assert field in problem["errors"], (body, problem)
        clash = assert_problem(api.patch(f"/evaluation/indicators/{impact['id']}", admin,
                                         {"code": indicators[0]["code"]}), 422)
        assert clash["errors"]["code"] == ["Another indicator has this code."]
        wrong_sub = assert_problem(api.patch(f"/evaluation/indicators/{impact['id']}", admin,
                                             {"sub_dimension": "health"}), 422)
        assert "another dimension" in wrong_sub["errors"]["sub_dimension"][0]
        assert_problem(api.patch("/evaluation/indicators/999999", admin, {"name": "x"}), 404)
        assert_problem(api.delete("/evaluation/indicators/999999", admin), 404)

    added = ok(api.post(path, admin, NEW), 201)
    assert added["position"] == max(i["position"] for i in indicators) + 1
    renamed = ok(api.patch(f"/evaluation/indicators/{added['id']}", admin,
                           {"name": "UMKM go digital", "position": 3}))
    assert (renamed["name"], renamed["position"], renamed["code"]) == (
        "UMKM go digital", 3, NEW["code"])
    assert len(flow.indicators()) == 55

    # removing the only Impact indicator of a dimension blocks opening, with the reason
    assert api.delete(f"/evaluation/indicators/{impact['id']}", admin).status_code == 204
    refused = assert_problem(api.post(f"/evaluation/cycles/{YEAR}/open", admin), 422)
    assert refused["errors"]["indicators"] == ["Smart Governance has no Impact indicator."]
    ok(api.post(path, admin, {"code": "governance.impact.2", "component": "impact",
                              "dimension": "governance", "name": "Dampak tata kelola"}), 201)
    flow.action("open")

    # once open, the set is fixed
    with unchanged():
        for response in (api.post(path, admin, {**NEW, "code": "late"}),
                         api.patch(f"/evaluation/indicators/{added['id']}", admin,
                                   {"name": "Terlambat"}),
                         api.delete(f"/evaluation/indicators/{added['id']}", admin)):
            problem = assert_problem(response, 409, "conflict")
            assert problem["detail"] == "Indicators can change only while the cycle is a draft."
