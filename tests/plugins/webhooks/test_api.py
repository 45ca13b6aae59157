"""The webhooks API: registration, permissions, bad input, the SSRF guard, If-Match,
secrets. The guard is on here (the suite's default configuration)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugins.webhooks.models import Webhook
from tests.api.helpers import assert_problem, take_snapshot
from tests.plugins.webhooks.conftest import API

BODY = {"url": "https://hooks.example.org/sinergi", "event_types": ["sinergi.plan.*"],
        "description": "Portal data daerah"}


def create(client, account, **changes):
    return client.post(API, json={**BODY, **changes}, headers=account.headers)


@pytest.fixture
def partner(factory):
    account, org_id = factory.partner("business")
    return account, org_id


def test_org_admin_registers_a_webhook_and_sees_the_secret_once(client, partner, db):
    account, org_id = partner
    response = create(client, account)
    assert response.status_code == 201, response.json
    body = response.json
    secret = body["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert body["organisation_id"] == org_id
    assert body["event_types"] == ["sinergi.plan.*"]
    assert body["state"] == "active" and body["active"] is True
    assert secret.startswith(body["secret_hint"])
    assert response.headers["ETag"] == f'"webhook-{body["id"]}-v1"'

    again = client.get(f"{API}/{body['id']}", headers=account.headers)
    assert again.status_code == 200
    assert "secret" not in again.json
    listed = client.get(API, headers=account.headers).json
    assert [w["id"] for w in listed["items"]] == [body["id"]]
    assert "secret" not in listed["items"][0]

    # Stored encrypted, never as given.
    with db.begin() as session:
        stored = session.scalar(select(Webhook.secret_encrypted))
    assert secret not in stored and stored


def test_only_the_organisations_admins_see_and_manage_its_webhooks(client, partner, factory):
    account, org_id = partner
    webhook_id = create(client, account).json["id"]
    other, _ = factory.partner("community")
    officer = factory.officer("32.73", role="member")
    admin = factory.admin()
    url = f"{API}/{webhook_id}"
    for stranger in (other, officer):
        assert_problem(client.get(url, headers=stranger.headers), 404)
        assert_problem(client.patch(url, json={"active": False},
                                    headers={**stranger.headers, "If-Match": "*"}), 404)
        assert_problem(client.delete(url, headers=stranger.headers), 404)
        assert_problem(client.post(f"{url}/secret", headers=stranger.headers), 404)
        assert_problem(client.get(f"{url}/deliveries", headers=stranger.headers), 404)
        assert_problem(client.post(f"{url}/ping", headers=stranger.headers), 404)
        assert client.get(API, headers=stranger.headers).json["items"] == []
    anonymous = client.get(url)
    assert_problem(anonymous, 401)
    assert_problem(client.get(API), 401)
    assert_problem(client.post(API, json=BODY), 401)
    # Platform admins see every organisation's webhooks.
    assert client.get(url, headers=admin.headers).status_code == 200
    assert [w["id"] for w in client.get(API, headers=admin.headers).json["items"]] == [
        webhook_id]
    # Registering for someone else's organisation is refused, and changes nothing.
    refused = create(client, other, organisation_id=org_id)
    assert_problem(refused, 403)
    assert client.get(API, headers=admin.headers).json["total"] == 1


def test_a_member_who_is_not_admin_cannot_register(client, factory, db):
    """Someone who administers no organisation has no right here: 403, not a form error."""
    officer = factory.officer("32.73", role="member")
    assert_problem(create(client, officer), 403, "forbidden")
    assert_problem(create(client, factory.user()), 403, "forbidden")
    with db.begin() as session:
        assert session.scalar(select(func.count()).select_from(Webhook)) == 0


def test_an_admin_without_an_organisation_of_their_own_must_name_one(client, factory):
    body = assert_problem(create(client, factory.admin()), 422, "validation-failed")
    assert "organisation_id" in body["errors"]


PRIVATE_URLS = [
    "http://127.0.0.1:8080/hook",
    "http://10.1.2.3/hook",
    "http://192.168.1.10/hook",
    "http://172.16.5.4/hook",
    "http://[::1]:9000/hook",
    "http://localhost:5000/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://100.64.0.1/hook",
    "http://[fd00::1]/hook",
    "http://224.0.0.1/hook",
]


def test_private_and_local_targets_are_refused_by_default(client, partner, db):
    account, _ = partner
    before = take_snapshot(db)
    for url in PRIVATE_URLS:
        body = assert_problem(create(client, account, url=url), 422, "validation-failed")
        assert "url" in body["errors"], url
        message = " ".join(body["errors"]["url"])
        assert "public" in message or "publik" in message, message
    assert take_snapshot(db) == before
    # The answer is in the caller's language (Indonesian by default).
    english = client.post(API, json={**BODY, "url": "http://localhost/x"},
                          headers={**account.headers, "Accept-Language": "en"}).json
    assert "non-public address" in english["errors"]["url"][0]


BAD_INPUT = [
    ({"url": "ftp://hooks.example.org/x"}, "url"),
    ({"url": "https://user:pass@hooks.example.org/x"}, "url"),
    ({"url": "not a url"}, "url"),
    ({"url": "https://no-such-host.invalid/x"}, "url"),
    ({"event_types": []}, "event_types"),
    ({"event_types": ["Sinergi Plan"]}, "event_types"),
    ({"event_types": ["plan.approved"]}, "event_types"),
    ({"event_types": ["sinergi..x"]}, "event_types"),
    ({"event_types": "sinergi.#"}, "event_types"),
    ({"colour": "red"}, "colour"),
    ({"url": ""}, "url"),
]


def test_bad_input_is_refused_and_changes_nothing(client, partner, db):
    account, _ = partner
    before = take_snapshot(db)
    for changes, field in BAD_INPUT:
        body = assert_problem(create(client, account, **changes), 422)
        assert field in body["errors"], (changes, body)
    malformed = client.post(API, data="{", content_type="application/json",
                            headers=account.headers)
    assert_problem(malformed, 400)
    assert take_snapshot(db) == before


def test_update_needs_if_match_and_refuses_stale_versions(client, partner):
    account, _ = partner
    created = create(client, account).json
    url = f"{API}/{created['id']}"
    assert_problem(client.patch(url, json={"active": False}, headers=account.headers), 428)
    stale = {**account.headers, "If-Match": f'"webhook-{created["id"]}-v7"'}
    assert_problem(client.patch(url, json={"active": False}, headers=stale), 412)
    current = {**account.headers, "If-Match": f'"webhook-{created["id"]}-v1"'}
    changed = client.patch(url, json={"event_types": ["sinergi.#", "sinergi.#"],
                                      "active": False}, headers=current)
    assert changed.status_code == 200, changed.json
    assert changed.json["event_types"] == ["sinergi.#"]
    assert changed.json["state"] == "disabled" and changed.json["version"] == 2
    assert changed.headers["ETag"] == f'"webhook-{created["id"]}-v2"'
    # The old ETag is now stale; a private URL is refused on update too.
    assert_problem(client.patch(url, json={"active": True}, headers=current), 412)
    newer = {**account.headers, "If-Match": changed.headers["ETag"]}
    assert_problem(client.patch(url, json={"url": "http://127.0.0.1/x"}, headers=newer), 422)
    assert_problem(client.patch(url, json={"secret": "x"}, headers=newer), 422)
    back_on = client.patch(url, json={"active": True}, headers=newer)
    assert back_on.json["state"] == "active" and back_on.json["consecutive_failures"] == 0


def test_rotating_gives_a_new_secret_and_deleting_removes(client, partner):
    account, _ = partner
    created = create(client, account).json
    url = f"{API}/{created['id']}"
    rotated = client.post(f"{url}/secret", headers=account.headers)
    assert rotated.status_code == 200
    assert rotated.json["secret"] != created["secret"]
    assert rotated.json["secret"].startswith(rotated.json["secret_hint"])
    assert rotated.json["version"] == 2
    assert_problem(client.post(f"{url}/secret", json={"x": 1}, headers=account.headers), 422)
    assert client.delete(url, headers=account.headers).status_code == 204
    assert_problem(client.get(url, headers=account.headers), 404)


def test_ping_records_an_event_for_this_webhook(client, partner, outbox):
    account, org_id = partner
    created = create(client, account).json
    response = client.post(f"{API}/{created['id']}/ping", headers=account.headers)
    assert response.status_code == 202
    [event] = outbox("sinergi.webhook.ping")
    assert event.id == response.json["event_id"]
    assert event.data["webhook_id"] == created["id"]
    assert event.data["organisation_id"] == org_id
    # A switched-off webhook is not pinged.
    etag = f'"webhook-{created["id"]}-v1"'
    client.patch(f"{API}/{created['id']}", json={"active": False},
                 headers={**account.headers, "If-Match": etag})
    assert_problem(client.post(f"{API}/{created['id']}/ping", headers=account.headers), 409)


def test_an_organisation_has_a_limited_number_of_webhooks(client, partner, db):
    account, _ = partner
    for _n in range(20):
        assert create(client, account).status_code == 201
    assert_problem(create(client, account), 409)
    with db.begin() as session:
        assert session.scalar(select(func.count()).select_from(Webhook)) == 20


def test_lists_take_the_same_number_of_queries_whatever_the_page_size(
        client, partner, sql_counter):
    account, _ = partner
    for _n in range(6):
        create(client, account)
    counts = []
    for per_page in (1, 6):
        with sql_counter:
            response = client.get(f"{API}?per_page={per_page}", headers=account.headers)
        assert response.status_code == 200 and len(response.json["items"]) == per_page
        counts.append(sql_counter.count)
    assert counts[0] == counts[1]
    with sql_counter:
        client.get(f"{API}?per_page=6", headers=account.headers)
    listing = [s for s in sql_counter.statements if "webhooks_webhooks" in s]
    assert len(listing) == 1, listing
