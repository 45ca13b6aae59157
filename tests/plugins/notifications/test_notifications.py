"""Notifications: who hears of what, in which language, once per event even when events are
redelivered; e-mail through a real local SMTP server; preferences; the daily digest; the
centre's API and pages."""

from __future__ import annotations

import email
import time
from email.header import decode_header, make_header

from sqlalchemy import select, update

from core.accounts.models import User
from core.events.ledger import EventDelivery
from core.events.outbox import OutboxEvent
from plugins.notifications.cli import digest_app
from plugins.notifications.models import Notification
from tests.api.helpers import ApiClient, assert_problem
from tests.bus.conftest import drain
from tests.plugins.matchmaking.conftest import Sides, created, need_body, offer_body


def _settle(app, seconds: float = 30.0) -> None:
    """Relay and work until every event is published and every delivery handled (or dead)."""
    db = app.extensions["sinergi.db"]

    def settled() -> bool:
        with db.begin() as session:
            unpublished = session.scalar(select(OutboxEvent.position).where(
                OutboxEvent.published_at.is_(None)).limit(1))
            in_flight = session.scalar(select(EventDelivery.event_id).where(
                EventDelivery.status.in_(["pending", "retrying"])).limit(1))
        return unpublished is None and in_flight is None

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        drain(app, seconds=min(5.0, max(0.5, deadline - time.monotonic())), until=settled)
        if settled():
            return
    raise AssertionError("events still in flight after the time limit")


def _notifications(app, user_id: int) -> list[Notification]:
    with app.extensions["sinergi.db"].begin() as session:
        rows = session.scalars(select(Notification).where(Notification.user_id == user_id)
                               .order_by(Notification.id))
        return [row for row in rows]


def _subject(message: dict) -> str:
    parsed = email.message_from_string(message["data"])
    return str(make_header(decode_header(parsed["Subject"])))


def _set_locale(app, user_id: int, locale: str) -> None:
    with app.extensions["sinergi.db"].begin() as session:
        session.execute(update(User).where(User.id == user_id).values(locale=locale))


def test_officers_hear_of_interest_once_even_when_redelivered(mail_app, factory, smtp) -> None:
    inbox, _port = smtp
    api = ApiClient(mail_app.test_client())
    sides = Sides(factory)
    english_officer = factory.officer("32.73")
    _set_locale(mail_app, english_officer.user_id, "en")
    need = created(api.post("/needs", sides.officer, need_body()))
    created(api.post(f"/needs/{need['id']}/interests", sides.partner,
                     {"message": "Pesan rahasia untuk Bandung."}))
    _settle(mail_app)

    mine = [n for n in _notifications(mail_app, sides.officer.user_id)
            if n.kind == "interest_received"]
    assert len(mine) == 1
    assert "tertarik" in mine[0].title  # Indonesian by default
    english = [n for n in _notifications(mail_app, english_officer.user_id)
               if n.kind == "interest_received"]
    assert len(english) == 1 and "is interested in" in english[0].title
    assert _notifications(mail_app, sides.other_officer.user_id) == []  # another region
    assert len(inbox.to(sides.officer.email)) == 1
    assert "Pesan rahasia" not in inbox.to(sides.officer.email)[0]["data"]

    # Redeliver every event: the relay publishes them all again.
    with mail_app.extensions["sinergi.db"].begin() as session:
        session.execute(update(OutboxEvent).values(published_at=None))
    _settle(mail_app)
    assert len([n for n in _notifications(mail_app, sides.officer.user_id)
                if n.kind == "interest_received"]) == 1
    assert len(inbox.to(sides.officer.email)) == 1

    # Even a replay that bypasses the worker's ledger adds nothing (upsert by event).
    from flask import current_app  # noqa: F401

    from core.plugin import Event, HandlerContext
    from plugins.notifications.handlers import on_interest_expressed

    with mail_app.extensions["sinergi.db"].begin() as session:
        row = session.scalar(select(OutboxEvent).where(
            OutboxEvent.type == "sinergi.interest.expressed"))
        event = Event.from_envelope(row.envelope())
    with mail_app.app_context(), mail_app.extensions["sinergi.db"].begin() as session:
        config = mail_app.extensions["sinergi.plugins"].config_for("notifications")
        on_interest_expressed(event, HandlerContext(session, config, 2, lambda *a, **k: None))
    assert len(inbox.to(sides.officer.email)) == 1
    assert len(_notifications(mail_app, sides.officer.user_id)) == 1


