"""Organisations: public profiles, who may create, edit, verify, and see or add members."""

from __future__ import annotations

import pytest

from tests.api.helpers import ApiClient, assert_problem
from tests.conftest import Factory


def test_anyone_registers_a_partner_organisation(api: ApiClient, factory: Factory,
                                                 outbox) -> None:
    user = factory.user(name="Rina")
    response = api.post("/organisations", user, {
        "name": "Komunitas Data Bandung", "type": "community", "about": "Relawan data.",
        "dimensions": ["society", "governance"], "provinces_served": ["32"],
        "website": "https://data-bandung.example",
    })
    assert response.status_code == 201, response.json
    org = response.json
    assert org["slug"] == "komunitas-data-bandung"
    assert (org["verified"], org["version"], org["region_code"]) == (False, 1, None)
    assert response.headers["ETag"] == f'"org-{org["id"]}-v1"'
    members = api.get(f"/organisations/{org['id']}/members", user).json
    assert members == [{"user_id": user.user_id, "name": "Rina", "email": user.email,
                        "role": "admin"}]
    [event] = outbox("sinergi.organisation.created")
    assert event.data["organisation_id"] == org["id"] and event.data["type"] == "community"
    # Public, by id and by slug.
    assert api.get(f"/organisations/{org['id']}").json["name"] == "Komunitas Data Bandung"
    assert api.get("/organisations/komunitas-data-bandung").json["id"] == org["id"]
    # The same name gets another slug.
    again = api.post("/organisations", user, {"name": "Komunitas Data Bandung",
                                              "type": "community"})
    assert again.json["slug"] == "komunitas-data-bandung-2"


def test_only_admins_create_government_organisations(api: ApiClient, factory: Factory,
                                                     unchanged) -> None:
    user, admin = factory.user(), factory.admin()
    with unchanged():
        assert_problem(api.post("/organisations", user,
                                {"name": "Pemkot Palsu", "type": "government"}), 403)
        assert_problem(api.post("/organisations", user,
                                {"name": "Pemkot Palsu", "type": "business",
                                 "region_code": "32.73"}), 403)
        assert_problem(api.post("/organisations", None,
                                {"name": "Anonim", "type": "business"}), 401)
    created = api.post("/organisations", admin, {"name": "Pemerintah Kota Bandung",
                                                 "type": "government", "region_code": "32.73"})
    assert created.status_code == 201 and created.json["region_code"] == "32.73"
    # A region's government, created by an admin from the Kemendagri list, starts verified;
    # only partner organisations wait in the admin's verification list.
    assert created.json["verified"] is True
    unverified = api.get("/organisations?verified=false").json["items"]
    assert created.json["id"] not in [o["id"] for o in unverified]
    with unchanged():
        assert_problem(api.post("/organisations", admin, {
            "name": "Pemerintah Kota Bandung Lagi", "type": "government",
            "region_code": "32.73"}), 409)
        problem = assert_problem(api.post("/organisations", admin, {
            "name": "Swasta", "type": "business", "region_code": "32.04"}), 422)
        assert set(problem["errors"]) == {"region_code"}
        assert_problem(api.post("/organisations", admin, {
            "name": "Pemkab Antah", "type": "government", "region_code": "99.99"}), 422)


def test_profile_edits(api: ApiClient, factory: Factory, db, outbox, unchanged) -> None:
    from core.orgs.models import Membership

    owner, org_id = factory.partner(name="Mitra Awal")
    member, outsider, admin = factory.user(), factory.user(), factory.admin()
    with db.begin() as session:
        session.add(Membership(user_id=member.user_id, organisation_id=org_id, role="member"))
    path = f"/organisations/{org_id}"
    etag = api.etag(path, None)
    with unchanged():
        for who in (member, outsider):
            assert_problem(api.patch(path, who, {"about": "x"}, etag=etag), 403)
            assert_problem(api.patch(path, who, {"about": "x"}), 403)  # 403 before 428
        assert_problem(api.patch(path, None, {"about": "x"}, etag=etag), 401)
        assert_problem(api.patch(path, owner, {"about": "x"}), 428)
        assert_problem(api.patch(path, owner, {"about": "x"}, etag=f'"org-{org_id}-v7"'), 412)
        problem = assert_problem(api.patch(path, owner, {"website": "javascript:alert(1)",
                                                         "provinces_served": ["99"]},
                                           etag=etag), 422)
        assert set(problem["errors"]) == {"website", "provinces_served"}
        assert_problem(api.patch(path, owner, {"name": "   "}, etag=etag), 422)
    response = api.patch(path, owner, {"about": "Kami membangun aplikasi.",
                                       "dimensions": ["economy"]}, etag=etag)
    assert response.status_code == 200
    assert response.json["version"] == 2 and response.json["about"] == "Kami membangun aplikasi."
    assert response.headers["ETag"] == f'"org-{org_id}-v2"'
    by_admin = api.patch(path, admin, {"name": "Mitra Baru"}, etag=response.headers["ETag"])
    assert by_admin.status_code == 200 and by_admin.json["version"] == 3
    assert by_admin.json["slug"] == response.json["slug"]  # slugs are stable
    assert len(outbox("sinergi.organisation.updated")) == 2


