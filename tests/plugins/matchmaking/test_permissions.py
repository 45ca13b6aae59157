"""Refusals: each a clear problem+json, nothing changed. Partners cannot edit needs, regions
cannot edit offers, duplicate interests are refused, interest messages stay private, the
feed stays within its SQL budget."""

from __future__ import annotations

from tests.api.helpers import ApiClient, assert_problem
from tests.plugins.matchmaking.conftest import Sides, created, need_body, offer_body


def test_who_may_post_and_edit(api: ApiClient, sides: Sides, unchanged) -> None:
    need = created(api.post("/needs", sides.officer, need_body()))
    offer = created(api.post("/offers", sides.partner, offer_body()))
    need_tag = api.etag(f"/needs/{need['id']}", sides.officer)
    offer_tag = api.etag(f"/offers/{offer['id']}", sides.partner)
    with unchanged():
        assert_problem(api.post("/needs", sides.partner, need_body()), 403)
        assert_problem(api.post("/needs", sides.other_officer, need_body()), 403)
        assert_problem(api.post("/needs", None, need_body()), 401)
        assert_problem(api.patch(f"/needs/{need['id']}", sides.partner, {"title": "x"},
                                 etag=need_tag), 403)
        assert_problem(api.patch(f"/needs/{need['id']}", sides.other_officer, {"title": "x"},
                                 etag=need_tag), 403)
        assert_problem(api.patch(f"/offers/{offer['id']}", sides.officer, {"title": "x"},
                                 etag=offer_tag), 403)
        assert_problem(api.patch(f"/offers/{offer['id']}", sides.rival, {"title": "x"},
                                 etag=offer_tag), 403)
        assert_problem(api.post("/offers", sides.officer, offer_body()), 403)
        assert_problem(api.post("/offers", sides.stranger, offer_body()), 403)
        assert_problem(api.patch(f"/needs/{need['id']}", sides.officer, {"title": "x"}), 428)
        assert_problem(api.get(f"/needs/{need['id']}/matches", sides.partner), 403)
    ok = api.patch(f"/needs/{need['id']}", sides.officer, {"status": "closed"}, etag=need_tag)
    assert ok.status_code == 200 and ok.json["status"] == "closed"


def test_bad_input_is_refused(api: ApiClient, sides: Sides, unchanged) -> None:
    with unchanged():
        assert_problem(api.post("/needs", sides.officer, need_body(dimension="space")), 422)
        assert_problem(api.post("/needs", sides.officer, need_body(sub_dimension="tourism")),
                       422)
        assert_problem(api.post("/needs", sides.officer,
                                need_body(budget_min=5, budget_max=1)), 422)
        assert_problem(api.post("/needs", sides.officer, need_body(deadline="2001-01-01")), 422)
        assert_problem(api.post("/needs", sides.officer, need_body(programme_id=999999)), 422)
        assert_problem(api.post("/needs", sides.officer, need_body(colour="red")), 422)
        assert_problem(api.post("/offers", sides.partner, offer_body(dimensions=[])), 422)
        assert_problem(api.post("/offers", sides.partner,
                                offer_body(provinces=[], national=False)), 422)


def test_interests_are_private_and_unique(api: ApiClient, sides: Sides, factory) -> None:
    need = created(api.post("/needs", sides.officer, need_body()))
    secret = "Harga khusus kami Rp 400 juta, jangan disebarkan."
    interest = created(api.post(f"/needs/{need['id']}/interests", sides.partner,
                                {"message": secret}))
    duplicate = api.post(f"/needs/{need['id']}/interests", sides.partner, {"message": "Lagi"})
    assert_problem(duplicate, 409)
    assert_problem(api.post(f"/needs/{need['id']}/interests", sides.officer,
                            {"message": "x"}), 403)
    assert_problem(api.post(f"/needs/{need['id']}/interests", sides.partner,
                            {"message": ""}), 422)
    for outsider in (sides.rival, sides.other_officer, sides.stranger, factory.admin()):
        assert_problem(api.get(f"/interests/{interest['id']}", outsider), 404)
        listing = api.get("/interests", outsider).json
        assert secret not in str(listing)
        assert secret not in str(api.get(f"/needs/{need['id']}/interests", outsider).json)
    assert api.get(f"/interests/{interest['id']}", sides.officer).json["message"] == secret
    assert api.get(f"/interests/{interest['id']}", sides.partner).json["message"] == secret
    assert_problem(api.post(f"/interests/{interest['id']}/accept", sides.partner, {}), 403)
    assert_problem(api.post(f"/interests/{interest['id']}/decline", sides.officer, {}), 422)
    declined = api.post(f"/interests/{interest['id']}/decline", sides.officer,
                        {"reason": "Belum ada anggaran."})
    assert declined.status_code == 200
    # Decided: a new interest may be expressed again.
    created(api.post(f"/needs/{need['id']}/interests", sides.partner, {"message": "Lagi."}))


def test_interest_endpoint_is_rate_limited(api: ApiClient, sides: Sides, factory) -> None:
    statuses = []
    for n in range(12):
        need = created(api.post("/needs", sides.officer, need_body(title=f"Kebutuhan {n}")))
        response = api.post(f"/needs/{need['id']}/interests", sides.partner, {"message": "Hi"})
        statuses.append(response.status_code)
    assert statuses[:10] == [201] * 10
    assert statuses[10] == 429


def test_feed_stays_within_three_statements(api: ApiClient, sides: Sides, app,
                                            sql_counter) -> None:
    from plugins.matchmaking import services
    from plugins.matchmaking.index_store import index_for

    created(api.post("/offers", sides.partner, offer_body()))
    ids = [created(api.post("/needs", sides.officer, need_body(title=f"Banjir sensor {n}")))["id"]
           for n in range(6)]
    db = app.extensions["sinergi.db"]
    config = app.extensions["sinergi.plugins"].config_for("matchmaking")
    with app.app_context(), db.begin() as session:
        for need_id in ids:
            services.compute_need_matches(session, index_for(app), need_id, config)
    counts = []
    for per_page in (2, 100):
        with sql_counter:
            response = api.get(f"/opportunities?per_page={per_page}&sort=newest&q=Banjir",
                               sides.partner)
        assert response.status_code == 200, response.json
        counts.append(sql_counter.count)
    assert len(response.json["items"]) == 6
    assert max(counts) <= 3, counts
    assert_problem(api.get("/opportunities", sides.officer), 403)
    assert_problem(api.get("/opportunities?sort=price", sides.partner), 422)
