"""The webhooks pages: Indonesian by default, English with the switch; registration with
the secret shown once, bad input kept in the form, the detail page with its log and actions,
permissions."""

from __future__ import annotations

import re

from sqlalchemy import select

from plugins.webhooks.models import Webhook
from tests.web.conftest import text_of


def _secret(page: str) -> str:
    match = re.search(r'id="secret" type="text" readonly value="(whsec_[^"]+)"', page)
    assert match, "no secret on the page"
    return match.group(1)


def test_an_org_admin_adds_and_manages_a_webhook(browser, factory, db, outbox):
    account, org_id = factory.partner("business", name="PT Data Nusantara")
    user = browser(account)
    listing = user.get("/webhooks/")
    assert listing.status_code == 200
    assert "Belum ada webhook" in text_of(listing)
    assert 'href="/webhooks/"' in user.get("/dashboard").text  # in the main menu
    form = user.get("/webhooks/new")
    assert form.status_code == 200 and "Alamat (URL)" in form.text

    created = user.post("/webhooks/new", data={
        "organisation_id": str(org_id), "url": "https://hooks.example.org/sinergi",
        "event_types": "sinergi.plan.approved\nsinergi.organisation.*",
        "description": "Portal data", "active": "1"})
    assert created.status_code == 200, text_of(created)
    secret = _secret(created.text)
    assert "hanya ditampilkan sekali" in text_of(created)
    with db.begin() as session:
        webhook = session.scalar(select(Webhook))
    assert webhook.event_types == ["sinergi.plan.approved", "sinergi.organisation.*"]
    assert webhook.organisation_id == org_id and webhook.active

    detail = user.get(f"/webhooks/{webhook.id}")
    assert detail.status_code == 200
    assert secret not in detail.text and webhook.secret_hint in detail.text
    assert "Belum ada pengiriman" in text_of(detail)

    pinged = user.post(f"/webhooks/{webhook.id}/ping")
    assert pinged.status_code == 303
    assert [e.data["webhook_id"] for e in outbox("sinergi.webhook.ping")] == [webhook.id]

    off = user.post(f"/webhooks/{webhook.id}/active", data={"active": "0"})
    assert off.status_code == 303
    assert "Nonaktif" in text_of(user.get(f"/webhooks/{webhook.id}"))
    on = user.post(f"/webhooks/{webhook.id}/active", data={"active": "1"})
    assert on.status_code == 303

    rotated = user.post(f"/webhooks/{webhook.id}/secret")
    assert rotated.status_code == 200 and _secret(rotated.text) != secret

    # Edit with a stale version: refused, the input stays in the form.
    stale = user.post(f"/webhooks/{webhook.id}/edit", data={
        "version": "1", "url": "https://other.example.org/in", "event_types": "sinergi.#",
        "description": "Baru", "active": "1"})
    assert stale.status_code == 412
    assert "https://other.example.org/in" in stale.text
    edit_page = user.get(f"/webhooks/{webhook.id}/edit")
    version = re.search(r'name="version" value="(\d+)"', edit_page.text).group(1)
    saved = user.post(f"/webhooks/{webhook.id}/edit", data={
        "version": version, "url": "https://other.example.org/in", "event_types": "sinergi.#",
        "description": "Baru", "active": "1"})
    assert saved.status_code == 303

    assert user.post(f"/webhooks/{webhook.id}/delete").status_code == 400
    removed = user.post(f"/webhooks/{webhook.id}/delete", data={"confirm": "1"})
    assert removed.status_code == 303
    with db.begin() as session:
        assert session.scalar(select(Webhook)) is None


def test_bad_input_is_shown_on_the_page_in_the_users_language(browser, factory, db):
    account, org_id = factory.partner("community")
    user = browser(account)
    data = {"organisation_id": str(org_id), "url": "http://192.168.1.20/hook",
            "event_types": "Sinergi Plan", "description": "Uji", "active": "1"}
    refused = user.post("/webhooks/new", data=data)
    assert refused.status_code == 422
    text = text_of(refused)
    assert "Ada masalah" in text or "masalah" in text
    assert "bukan alamat publik" in text
    assert "bukan pola jenis peristiwa" in text
    assert 'value="http://192.168.1.20/hook"' in refused.text  # nothing lost
    assert "Sinergi Plan" in refused.text
    english = user.post("/webhooks/new?lang=en", data=data)
    assert english.status_code == 422
    assert "non-public address" in text_of(english)
    with db.begin() as session:
        assert session.scalar(select(Webhook)) is None


def test_others_cannot_see_an_organisations_webhooks(browser, client, factory, db):
    account, org_id = factory.partner("business")
    with db.begin() as session:
        from plugins.webhooks import services

        config = {"allow_private_targets": False}
        with client.application.app_context():
            webhook, _secret_value = services.create_webhook(
                session, account.principal, config, url="https://hooks.example.org/x",
                event_types=["sinergi.#"], organisation_id=org_id)
        webhook_id = webhook.id
    other, _ = factory.partner("academia")
    stranger = browser(other)
    assert stranger.get(f"/webhooks/{webhook_id}").status_code == 404
    assert stranger.post(f"/webhooks/{webhook_id}/ping").status_code == 404
    assert stranger.post(f"/webhooks/{webhook_id}/delete",
                         data={"confirm": "1"}).status_code == 404
    assert "hooks.example.org" not in stranger.get("/webhooks/").text
    anonymous = client.get(f"/webhooks/{webhook_id}")
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["Location"]
    with db.begin() as session:
        assert session.get(Webhook, webhook_id) is not None
