"""Every matchmaking page answers the roles it serves and refuses the others: anonymous
visitors go to the login page, partners cannot touch needs, regions cannot touch offers,
other regions and organisations get 403/404, and private messages stay private."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.matchmaking import services
from plugins.matchmaking.index_store import index_for
from tests.api.helpers import ApiClient
from tests.plugins.matchmaking.conftest import Sides, created, need_body, offer_body
from tests.web.conftest import text_of

SECRET = "Harga khusus kami Rp 400 juta, mohon dirahasiakan."


class World:
    """A need of Bandung with its matches computed, an offer, an interest with a private
    message, and a collaboration from an accepted interest."""

    def __init__(self, app, api: ApiClient, sides: Sides):
        self.offer = created(api.post("/offers", sides.partner, offer_body()))
        self.rival_offer = created(api.post("/offers", sides.rival, offer_body(
            title="Kajian risiko banjir", national=True, provinces=[])))
        self.need = created(api.post("/needs", sides.officer, need_body()))
        self.other_need = created(api.post("/needs", sides.other_officer, need_body(
            region_code="35.78", title="Sensor banjir Surabaya")))
        db = app.extensions["sinergi.db"]
        config = app.extensions["sinergi.plugins"].config_for("matchmaking")
        with app.app_context(), db.begin() as session:
            for need_id in (self.need["id"], self.other_need["id"]):
                services.compute_need_matches(session, index_for(app), need_id, config)
        self.interest = created(api.post(f"/needs/{self.need['id']}/interests", sides.partner,
                                         {"message": SECRET}))
        accepted = created(api.post(f"/needs/{self.need['id']}/interests", sides.rival,
                                    {"message": "Kami siap membantu kajian."}))
        api.post(f"/interests/{accepted['id']}/accept", sides.officer, {"reason": "Baik"})
        self.collaboration = api.get("/collaborations", sides.officer).json["items"][0]


@pytest.fixture
def world(app, api: ApiClient, sides: Sides) -> World:
    return World(app, api, sides)


def pages_of(world: World) -> dict[str, str]:
    need, offer = world.need["id"], world.offer["id"]
    return {
        "needs": "/needs", "need": f"/needs/{need}", "offers": "/offers",
        "offer": f"/offers/{offer}", "my_needs": "/needs/mine", "need_new": "/needs/new",
        "need_edit": f"/needs/{need}/edit", "partners": f"/needs/{need}/partners",
        "feed": "/opportunities", "my_offers": "/offers/mine", "offer_new": "/offers/new",
        "offer_edit": f"/offers/{offer}/edit", "interests": "/interests",
        "interest": f"/interests/{world.interest['id']}",
        "collaborations": "/collaborations",
        "collaboration": f"/collaborations/{world.collaboration['id']}",
    }


PUBLIC = {"needs", "need", "offers", "offer"}
#: The pages each role is served (200); the others answer 403/404.
SERVED = {
    "officer": PUBLIC | {"my_needs", "need_new", "need_edit", "partners", "interests",
                         "interest", "collaborations", "collaboration"},
    "partner": PUBLIC | {"feed", "my_offers", "offer_new", "offer_edit", "interests",
                         "interest", "collaborations"},
    "other_officer": PUBLIC | {"my_needs", "need_new", "interests", "collaborations"},
    "rival": PUBLIC | {"feed", "my_offers", "offer_new", "interests", "collaborations",
                       "collaboration"},
    "stranger": PUBLIC | {"interests", "collaborations"},
}


def test_each_role_is_served_its_pages_and_refused_the_others(world: World, sides: Sides,
                                                              browser) -> None:
    urls = pages_of(world)
    anonymous = browser()
    for name, url in urls.items():
        response = anonymous.get(url)
        if name in PUBLIC:
            assert response.status_code == 200, (name, response.status_code)
            assert SECRET not in response.text
        else:
            assert response.status_code in (302, 303), (name, response.status_code)
            assert "/login" in response.headers["Location"]
    for role, served in SERVED.items():
        user = browser(getattr(sides, role))
        for name, url in urls.items():
            response = user.get(url)
            expected = (200,) if name in served else (403, 404)
            assert response.status_code in expected, (role, name, response.status_code)
            assert "Traceback" not in response.text
            if role not in ("officer", "partner"):
                assert SECRET not in response.text, (role, name)
    # The two parties read the message.
    assert SECRET in browser(sides.officer).get(urls["interest"]).text
    assert SECRET in browser(sides.partner).get(urls["interest"]).text


def _form(world: World, **changes: Any) -> dict[str, Any]:
    data = {"title": "Diubah", "description": "x", "dimension": "environment",
            "sub_dimension": "", "budget_min": "", "budget_max": "", "deadline": "",
            "status": "open", "version": "1"}
    data.update(changes)
    return data


def test_posts_are_refused_to_those_they_do_not_belong_to(world: World, sides: Sides,
                                                          browser, unchanged) -> None:
    need, offer = world.need["id"], world.offer["id"]
    interest = world.interest["id"]
    collab = world.collaboration["id"]
    partner, other, officer, rival = (browser(sides.partner), browser(sides.other_officer),
                                      browser(sides.officer), browser(sides.rival))
    offer_form = {"title": "Diubah", "description": "x", "dimensions": "environment",
                  "national": "1", "version": "1"}
    with unchanged():
        for user in (partner, other):  # partners and other regions cannot edit needs
            assert user.post(f"/needs/{need}/edit", data=_form(world)).status_code == 403
            assert user.post(f"/needs/{need}/close",
                             data={"version": "1", "confirmed": "1"}).status_code == 403
        assert partner.post("/needs/new", data=_form(world)).status_code == 403
        # Regions cannot edit offers; other organisations neither.
        for user in (officer, rival):
            assert user.post(f"/offers/{offer}/edit", data=offer_form).status_code == 403
            assert user.post(f"/offers/{offer}/withdraw",
                             data={"version": "1", "confirmed": "1"}).status_code == 403
        assert officer.post("/offers/new", data=offer_form).status_code == 403
        # Interests: only the region decides, only the organisation withdraws.
        assert partner.post(f"/interests/{interest}/accept",
                            data={"confirmed": "1"}).status_code == 403
        assert officer.post(f"/interests/{interest}/withdraw",
                            data={"confirmed": "1"}).status_code == 403
        for path in ("accept", "decline", "withdraw"):
            assert rival.post(f"/interests/{interest}/{path}",
                              data={"confirmed": "1", "reason": "x"}).status_code == 404
            assert other.post(f"/interests/{interest}/{path}",
                              data={"confirmed": "1", "reason": "x"}).status_code == 404
        assert other.post(f"/collaborations/{collab}/stage",
                          data={"stage": "meeting", "version": "1"}).status_code == 404
        assert partner.post(f"/collaborations/{collab}/stage",
                            data={"stage": "meeting", "version": "1"}).status_code == 404
        anonymous = browser()
        for url in (f"/needs/{need}/interest", f"/interests/{interest}/accept",
                    f"/collaborations/{collab}/stage", "/opportunities/searches"):
            response = anonymous.post(url, data={})
            assert response.status_code in (302, 303, 400, 403), (url, response.status_code)
    # An interest refused on the page: an officer is not a partner organisation's member.
    refused = officer.post(f"/needs/{need}/interest", data={"message": "Halo"})
    assert refused.status_code == 403
    assert "anggota organisasi mitra" in text_of(refused)
