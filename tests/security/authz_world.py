"""A small world for the security tests: two regions with officers, two partner organisations,
an admin, two assessors, a plain user, and one of every kind of resource, built once per module
through the real API (as its owners would) inside one outer database transaction.

Every request of a test runs in a savepoint that is rolled back afterwards (``World.isolated``),
so an allowed write never changes what the next request sees; the outer transaction is rolled
back when the module ends, leaving the tables as they were.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, MetaData, func, inspect, select, text
from werkzeug.test import TestResponse

from core.db import Base, Database
from core.testing.factories import PASSWORD, Account, Factory
from core.testing.pytest_plugin import REFERENCE_TABLES
from tests.plugins.matchmaking.conftest import need_body, offer_body

BANDUNG, SURABAYA = "32.73", "35.78"
YEAR = 2024
API = "/api/v1"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
#: The actors of the matrix. ``*_a`` own the resources in the URLs; ``*_b`` have the same role
#: in the other region or organisation.
ACTORS = ("anon", "user", "officer_a", "officer_b", "member_a", "partner_a", "partner_b",
          "assessor_a", "assessor_b", "admin")
PUBLIC_IP = "93.184.215.14"


def png(width: int = 64, height: int = 48) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass
class Page:
    """A browser of one actor: its own cookie jar, logged in through the form."""

    client: FlaskClient
    csrf: str = ""

    def open(self, method: str, url: str, data: dict[str, Any] | None = None,
             **kwargs: Any) -> TestResponse:
        if method == "GET":
            return self.client.get(url, **kwargs)
        form = {"csrf_token": self.csrf, **(data or {})}
        return self.client.open(url, method=method, data=form, **kwargs)


@dataclass
class World:
    """The actors, the resources (``ids``) and the helpers to call the app as one actor."""

    app: Flask
    db: Database
    conn: Connection
    accounts: dict[str, Account] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Account] = field(default_factory=dict)

    # ------------------------------------------------------------------ requests

    def api(self, actor: str, method: str, path: str, json: Any = None,
            headers: dict[str, str] | None = None) -> TestResponse:
        all_headers = {"Accept-Language": "en", **(headers or {})}
        if actor != "anon":
            all_headers.update(self.accounts[actor].headers)
        url = path if path.startswith("/api/") else API + path
        return self.app.test_client().open(url, method=method, json=json, headers=all_headers)

    def page(self, actor: str, method: str, path: str, data: dict[str, Any] | None = None,
             **kwargs: Any) -> TestResponse:
        """A page request in the actor's browser; its cookies are put back afterwards (a
        logout must not end the session the next request uses)."""
        browser = self.pages[actor]
        saved = dict(browser.client._cookies)
        try:
            return browser.open(method, path, data, **kwargs)
        finally:
            browser.client._cookies.clear()
            browser.client._cookies.update(saved)

    def ok(self, response: TestResponse, status: int = 200) -> Any:
        assert response.status_code == status, (response.status_code,
                                                response.get_data(as_text=True)[:2000])
        return response.get_json(silent=True)

    @contextmanager
    def isolated(self) -> Iterator[None]:
        """Whatever happens inside is rolled back (a savepoint of the module's transaction)."""
        savepoint = self.conn.begin_nested()
        self.app.extensions["sinergi.ratelimit"].reset()  # rate limits are not the point here
        try:
            yield
        finally:
            self.db.remove()
            if savepoint.is_active:
                savepoint.rollback()
            _forget_index(self.app)

    # ------------------------------------------------------------------ state

    def count(self, table: str) -> int:
        return int(self.conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every domain table (core and plugins), seen through the module's
        connection. Sessions, tokens' last use and rate-limit bookkeeping are left out: they
        change on any authenticated request."""
        state: dict[str, list[tuple[Any, ...]]] = {}
        for table in all_tables(self.conn):
            if table.name in REFERENCE_TABLES or table.name in VOLATILE_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS]
            rows = self.conn.execute(select(*columns)).all()
            state[table.name] = sorted((tuple(r) for r in rows), key=repr)
        return state


#: Rows that any request may touch (browser sessions; the audit log, which records refusals
#: too); columns that reads update.
VOLATILE_TABLES = {"web_sessions", "audit_events"}
VOLATILE_COLUMNS = {"last_used_at", "last_seen_at"}


def all_tables(conn: Connection) -> list[Any]:
    """Core's and every plugin's tables that exist in the database."""
    existing = set(inspect(conn).get_table_names())
    metadatas: list[MetaData] = [Base.metadata]
    from core.plugin import Model

    metadatas.append(Model.metadata)
    seen: dict[str, Any] = {}
    for metadata in metadatas:
        for table in metadata.sorted_tables:
            if table.name in existing:
                seen.setdefault(table.name, table)
    return list(seen.values())


def _forget_index(app: Flask) -> None:
    from plugins.matchmaking.index_store import forget

    forget(app)


@contextmanager
def bound_to_one_connection(db: Database) -> Iterator[Connection]:
    """Every session of the app joins one connection's transaction (commits become savepoint
    releases); the transaction is rolled back at the end."""
    db.remove()
    conn = db.engine.connect()
    outer = conn.begin()
    saved = dict(db.session_factory.kw)
    db.session_factory.configure(bind=conn, join_transaction_mode="create_savepoint")
    try:
        yield conn
    finally:
        db.remove()
        db.session_factory.kw.clear()  # back to exactly what it was
        db.session_factory.kw.update(saved)
        if outer.is_active:
            outer.rollback()
        conn.close()


def login(app: Flask, account: Account | None) -> Page:
    page = Page(app.test_client())
    page.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if account is None:
        return page
    form = page.client.get("/login").text
    token = html.unescape(CSRF_RE.search(form).group(1))
    response = page.client.post("/login", data={"email": account.email, "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 303, response.text
    page.csrf = html.unescape(CSRF_RE.search(page.client.get("/dashboard").text).group(1))
    return page


@pytest.fixture(scope="module")
def world(sinergi_app: Flask) -> Iterator[World]:
    """The module's world (see the module's docstring)."""
    from argon2 import PasswordHasher

    from core.accounts import passwords
    from plugins.webhooks import targets

    db: Database = sinergi_app.extensions["sinergi.db"]
    real_resolve = targets.resolve
    with pytest.MonkeyPatch.context() as mp, bound_to_one_connection(db) as conn:
        mp.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                        parallelism=1))
        mp.setattr(targets, "resolve", lambda host, port: (
            [PUBLIC_IP] if host.endswith("example.org") else real_resolve(host, port)))
        w = World(sinergi_app, db, conn)
        build(w, Factory(db))
        sinergi_app.extensions["sinergi.ratelimit"].reset()
        try:
            yield w
        finally:
            _forget_index(sinergi_app)
            sinergi_app.extensions["sinergi.ratelimit"].reset()


def build(w: World, factory: Factory) -> None:
    """The actors and one resource of each kind, owned by the ``*_a`` actors (plus the
    ``*_b`` actors' own private items, to check that lists never show them to others)."""
    from core.orgs.models import Membership
    from core.regions import services as regions

    with w.db.begin() as session:
        for code in (BANDUNG, SURABAYA):
            regions.join_movement(session, factory.system, code, 2017, "implementation")
    acc = w.accounts
    acc["admin"] = factory.admin()
    acc["officer_a"] = factory.officer(BANDUNG)
    acc["officer_b"] = factory.officer(SURABAYA)
    acc["partner_a"], org_a = factory.partner("business", name="PT Sensor Nusantara")
    acc["partner_b"], org_b = factory.partner("academia", name="Pusat Studi Banjir")
    acc["assessor_a"] = factory.evaluator()
    acc["assessor_b"] = factory.evaluator()
    w.extra["assessor_c"] = factory.evaluator()
    acc["user"] = factory.user(name="Warga")
    member = factory.user(name="Anggota")
    with w.db.begin() as session:
        session.add(Membership(user_id=member.user_id, organisation_id=org_a, role="member"))
    acc["member_a"] = factory.account(member.user_id, member.token)
    ids = w.ids
    ids["org_a"], ids["org_b"] = org_a, org_b
    ids["user_b"] = acc["officer_b"].user_id
    from core.orgs.models import Organisation

    with w.db.begin() as session:
        ids["org_a_slug"] = session.get(Organisation, org_a).slug
        ids["org_b_slug"] = session.get(Organisation, org_b).slug

    # Plans: an approved one per region (for the evaluation) and a draft one per region.
    admin = acc["admin"]
    ids["plan_a_approved"] = factory.plan(acc["officer_a"], BANDUNG, status="approved",
                                          reviewer=admin, period_start=2020)
    ids["plan_b_approved"] = factory.plan(acc["officer_b"], SURABAYA, status="approved",
                                          reviewer=admin, period_start=2020)
    ids["plan_a"] = factory.plan(acc["officer_a"], BANDUNG, status="draft", period_start=2026)
    ids["plan_b"] = factory.plan(acc["officer_b"], SURABAYA, status="draft", period_start=2026)

    _matchmaking(w)
    _evaluation(w)
    _exhibition(w)
    _webhooks(w)
    _notifications(w)

    # Tokens (one extra per actor with a session page) and the browsers.
    ids["token_a"] = w.ok(w.api("officer_a", "POST", "/tokens", {"name": "spare"}), 201)["id"]
    ids["token_b"] = w.ok(w.api("officer_b", "POST", "/tokens", {"name": "spare"}), 201)["id"]
    w.app.extensions["sinergi.ratelimit"].reset()
    for name in ACTORS:
        w.pages[name] = login(w.app, acc.get(name))
    w.app.extensions["sinergi.ratelimit"].reset()


def _matchmaking(w: World) -> None:
    ids = w.ids
    ids["need_a"] = w.ok(w.api("officer_a", "POST", "/needs", need_body()), 201)["id"]
    ids["need_a2"] = w.ok(w.api("officer_a", "POST", "/needs", need_body(
        title="Aplikasi pengaduan warga terpadu")), 201)["id"]
    ids["need_b"] = w.ok(w.api("officer_b", "POST", "/needs", need_body(SURABAYA)), 201)["id"]
    ids["offer_a"] = w.ok(w.api("partner_a", "POST", "/offers", offer_body()), 201)["id"]
    ids["offer_b"] = w.ok(w.api("partner_b", "POST", "/offers", offer_body(
        title="Kajian banjir perkotaan")), 201)["id"]
    ids["interest_a"] = w.ok(w.api("partner_a", "POST", f"/needs/{ids['need_a']}/interests",
                                   {"message": "Kami bisa membantu."}), 201)["id"]
    ids["interest_b"] = w.ok(w.api("partner_b", "POST", f"/needs/{ids['need_b']}/interests",
                                   {"message": "Kami peneliti banjir."}), 201)["id"]
    accepted = w.ok(w.api("partner_a", "POST", f"/needs/{ids['need_a2']}/interests",
                          {"message": "Kami punya aplikasi."}), 201)["id"]
    w.ok(w.api("officer_a", "POST", f"/interests/{accepted}/accept", {"reason": "Cocok"}))
    collabs = w.ok(w.api("officer_a", "GET", "/collaborations"))["items"]
    ids["collaboration_a"] = collabs[0]["id"]
    ids["search_a"] = w.ok(w.api("partner_a", "POST", "/saved-searches",
                                 {"name": "Banjir", "filters": {"q": "banjir"}}), 201)["id"]
    ids["search_b"] = w.ok(w.api("partner_b", "POST", "/saved-searches",
                                 {"name": "Kajian", "filters": {"q": "kajian"}}), 201)["id"]


def _evaluation(w: World) -> None:
    ids = w.ids
    w.ok(w.api("admin", "POST", "/evaluation/cycles", {"year": YEAR,
                                                       "title": f"Evaluasi {YEAR}"}), 201)
    ids["cycle_draft"] = w.ok(w.api("admin", "POST", "/evaluation/cycles", {
        "year": YEAR + 1, "title": "Evaluasi berikutnya (draf)"}), 201)["id"]
    w.ok(w.api("admin", "POST", f"/evaluation/cycles/{YEAR}/open"))
    for actor, code in (("officer_a", BANDUNG), ("officer_b", SURABAYA)):
        path = f"/evaluation/cycles/{YEAR}/regions/{code}/self-assessment"
        current = w.api(actor, "GET", path)
        sa = w.ok(current)
        values = [{"indicator_id": i["indicator_id"], "value": "Tercapai",
                   "evidence": "Laporan tahunan", "links": ["https://example.go.id/laporan"]}
                  for i in sa["values"]]
        realisations = [{"programme_id": p["programme_id"], "percent": 75}
                        for p in sa["programmes"]]
        w.ok(w.api(actor, "PUT", path, {"values": values, "realisations": realisations},
                   headers={"If-Match": current.headers["ETag"]}))
        evidence = w.ok(w.api(actor, "POST", f"/evaluation/cycles/{YEAR}/regions/{code}/evidence",
                              {"filename": "laporan.pdf",
                               "content_base64": b64(b"%PDF-1.4\n%%EOF\n")}), 201)
        ids[f"evidence_{actor[-1]}"] = evidence["id"]
        survey = w.ok(w.api(actor, "POST", f"/evaluation/cycles/{YEAR}/regions/{code}/surveys",
                            {"programme_id": sa["programmes"][0]["programme_id"]}), 201)
        ids[f"survey_{actor[-1]}"] = survey["id"]
        tokens = w.ok(w.api(actor, "POST", f"/evaluation/surveys/{survey['id']}/tokens",
                            {"count": 3}), 201)
        ids[f"survey_token_{actor[-1]}"] = tokens["tokens"][0]
        ids[f"programme_{actor[-1]}"] = sa["programmes"][1]["programme_id"]
        w.ok(w.api(actor, "POST", path + "/submit"))
    indicators = w.ok(w.api("admin", "GET", f"/evaluation/cycles/{YEAR}/indicators?per_page=100"))
    ids["indicator"] = indicators["items"][0]["id"]
    for actor, code in (("assessor_a", BANDUNG), ("assessor_b", SURABAYA)):
        body = {"region_code": code, "assessor_id": w.accounts[actor].user_id, "lead": True}
        ids[f"assignment_{actor[-1]}"] = w.ok(w.api(
            "admin", "POST", f"/evaluation/cycles/{YEAR}/assignments", body), 201)["id"]
        body = {"region_code": code, "assessor_id": w.extra["assessor_c"].user_id, "lead": False}
        w.ok(w.api("admin", "POST", f"/evaluation/cycles/{YEAR}/assignments", body), 201)
    w.ok(w.api("admin", "POST", f"/evaluation/cycles/{YEAR}/start-assessment"))
    for actor in ("assessor_a", "assessor_b"):
        assignment = ids[f"assignment_{actor[-1]}"]
        w.ok(w.api(actor, "POST", f"/evaluation/assignments/{assignment}/declaration",
                   {"conflict": False, "statement": "Tidak ada hubungan."}))
        path = f"/evaluation/assignments/{assignment}"
        tag = w.api(actor, "GET", path).headers["ETag"]
        scores = [{"indicator_id": i["id"], "score": 3, "note": "Sesuai bukti"}
                  for i in indicators["items"]]
        # Saved, not submitted: another assessor's unsubmitted scores must stay private.
        w.ok(w.api(actor, "PUT", path + "/scores", {"scores": scores, "notes": "Catatan"},
                   headers={"If-Match": tag}))


def _exhibition(w: World) -> None:
    ids = w.ids
    for actor, code in (("officer_a", BANDUNG), ("officer_b", SURABAYA)):
        w.ok(w.api(actor, "POST", "/exhibition/booths", {
            "region_code": code, "tagline": f"Kota layanan digital {code}",
            "story": "Cerita kota cerdas kami."}), 201)
        item = w.ok(w.api(actor, "POST", f"/exhibition/booths/{code}/achievements", {
            "title": "Inovasi nomor satu", "caption": "Warga terlayani lebih cepat.",
            "dimension": "governance", "year": 2023}), 201)
        ids[f"achievement_{actor[-1]}"] = item["id"]
        image = w.ok(w.api(actor, "PUT", f"/exhibition/achievements/{item['id']}/image",
                           {"content_base64": b64(png())}))
        ids[f"image_{actor[-1]}"] = image["image_id"]  # not the achievement's id
    # Bandung's booth is published; Surabaya's stays a draft.
    w.ok(w.api("officer_a", "POST", f"/exhibition/booths/{BANDUNG}/submit"))
    w.ok(w.api("admin", "POST", f"/exhibition/booths/{BANDUNG}/approve", {}))


def _webhooks(w: World) -> None:
    from plugins.webhooks.models import Delivery, WebhookEvent

    ids = w.ids
    for actor in ("partner_a", "partner_b"):
        hook = w.ok(w.api(actor, "POST", "/webhooks", {
            "url": f"https://hooks.example.org/{actor}", "event_types": ["sinergi.plan.*"]}), 201)
        ids[f"webhook_{actor[-1]}"] = hook["id"]
    with w.db.begin() as session:
        for suffix in ("a", "b"):
            event_id = f"00000000-0000-4000-8000-00000000000{1 if suffix == 'a' else 2}"
            session.add(WebhookEvent(id=event_id, type="sinergi.webhook.ping", source="test",
                                     subject="1", time="2024-01-01T00:00:00Z", sequence=1,
                                     data={}))
            session.flush()
            delivery = Delivery(webhook_id=ids[f"webhook_{suffix}"], event_id=event_id,
                                event_type="sinergi.webhook.ping", status="failed", attempts=1)
            session.add(delivery)
            session.flush()
            ids[f"delivery_{suffix}"] = delivery.id


def _notifications(w: World) -> None:
    from plugins.notifications.models import Notification

    with w.db.begin() as session:
        for actor in ("officer_a", "officer_b"):
            row = Notification(user_id=w.accounts[actor].user_id,
                               event_id=f"evt-{actor}", event_type="sinergi.plan.approved",
                               kind="plan", title=f"Rencana disetujui ({actor})",
                               body="", link="/plans")
            session.add(row)
            session.flush()
            w.ids[f"notification_{actor[-1]}"] = row.id


def count_rows(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