def test_only_admins_verify(api: ApiClient, factory: Factory, outbox, unchanged) -> None:
    owner, org_id = factory.partner()
    admin = factory.admin()
    path = f"/organisations/{org_id}/verification"
    with unchanged():
        assert_problem(api.put(path, owner, {"verified": True}), 403)
        assert_problem(api.put(path, None, {"verified": True}), 401)
    response = api.put(path, admin, {"verified": True})
    assert response.status_code == 200 and response.json["verified"] is True
    assert api.get(f"/organisations/{org_id}").json["verified"] is True
    assert [e.type for e in outbox() if e.type.startswith("sinergi.organisation.v")] == [
        "sinergi.organisation.verified"]
    with unchanged():  # verifying again changes nothing
        assert api.put(path, admin, {}).json["verified"] is True
    assert api.put(path, admin, {"verified": False}).json["verified"] is False
    assert outbox("sinergi.organisation.unverified")


def test_members_are_visible_to_members_and_admins(api: ApiClient, factory: Factory,
                                                   unchanged) -> None:
    owner, org_id = factory.partner()
    newcomer, outsider, admin = factory.user(), factory.user(), factory.admin()
    path = f"/organisations/{org_id}/members"
    assert_problem(api.get(path, outsider), 403)
    assert_problem(api.get(path), 401)
    assert len(api.get(path, admin).json) == 1
    with unchanged():
        assert_problem(api.post(path, outsider, {"email": outsider.email}), 403)
        assert_problem(api.post(path, None, {"email": newcomer.email}), 401)
        problem = assert_problem(api.post(path, owner, {"email": "nobody@example.test"}), 422)
        assert set(problem["errors"]) == {"email"}
    added = api.post(path, owner, {"email": newcomer.email.upper()})
    assert added.status_code == 201
    assert added.json == {"user_id": newcomer.user_id, "name": newcomer.principal.name,
                          "email": newcomer.email, "role": "member"}
    # A plain member sees the members but may not add any.
    assert {m["user_id"] for m in api.get(path, newcomer).json} == {owner.user_id,
                                                                    newcomer.user_id}
    with unchanged():
        assert_problem(api.post(path, newcomer, {"email": outsider.email}), 403)
    me = api.get("/me", newcomer).json
    assert me["kind"] == "partner"
    assert me["memberships"] == [{"organisation_id": org_id, "role": "member",
                                  "org_type": "business", "region_code": None}]


def test_organisation_list_is_public_and_filtered(api: ApiClient, factory: Factory) -> None:
    admin = factory.admin()
    _a, data_id = factory.partner("community", name="Data Warga",
                                  capabilities="Survei 100% warga", dimensions=["society"],
                                  provinces_served=["32", "33"])
    _b, shop_id = factory.partner("business", name="Toko Pintar", dimensions=["economy"],
                                  provinces_served=["31"])
    _c, campus_id = factory.partner("academia", name="Kampus Cerdas",
                                    dimensions=["economy", "society"])
    api.put(f"/organisations/{shop_id}/verification", admin, {"verified": True})

    def names(query: str) -> list[str]:
        body = api.get(f"/organisations?{query}").json
        assert body["total"] == len(body["items"])
        return [o["name"] for o in body["items"]]

    assert names("") == ["Data Warga", "Kampus Cerdas", "Toko Pintar"]
    assert names("sort=-name") == ["Toko Pintar", "Kampus Cerdas", "Data Warga"]
    assert names("type=business") == ["Toko Pintar"]
    assert names("verified=true") == ["Toko Pintar"]
    assert names("verified=false") == ["Data Warga", "Kampus Cerdas"]
    assert names("province=32") == ["Data Warga"]
    assert names("dimension=economy") == ["Kampus Cerdas", "Toko Pintar"]
    assert names("q=PINTAR") == ["Toko Pintar"]
    assert names("q=100%25") == ["Data Warga"]  # "%" matched literally, in capabilities
    assert names("q=0%25") == ["Data Warga"]
    assert names("q=%25%25") == []
    page = api.get("/organisations?per_page=2&page=2").json
    assert (page["total"], page["pages"], [o["id"] for o in page["items"]]) == (
        3, 2, [shop_id])
    assert data_id and campus_id


@pytest.mark.parametrize("role", ["officer", "partner", "evaluator"])
def test_only_admins_manage_participation(api: ApiClient, factory: Factory, unchanged,
                                          outbox, role: str) -> None:
    who = {"officer": factory.officer, "partner": lambda: factory.partner()[0],
           "evaluator": factory.evaluator}[role]()
    admin = factory.admin()
    with unchanged():
        assert_problem(api.post("/regions/32.73/participation", who, {"cohort_year": 2017}),
                       403)
        assert_problem(api.post("/regions/32.73/participation", None, {"cohort_year": 2017}),
                       401)
    assert api.post("/regions/32.73/participation", admin,
                    {"cohort_year": 2017}).status_code == 201
    with unchanged():
        assert_problem(api.patch("/regions/32.73/participation", who, {"stage": "mou_signed"}),
                       403)
        assert_problem(api.patch("/regions/32.73/participation", None,
                                 {"stage": "mou_signed"}), 401)
        assert_problem(api.post("/regions/32.73/participation", admin, {"cohort_year": 2018}),
                       409)
        assert_problem(api.patch("/regions/32.04/participation", admin,
                                 {"stage": "mou_signed"}), 409)
        assert_problem(api.post("/regions/99.99/participation", admin, {"cohort_year": 2017}),
                       404)
    moved = api.patch("/regions/32.73/participation", admin,
                      {"stage": "mou_signed", "reason": "MoU ditandatangani."})
    assert moved.status_code == 200 and moved.json == {"cohort_year": 2017,
                                                       "stage": "mou_signed"}
    [event] = outbox("sinergi.region.stage_changed")
    assert event.data["previous_stage"] == "selected"
    assert event.data["reason"] == "MoU ditandatangani."
