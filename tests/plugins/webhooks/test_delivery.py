"""Deliveries through the real relay and worker to a real HTTP receiver on 127.0.0.1:
signatures, retries, a receiver that is down for a while, isolation between receivers,
auto-disable, redelivery, the guard at send time, and who receives what."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from plugins.webhooks import handlers, services
from plugins.webhooks.models import Attempt, Delivery, Webhook
from tests.conftest import Account, Factory
from tests.plugins.webhooks.conftest import (
    API,
    Receiver,
    running,
    verify_signature,
    wait_for,
)


def register(app: Flask, account: Account, url: str, patterns: list[str],
             **extra: Any) -> dict[str, Any]:
    response = app.test_client().post(
        API, json={"url": url, "event_types": patterns, **extra}, headers=account.headers)
    assert response.status_code == 201, response.json
    return response.json


def new_organisation(app: Flask, account: Account, name: str) -> int:
    response = app.test_client().post(
        "/api/v1/organisations", json={"name": name, "type": "community"},
        headers=account.headers)
    assert response.status_code == 201, response.json
    return response.json["id"]


def deliveries(app: Flask, webhook_id: int) -> list[Delivery]:
    with app.extensions["sinergi.db"].begin() as session:
        return list(session.scalars(
            select(Delivery).where(Delivery.webhook_id == webhook_id).order_by(Delivery.id)))


def webhook_row(app: Flask, webhook_id: int) -> Webhook:
    with app.extensions["sinergi.db"].begin() as session:
        return session.get(Webhook, webhook_id)


def statuses(app: Flask, webhook_id: int) -> list[str]:
    return [d.status for d in deliveries(app, webhook_id)]


def test_a_delivery_is_a_signed_cloudevent(hook_app, factory: Factory, receiver: Receiver):
    app = hook_app()
    partner, org_id = factory.partner("business")
    hook = register(app, partner, receiver.url("/in?source=sinergi"),
                    ["sinergi.organisation.*"])
    quiet = Receiver().start()
    try:
        other = register(app, partner, quiet.url(), ["sinergi.plan.approved"])
        with running(app):
            new_org = new_organisation(app, partner, "Komunitas Data Bandung")
            wait_for(lambda: statuses(app, hook["id"]) == ["delivered"])
        assert quiet.requests == [] and statuses(app, other["id"]) == []
    finally:
        quiet.stop()
    [request] = receiver.requests
    assert request.path == "/in?source=sinergi"
    assert request.headers["Content-Type"] == "application/cloudevents+json; charset=utf-8"
    assert verify_signature(hook["secret"], request)
    assert not verify_signature("whsec_wrong", request)
    envelope = request.json
    assert envelope["specversion"] == "1.0"
    assert envelope["type"] == "sinergi.organisation.created"
    assert envelope["subject"] == str(new_org)
    assert envelope["source"] == "urn:sinergi:core"
    assert envelope["datacontenttype"] == "application/json"
    assert envelope["data"]["organisation_id"] == new_org
    assert envelope["data"]["name"] == "Komunitas Data Bandung"
    assert envelope["time"].endswith("Z") and isinstance(envelope["sequence"], int)
    [delivery] = deliveries(app, hook["id"])
    assert request.headers["Sinergi-Webhook-Id"] == str(hook["id"])
    assert request.headers["Sinergi-Delivery-Id"] == str(delivery.id)
    assert request.headers["Sinergi-Event-Id"] == envelope["id"]
    assert abs(int(request.headers["Sinergi-Timestamp"]) - time.time()) < 60
    # The log, through the API.
    log = app.test_client().get(f"{API}/{hook['id']}/deliveries", headers=partner.headers).json
    [item] = log["items"]
    assert item["status"] == "delivered" and item["attempts_made"] == 1
    [attempt] = item["attempts"]
    assert attempt["status_code"] == 200 and attempt["success"] is True
    assert attempt["duration_ms"] >= 0 and attempt["error"] == ""
    assert webhook_row(app, hook["id"]).last_success_at is not None
    del org_id


def test_failures_are_retried_until_delivered_exactly_once(hook_app, factory, receiver):
    app = hook_app()
    partner, _ = factory.partner("business")
    hook = register(app, partner, receiver.url(), ["sinergi.organisation.created"])
    receiver.statuses = [500, 503, 500]
    with running(app):
        new_organisation(app, partner, "Yayasan Kota Hijau")
        wait_for(lambda: statuses(app, hook["id"]) == ["delivered"])
    assert receiver.answered == [500, 503, 500, 200]
    assert len(receiver.successes()) == 1
    ids = {r.headers["Sinergi-Delivery-Id"] for r in receiver.requests}
    events = {r.json["id"] for r in receiver.requests}
    assert len(ids) == 1 and len(events) == 1
    assert [r.headers["Sinergi-Attempt"] for r in receiver.requests] == ["1", "2", "3", "4"]
    assert all(verify_signature(hook["secret"], r) for r in receiver.requests)
    with app.extensions["sinergi.db"].begin() as session:
        attempts = list(session.scalars(select(Attempt).order_by(Attempt.number)))
    assert [(a.number, a.status_code, a.success) for a in attempts] == [
        (1, 500, False), (2, 503, False), (3, 500, False), (4, 200, True)]
    assert "HTTP 500" in attempts[0].error and attempts[0].response_excerpt == "receiver says no"
    # One failed delivery that finally succeeded does not count against the webhook.
    assert webhook_row(app, hook["id"]).consecutive_failures == 0


def test_no_delivery_is_lost_while_the_receiver_is_down(hook_app, factory, receiver):
    app = hook_app(max_attempts=40)
    partner, _ = factory.partner("business")
    hook = register(app, partner, receiver.url(), ["sinergi.organisation.*"])
    receiver.stop()
    with running(app):
        names = [f"Komunitas {n}" for n in range(4)]
        for name in names:
            new_organisation(app, partner, name)
        # Attempts fail while nobody listens…
        wait_for(lambda: len(deliveries(app, hook["id"])) == 4
                 and all(d.attempts >= 2 for d in deliveries(app, hook["id"])))
        assert all(d.status == "retrying" for d in deliveries(app, hook["id"]))
        receiver.start()  # …and the receiver comes back on the same port.
        wait_for(lambda: statuses(app, hook["id"]) == ["delivered"] * 4, timeout=30)
    received = sorted(r.json["data"]["name"] for r in receiver.successes())
    assert received == sorted(names)
    with app.extensions["sinergi.db"].begin() as session:
        failed = select(Attempt).where(Attempt.success.is_(False))
        errors = [a.error for a in session.scalars(failed)]
    assert errors and all("refused" in e.lower() or "connect" in e.lower() for e in errors)


def test_a_failing_receiver_never_causes_resends_to_a_healthy_one(hook_app, factory, receiver):
    app = hook_app(max_attempts=3)
    partner, _ = factory.partner("business")
    failing = Receiver(statuses=[500] * 100).start()
    try:
        healthy = register(app, partner, receiver.url(), ["sinergi.organisation.*"])
        broken = register(app, partner, failing.url(), ["sinergi.organisation.*"])
        with running(app):
            new_organisation(app, partner, "Komunitas A")
            new_organisation(app, partner, "Komunitas B")
            wait_for(lambda: statuses(app, broken["id"]) == ["failed", "failed"])
            wait_for(lambda: statuses(app, healthy["id"]) == ["delivered", "delivered"])
        assert len(failing.requests) == 6
        assert len(receiver.requests) == 2
        assert len({r.json["id"] for r in receiver.requests}) == 2
    finally:
        failing.stop()


def test_repeated_failures_switch_the_webhook_off_until_re_enabled(hook_app, factory,
                                                                    receiver, outbox):
    app = hook_app(max_attempts=2, disable_after_failures=2)
    partner, org_id = factory.partner("business")
    hook = register(app, partner, receiver.url(), ["sinergi.organisation.*"])
    receiver.statuses = [500] * 4
    client = app.test_client()
    with running(app):
        new_organisation(app, partner, "Komunitas Satu")
        new_organisation(app, partner, "Komunitas Dua")
        wait_for(lambda: statuses(app, hook["id"]) == ["failed", "failed"])
        wait_for(lambda: not webhook_row(app, hook["id"]).active)
        state = client.get(f"{API}/{hook['id']}", headers=partner.headers).json
        assert state["state"] == "auto_disabled" and state["disabled_reason"] == "failures"
        assert state["consecutive_failures"] == 2
        [disabled] = outbox("sinergi.webhook.disabled")
        assert disabled.data["webhook_id"] == hook["id"]
        assert disabled.data["organisation_id"] == org_id
        assert disabled.data["host"] == "127.0.0.1"
        # While switched off, new events make no deliveries.
        new_organisation(app, partner, "Komunitas Tiga")
        time.sleep(1.0)
        assert len(deliveries(app, hook["id"])) == 2
        redeliver_url = f"{API}/{hook['id']}/deliveries/{deliveries(app, hook['id'])[0].id}"
        assert client.post(f"{redeliver_url}/redeliver",
                           headers=partner.headers).status_code == 409
        # Re-enable, then send a failed delivery again: it arrives.
        etag = client.get(f"{API}/{hook['id']}", headers=partner.headers).headers["ETag"]
        enabled = client.patch(f"{API}/{hook['id']}", json={"active": True},
                               headers={**partner.headers, "If-Match": etag})
        assert enabled.json["state"] == "active" and enabled.json["consecutive_failures"] == 0
        again = client.post(f"{redeliver_url}/redeliver", headers=partner.headers)
        assert again.status_code == 202 and again.json["round"] == 1
        wait_for(lambda: statuses(app, hook["id"]) == ["failed", "failed", "delivered"])
    assert receiver.answered == [500, 500, 500, 500, 200]
    first = deliveries(app, hook["id"])[0]
    assert receiver.requests[-1].json["id"] == first.event_id
    assert receiver.requests[-1].headers["Sinergi-Delivery-Id"] == str(
        deliveries(app, hook["id"])[-1].id)


def test_the_guard_is_checked_again_when_sending(hook_app, factory, receiver, fake_dns):
    """A name that resolved to a public address at registration and to 127.0.0.1 later
    (DNS rebinding) is refused at send time, and nothing reaches the receiver."""
    app = hook_app(allow_private_targets=False, max_attempts=1)
    partner, _ = factory.partner("business")
    fake_dns["rebind.example.org"] = ["93.184.215.14"]
    hook = register(app, partner, f"http://rebind.example.org:{receiver.port}/hook",
                    ["sinergi.organisation.*"])
    fake_dns["rebind.example.org"] = ["127.0.0.1"]
    with running(app):
        new_organisation(app, partner, "Komunitas Rebind")
        wait_for(lambda: statuses(app, hook["id"]) == ["failed"])
    assert receiver.requests == []
    with app.extensions["sinergi.db"].begin() as session:
        [attempt] = session.scalars(select(Attempt))
    assert attempt.error.startswith("refused:") and "127.0.0.1" in attempt.error


def test_plans_reach_other_organisations_only_once_public(hook_app, factory, receiver):
    app = hook_app()
    partner, _ = factory.partner("business")
    officer_admin = factory.officer("32.73", role="admin")
    outsider = register(app, partner, receiver.url("/partner"), ["sinergi.plan.*"])
    own = register(app, officer_admin, receiver.url("/region"), ["sinergi.plan.*"])
    officer = factory.officer("32.73")
    with running(app):
        factory.plan(officer, "32.73", status="approved")
        wait_for(lambda: statuses(app, outsider["id"]) == ["delivered"]
                 and statuses(app, own["id"]) == ["delivered"] * 3)
    by_path: dict[str, list[str]] = {}
    for request in receiver.requests:
        by_path.setdefault(request.path, []).append(request.json["type"])
    assert by_path["/partner"] == ["sinergi.plan.approved"]
    assert sorted(by_path["/region"]) == sorted(
        ["sinergi.plan.created", "sinergi.plan.submitted", "sinergi.plan.approved"])


def test_a_ping_goes_only_to_its_webhook(hook_app, factory, receiver):
    app = hook_app()
    partner, org_id = factory.partner("business")
    first = register(app, partner, receiver.url("/first"), ["sinergi.organisation.*"])
    second = register(app, partner, receiver.url("/second"), ["sinergi.#"])
    with running(app):
        response = app.test_client().post(f"{API}/{first['id']}/ping",
                                          headers=partner.headers)
        assert response.status_code == 202
        wait_for(lambda: statuses(app, first["id"]) == ["delivered"])
        time.sleep(0.5)
    [request] = receiver.requests
    assert request.path == "/first"
    assert request.json["type"] == "sinergi.webhook.ping"
    assert request.json["data"]["webhook_id"] == first["id"]
    assert verify_signature(first["secret"], request)
    assert statuses(app, second["id"]) == []
    del org_id


def test_replays_add_nothing_and_a_delivered_delivery_is_not_sent_again(
        hook_app, factory, receiver):
    app = hook_app()
    partner, _ = factory.partner("business")
    hook = register(app, partner, receiver.url(), ["sinergi.organisation.*"])
    with running(app):
        new_organisation(app, partner, "Komunitas Ulang")
        wait_for(lambda: statuses(app, hook["id"]) == ["delivered"])
    [delivery] = deliveries(app, hook["id"])
    db = app.extensions["sinergi.db"]
    with app.app_context():
        from core.plugin import Event, HandlerContext

        with db.begin() as session:
            stored = services.load_job(session, delivery.id)
        event = Event.from_envelope(stored.envelope)
        config = app.extensions["sinergi.plugins"].config_for("webhooks")
        emitted: list[Any] = []
        for _n in range(2):
            with db.begin() as session:
                ctx = HandlerContext(session=session, config=config, attempt=1,
                                     emit=lambda *a, **k: emitted.append((a, k)))
                handlers.fan_out(event, ctx)
                assert emitted == []
            with db.begin() as session:
                request = Event(id=f"replay-{_n}", type="sinergi.webhook.delivery_requested",
                                source="x", subject=str(delivery.id), sequence=1, time="",
                                data={"delivery_id": delivery.id, "attempt": 1,
                                      "not_before": "2026-01-01T00:00:00Z"})
                handlers.send(request, HandlerContext(session=session, config=config,
                                                      attempt=1, emit=lambda *a, **k: None))
    assert len(deliveries(app, hook["id"])) == 1
    assert len(receiver.requests) == 1


def test_the_documented_verifiers_accept_real_deliveries(hook_app, factory, receiver,
                                                         tmp_path):
    """docs/webhooks.md's Python and Node.js snippets, run as written, on a real delivery."""
    doc = (Path(__file__).resolve().parents[3] / "docs" / "webhooks.md").read_text()
    snippet = re.search(r"Python \(standard library only.*?```python\n(.*?)```", doc, re.S)
    assert snippet, "no Python snippet in docs/webhooks.md"
    namespace: dict[str, Any] = {}
    exec(compile(snippet.group(1), "docs/webhooks.md", "exec"), namespace)  # noqa: S102
    verify = namespace["verify"]

    app = hook_app()
    partner, _ = factory.partner("business")
    hook = register(app, partner, receiver.url(), ["sinergi.organisation.*"])
    with running(app):
        new_organisation(app, partner, "Komunitas Dokumen")
        wait_for(lambda: statuses(app, hook["id"]) == ["delivered"])
    [request] = receiver.requests
    timestamp = request.headers["Sinergi-Timestamp"]
    signature = request.headers["Sinergi-Signature"]
    assert verify(hook["secret"], request.body, timestamp, signature)
    assert not verify(hook["secret"], request.body + b" ", timestamp, signature)
    assert not verify("whsec_other", request.body, timestamp, signature)
    # Correctly signed, but six minutes old: a replay, refused.
    old = str(int(timestamp) - 360)
    resigned = "v1=" + hmac.new(hook["secret"].encode(), old.encode() + b"." + request.body,
                                hashlib.sha256).hexdigest()
    assert not verify(hook["secret"], request.body, old, resigned)

    node = shutil.which("node")
    if node is None:
        return
    js = re.search(r"Node\.js \(built-in.*?```javascript\n(.*?)```", doc, re.S)
    assert js, "no Node.js snippet in docs/webhooks.md"
    script = tmp_path / "verify.js"
    script.write_text(js.group(1) + """
const [secret, bodyFile, ts, sig] = process.argv.slice(2);
const body = require("fs").readFileSync(bodyFile);
process.stdout.write(String(verify(secret, body, ts, sig)));
""")
    body_file = tmp_path / "body.json"
    body_file.write_bytes(request.body)

    def node_verify(secret: str, ts: str, sig: str) -> str:
        return subprocess.run([node, str(script), secret, str(body_file), ts, sig],
                              capture_output=True, text=True, timeout=30, check=True).stdout

    assert node_verify(hook["secret"], timestamp, signature) == "true"
    assert node_verify("whsec_other", timestamp, signature) == "false"
    assert node_verify(hook["secret"], old, resigned) == "false"


