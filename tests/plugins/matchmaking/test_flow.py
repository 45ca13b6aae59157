"""End to end through the API and the worker: posting a need makes its matches appear with
explanations; posting an offer updates the affected needs; interest → collaboration."""

from __future__ import annotations

from sqlalchemy import select

from tests.api.helpers import ApiClient
from tests.bus.conftest import drain
from tests.plugins.matchmaking.conftest import Sides, created, need_body, offer_body


def _outbox_types(db) -> list[str]:
    from core.events.outbox import OutboxEvent

    with db.begin() as session:
        return list(session.scalars(select(OutboxEvent.type).order_by(OutboxEvent.position)))


def test_need_and_offer_matches_flow_through_the_worker(make_bus_app, factory) -> None:
    bus_app = make_bus_app()
    api = ApiClient(bus_app.test_client())
    sides = Sides(factory)
    offer = created(api.post("/offers", sides.partner, offer_body()))
    unrelated = created(api.post("/offers", sides.rival, offer_body(
        title="Kajian pariwisata budaya", description="Branding destinasi wisata kota tua.",
        dimensions=["branding"], sub_dimensions=["tourism"], provinces=["35"])))
    need = created(api.post("/needs", sides.officer, need_body()))
    drain(bus_app, until=lambda: False, seconds=4)

    response = api.get(f"/needs/{need['id']}/matches", sides.officer)
    assert response.status_code == 200, response.json
    matches = response.json
    assert [m["offer_id"] for m in matches] == [offer["id"]]
    explanation = matches[0]["explanation"]
    assert {"banjir", "sensor"} <= set(explanation["matched_terms"])
    assert explanation["criteria"]["dimension"] is True
    assert explanation["criteria"]["province"] == "served"
    assert explanation["criteria"]["budget"] == "overlap"
    assert abs(sum(explanation["parts"].values()) - matches[0]["score"]) < 1e-3
    assert unrelated["id"] not in [m["offer_id"] for m in matches]

    # A new offer from another organisation updates the need's matches.
    second = created(api.post("/offers", sides.rival, offer_body(
        title="Flood early warning study with river water level sensors",
        description="Hydrological modelling and sensor placement for flood early warning.",
        national=True, provinces=[])))
    drain(bus_app, until=lambda: False, seconds=4)
    ids = [m["offer_id"] for m in api.get(f"/needs/{need['id']}/matches", sides.officer).json]
    assert set(ids) == {offer["id"], second["id"]}

    # The partner's feed shows the need with "why this matches you".
    feed = api.get("/opportunities", sides.partner).json
    assert [item["need"]["id"] for item in feed["items"]] == [need["id"]]
    assert feed["items"][0]["explanation"]["matched_terms"]
    fit = api.get(f"/needs/{need['id']}/fit", sides.partner).json
    assert fit[0]["offer_id"] == offer["id"]

    types = _outbox_types(bus_app.extensions["sinergi.db"])
    assert types.count("sinergi.match.suggested") == 2
    assert "sinergi.need.posted" in types and "sinergi.offer.published" in types

    # Withdrawing the offer removes its matches.
    api.post(f"/offers/{offer['id']}/withdraw", sides.partner)
    drain(bus_app, until=lambda: False, seconds=4)
    ids = [m["offer_id"] for m in api.get(f"/needs/{need['id']}/matches", sides.officer).json]
    assert ids == [second["id"]]


def test_interest_becomes_a_collaboration(api: ApiClient, sides: Sides, outbox) -> None:
    need = created(api.post("/needs", sides.officer, need_body()))
    interest = created(api.post(f"/needs/{need['id']}/interests", sides.partner,
                                {"message": "Kami punya sensor yang sudah terpasang di 4 kota."}))
    assert interest["status"] == "open"
    incoming = api.get("/interests", sides.officer).json
    assert [i["id"] for i in incoming["items"]] == [interest["id"]]
    accepted = api.post(f"/interests/{interest['id']}/accept", sides.officer, {"reason": "Ok"})
    assert accepted.status_code == 200, accepted.json
    collabs = api.get("/collaborations", sides.partner).json["items"]
    assert len(collabs) == 1 and collabs[0]["stage"] == "interest"
    cid = collabs[0]["id"]
    for stage in ("meeting", "mou_signed", "pilot"):
        moved = api.post(f"/collaborations/{cid}/stage", sides.officer, {"stage": stage})
        assert moved.status_code == 200, moved.json
    back = api.post(f"/collaborations/{cid}/stage", sides.partner, {"stage": "meeting"})
    assert back.status_code == 409
    done = api.post(f"/collaborations/{cid}/stage", sides.partner, {"stage": "completed"})
    assert done.json["stage"] == "completed"
    assert [h["stage"] for h in done.json["history"]] == [
        "interest", "meeting", "mou_signed", "pilot", "completed"]
    types = [row.type for row in outbox()]
    for expected in ("sinergi.interest.expressed", "sinergi.interest.accepted",
                     "sinergi.collaboration.formed", "sinergi.collaboration.stage_changed"):
        assert expected in types
    expressed = outbox("sinergi.interest.expressed")[0].data
    assert "message" not in expressed  # private messages never go on the bus


def test_withdrawing_an_interest_is_an_event(api: ApiClient, sides: Sides, outbox) -> None:
    need = created(api.post("/needs", sides.officer, need_body()))
    interest = created(api.post(f"/needs/{need['id']}/interests", sides.partner,
                                {"message": "Kami bisa membantu."}))
    withdrawn = api.post(f"/interests/{interest['id']}/withdraw", sides.partner)
    assert withdrawn.status_code == 200, withdrawn.json
    assert withdrawn.json["status"] == "withdrawn"
    [event] = outbox("sinergi.interest.withdrawn")
    assert event.sequence == 2 and event.subject == f"interest:{interest['id']}"
    assert event.data["need_id"] == need["id"] and "message" not in event.data
    # Withdrawn once: a second try is refused and emits nothing.
    assert api.post(f"/interests/{interest['id']}/withdraw", sides.partner).status_code == 409
    assert len(outbox("sinergi.interest.withdrawn")) == 1
