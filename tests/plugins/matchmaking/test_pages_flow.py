"""The whole flow through the pages' forms, with the worker computing the matches: a region
posts a need, a partner publishes an offer, the partner finds the need in its feed with "why
this matches you", expresses interest (a second one is refused on the page), the officer
accepts after confirming, and the collaboration moves a stage — in Indonesian by default."""

from __future__ import annotations

import re

from sqlalchemy import select

from plugins.matchmaking.models import Collaboration, Interest, Match, Need, Offer
from tests.bus.conftest import drain
from tests.plugins.matchmaking.conftest import Sides, future
from tests.web.conftest import WebUser, text_of


def login(app, account) -> WebUser:
    user = WebUser(app.test_client())
    assert user.login(account.email).status_code == 303
    return user


def only(db, model):
    with db.begin() as session:
        rows = list(session.scalars(select(model)))
    assert len(rows) == 1, rows
    return rows[0]


def has(db, model) -> bool:
    with db.begin() as session:
        return session.scalar(select(model.id).limit(1)) is not None


def test_need_to_collaboration_through_the_pages(make_bus_app, factory) -> None:
    app = make_bus_app()
    db = app.extensions["sinergi.db"]
    sides = Sides(factory)
    officer, partner = login(app, sides.officer), login(app, sides.partner)

    # The officer posts a need through the form.
    form = officer.get("/needs/new")
    assert form.status_code == 200 and "Pasang kebutuhan" in text_of(form)
    posted = officer.post("/needs/new", data={
        "title": "Sistem peringatan dini banjir berbasis sensor muka air",
        "description": "Jaringan sensor ketinggian air sungai dengan dasbor dan notifikasi "
                       "peringatan banjir untuk warga bantaran sungai.",
        "dimension": "environment", "sub_dimension": "protection",
        "budget_min": "500.000.000", "budget_max": "2.000.000.000",
        "partner_types": ["business", "academia"], "deadline": future(45)})
    assert posted.status_code == 303, text_of(posted)
    need = only(db, Need)
    assert posted.headers["Location"].endswith(f"/needs/{need.id}")
    assert (need.budget_min, need.budget_max) == (500_000_000, 2_000_000_000)
    assert need.partner_types == ["business", "academia"] and need.region_code == "32.73"

    # The partner publishes an offer through the form.
    published = partner.post("/offers/new", data={
        "title": "Sensor muka air dan peringatan dini banjir",
        "description": "Sensor ketinggian air sungai bertenaga surya, dasbor pemantauan dan "
                       "peringatan banjir lewat SMS.",
        "dimensions": ["environment"], "sub_dimensions": ["protection"],
        "provinces": ["32", "33"], "price_min": "Rp 400.000.000", "price_max": "1500000000",
        "references": "Terpasang di 4 kabupaten."})
    assert published.status_code == 303, text_of(published)
    offer = only(db, Offer)
    assert offer.provinces == ["32", "33"] and offer.price_min == 400_000_000

    # Nothing is computed in the web request; the worker does it.
    assert partner.get("/opportunities").status_code == 200
    assert "Sistem peringatan dini banjir" not in text_of(partner.get("/opportunities"))
    drain(app, until=lambda: has(db, Match), seconds=10)
    assert only(db, Match).offer_id == offer.id

    feed = text_of(partner.get("/opportunities"))
    assert "Sistem peringatan dini banjir" in feed and "Kecocokan" in feed
    assert "Peluang" in text_of(partner.get("/dashboard"))  # main menu
    detail = partner.get(f"/needs/{need.id}")
    why = text_of(detail)
    assert "Mengapa ini cocok untuk Anda" in why
    assert "banjir" in why and "Kata yang sama" in why
    assert "Penawaran melayani dimensi kebutuhan ini." in why
    assert "Organisasi melayani provinsi kebutuhan ini." in why
    assert "Rentang harga sesuai dengan anggaran." in why

    partners = text_of(officer.get(f"/needs/{need.id}/partners"))
    assert "PT Sensor Nusantara" in partners and "Sensor muka air" in partners

    # Interest with a message; a second one from the same organisation is refused clearly.
    sent = partner.post(f"/needs/{need.id}/interest",
                        data={"message": "Kami sudah memasang sensor di 4 kabupaten.",
                              "offer_id": str(offer.id)})
    assert sent.status_code == 303, text_of(sent)
    interest = only(db, Interest)
    assert interest.offer_id == offer.id
    again = partner.post(f"/needs/{need.id}/interest", data={"message": "Sekali lagi"})
    assert again.status_code == 409
    assert "Organisasi Anda sudah menyatakan minat pada kebutuhan ini." in text_of(again)
    assert "Sekali lagi" in again.text  # nothing typed is lost
    assert "Menunggu keputusan" in text_of(partner.get("/interests"))

    # The officer sees it, confirms, accepts.
    assert "PT Sensor Nusantara" in text_of(officer.get("/dashboard"))  # waiting interests
    incoming = officer.get(f"/interests/{interest.id}")
    assert "Kami sudah memasang sensor" in incoming.text
    question = officer.post(f"/interests/{interest.id}/accept", data={"note": "Mari bertemu"})
    assert question.status_code == 200 and "Ya, terima" in text_of(question)
    assert only(db, Interest).status == "open"  # nothing decided before confirming
    accepted = officer.post(f"/interests/{interest.id}/accept",
                            data={"note": "Mari bertemu", "confirmed": "1"})
    assert accepted.status_code == 303
    collab = only(db, Collaboration)
    assert accepted.headers["Location"].endswith(f"/collaborations/{collab.id}")

    # Either party moves the collaboration a stage, with a note.
    page = partner.get(f"/collaborations/{collab.id}")
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    moved = partner.post(f"/collaborations/{collab.id}/stage",
                         data={"stage": "meeting", "note": "Rapat di Balai Kota 3 Juni",
                               "version": version})
    assert moved.status_code == 303
    shown = text_of(partner.get(f"/collaborations/{collab.id}"))
    assert "Pertemuan" in shown and "Rapat di Balai Kota 3 Juni" in shown
    assert only(db, Collaboration).stage == "meeting"
    # A stale version (the officer's page was opened before the move): refused, note kept.
    stale = officer.post(f"/collaborations/{collab.id}/stage",
                         data={"stage": "mou_signed", "note": "MoU no. 12", "version": version})
    assert stale.status_code == 412
    assert "Pihak lain telah memindahkan tahapan" in text_of(stale)
    assert "MoU no. 12" in stale.text
    assert only(db, Collaboration).stage == "meeting"