def test_prune_keeps_recent_and_unfinished_deliveries(hook_app, factory, receiver):
    import click
    from click.testing import CliRunner
    from sqlalchemy import func, update

    from plugins.webhooks.cli import register as register_cli
    from plugins.webhooks.models import Delivery, WebhookEvent

    app = hook_app()
    partner, _ = factory.partner("business")
    hook = register(app, partner, receiver.url(), ["sinergi.organisation.created"])
    with running(app):
        for name in ("Yayasan Lama", "Yayasan Baru", "Yayasan Tertunda"):
            new_organisation(app, partner, name)
        wait_for(lambda: statuses(app, hook["id"]) == ["delivered"] * 3)
    old_time = dt.datetime.now(dt.UTC) - dt.timedelta(days=45)
    with app.extensions["sinergi.db"].begin() as session:
        old, fresh, pending = sorted(session.scalars(select(Delivery)), key=lambda d: d.id)
        session.execute(update(Delivery).where(Delivery.id.in_([old.id, pending.id]))
                        .values(updated_at=old_time))
        session.execute(update(Delivery).where(Delivery.id == pending.id)
                        .values(status="retrying"))
        session.execute(update(WebhookEvent).values(received_at=old_time))
        kept = {fresh.id, pending.id}
    group = click.Group()
    register_cli(group)
    with app.app_context():
        result = CliRunner().invoke(group, ["webhooks", "prune"])
    assert result.exit_code == 0, result.output
    assert "1 deliveries and 1 event copies older than 30 days deleted" in result.output
    with app.extensions["sinergi.db"].begin() as session:
        assert {d.id for d in session.scalars(select(Delivery))} == kept
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 2
        assert session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.delivery_id == old.id)) == 0