def test_partners_hear_of_matching_needs_and_decisions(mail_app, factory, smtp) -> None:
    inbox, _port = smtp
    api = ApiClient(mail_app.test_client())
    sides = Sides(factory)
    created(api.post("/offers", sides.partner, offer_body()))
    need = created(api.post("/needs", sides.officer, need_body()))
    _settle(mail_app)
    kinds = [n.kind for n in _notifications(mail_app, sides.partner.user_id)]
    assert kinds == ["match_suggested"]
    assert "cocok" in _subject(inbox.to(sides.partner.email)[0]).lower() or \
        "sesuai" in _subject(inbox.to(sides.partner.email)[0]).lower()

    interest = created(api.post(f"/needs/{need['id']}/interests", sides.partner,
                                {"message": "Kami siap."}))
    declined = api.post(f"/interests/{interest['id']}/decline", sides.officer,
                        {"reason": "Anggaran belum tersedia."})
    assert declined.status_code == 200
    _settle(mail_app)
    kinds = [n.kind for n in _notifications(mail_app, sides.partner.user_id)]
    assert kinds == ["match_suggested", "interest_decided"]
    assert _notifications(mail_app, sides.rival.user_id) == []


def test_daily_digest_and_preferences(mail_app, factory, smtp) -> None:
    inbox, _port = smtp
    api = ApiClient(mail_app.test_client())
    sides = Sides(factory)
    prefs = api.client.put("/api/v1/notifications/preferences", headers=sides.officer.headers,
                           json={"kinds": ["interest_received"], "email_mode": "daily"})
    assert prefs.status_code == 200, prefs.json
    bad = api.client.put("/api/v1/notifications/preferences", headers=sides.officer.headers,
                         json={"kinds": ["nonsense"], "email_mode": "weekly"})
    assert_problem(bad, 422)
    need = created(api.post("/needs", sides.officer, need_body()))
    created(api.post(f"/needs/{need['id']}/interests", sides.partner, {"message": "Halo."}))
    created(api.post(f"/needs/{need['id']}/interests", sides.rival, {"message": "Halo juga."}))
    _settle(mail_app)
    assert inbox.to(sides.officer.email) == []  # waiting for the digest
    assert len(_notifications(mail_app, sides.officer.user_id)) == 2
    assert digest_app(mail_app) == 1
    assert len(inbox.to(sides.officer.email)) == 1
    assert "2" in _subject(inbox.to(sides.officer.email)[0])
    assert digest_app(mail_app) == 0

    # Muting a kind: no notification at all.
    api.client.put("/api/v1/notifications/preferences", headers=sides.partner.headers,
                   json={"kinds": [], "email_mode": "immediate"})
    interest = api.get("/interests", sides.officer).json["items"][0]
    api.post(f"/interests/{interest['id']}/accept", sides.officer, {})
    _settle(mail_app)
    decided = [n for n in _notifications(mail_app, sides.partner.user_id)
               if n.kind == "interest_decided"]
    assert decided == []


def test_centre_api_and_pages(mail_app, factory) -> None:
    client = mail_app.test_client()
    api = ApiClient(client)
    sides = Sides(factory)
    need = created(api.post("/needs", sides.officer, need_body()))
    created(api.post(f"/needs/{need['id']}/interests", sides.partner, {"message": "Halo."}))
    _settle(mail_app)
    listing = api.get("/notifications?unread=true", sides.officer).json
    assert listing["total"] == 1
    item = listing["items"][0]
    assert api.post(f"/notifications/{item['id']}/read", sides.partner).status_code == 404
    assert api.post(f"/notifications/{item['id']}/read", sides.officer).status_code == 200
    assert api.get("/notifications?unread=true", sides.officer).json["total"] == 0
    assert api.get("/notifications", None).status_code == 401
    page = client.get("/notifications/", headers=sides.officer.headers)
    assert page.status_code == 200
    assert "tertarik" in page.get_data(as_text=True)
    assert client.get("/notifications/").status_code in (302, 303)
