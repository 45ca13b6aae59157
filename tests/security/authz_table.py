"""The authorisation matrix: for every (method, URL rule) of the application, what each actor
gets. ``tests/security/test_authz_matrix.py`` compares this table with ``app.url_map`` (a route
without a row fails) and calls every route as every actor.

Actors (built in ``authz_world.py``): ``anon``; ``user`` (no role); ``officer_a`` /
``officer_b`` (officers of Bandung / Surabaya); ``partner_a`` (admin of organisation A, a
business) and ``member_a`` (plain member of A); ``partner_b`` (admin of organisation B);
``assessor_a`` / ``assessor_b`` (evaluators assigned to Bandung / Surabaya); ``admin``.
URL parameters name the ``*_a`` actors' resources unless a row says otherwise.

Outcomes: ``ok`` 2xx or a redirect elsewhere than the login page; ``auth`` 401 or a redirect
to the login page; ``deny`` 403; ``hide`` 404 (the item is not shown to this actor);
``refused`` 403 or 404; ``allowed`` authorised: 2xx/3xx, or 400/409/412/422/428 when the body
or the item's state is refused after the authorisation check (used for writes whose payload is
not the point, and for state transitions the world's items are not in); ``invalid`` only such
a 4xx; ``anon_write`` 401, 403 (a page form without a session has no CSRF token) or a redirect
to the login page; ``not_done`` 403, 404, or a form refused for its content (the choice the
actor made is not theirs to make).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.authz_world import (
    ACTORS,
    BANDUNG,
    PASSWORD,
    SURABAYA,
    YEAR,
    World,
    b64,
    need_body,
    offer_body,
    png,
)

OUTCOMES: dict[str, frozenset[str]] = {
    "ok": frozenset({"ok"}), "auth": frozenset({"auth"}), "deny": frozenset({"deny"}),
    "hide": frozenset({"hide"}), "refused": frozenset({"deny", "hide"}),
    "allowed": frozenset({"ok", "invalid"}), "invalid": frozenset({"invalid"}),
    "anon_write": frozenset({"auth", "deny"}),
    "not_done": frozenset({"deny", "hide", "invalid"}),
}
#: Actors that hold a role, for ``only``.
ROLES = tuple(a for a in ACTORS if a != "anon")


@dataclass(frozen=True)
class Row:
    """One (method, rule): the expected outcome per actor, and how to call it."""

    expect: dict[str, str]
    params: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    body: Any = None
    headers: Any = field(default_factory=dict)
    note: str = ""
    #: Tables whose rows a refused write must leave unchanged (checked per refused actor; every
    #: domain table is compared for the rows marked ``snapshot=True``).
    snapshot: bool = False


def policy(default: str, anon: str = "auth", **actors: str) -> dict[str, str]:
    table = {actor: default for actor in ROLES}
    table["anon"] = anon
    for actor, outcome in actors.items():
        assert actor in ACTORS, actor
        table[actor] = outcome
    return table


def public() -> dict[str, str]:
    return policy("ok", anon="ok")


def login() -> dict[str, str]:
    return policy("ok")


def only(*who: str, do: str = "ok", others: str = "refused", anon: str = "auth",
         **extra: str) -> dict[str, str]:
    """``who`` get ``do``, the other roles ``others``."""
    return policy(others, anon=anon, **{a: do for a in who}, **extra)


def admin_only(do: str = "ok", others: str = "deny", anon: str = "auth") -> dict[str, str]:
    return only("admin", do=do, others=others, anon=anon)


# ---------------------------------------------------------------- bodies and headers


def etag_as(actor: str, path: str) -> Callable[[World, str], dict[str, str]]:
    """An ``If-Match`` with the current ETag of ``path`` (read as ``actor``)."""

    def headers(world: World, _caller: str) -> dict[str, str]:
        url = path.format(**world.ids)
        return {"If-Match": world.api(actor, "GET", url).headers.get("ETag", "*")}

    return headers


ANY_VERSION = {"If-Match": "*"}
VERSION_RE = re.compile(r'name="version" value="(\d+)"')


def versioned(actor: str, page: str, **fields: str) -> Callable[[World], dict[str, str]]:
    """A form body with the item's current version, read from ``page`` as ``actor``."""

    def body(world: World) -> dict[str, str]:
        text = world.page(actor, "GET", page.format(**world.ids)).get_data(as_text=True)
        found = VERSION_RE.search(text)
        return {**fields, "version": found.group(1) if found else "1"}

    return body


def scores_body(world: World) -> dict[str, Any]:
    return {"scores": [{"indicator_id": world.ids["indicator"], "score": 4, "note": "x"}],
            "notes": "Catatan"}


def csv_import(_world: World) -> dict[str, Any]:
    return {"csv": "region_code,year,indicator,value\n32.73,2024,idx,1\n", "dry_run": True}


def webhook_body(_world: World) -> dict[str, Any]:
    return {"url": "https://hooks.example.org/new", "event_types": ["sinergi.plan.*"]}


def token_login(world: World) -> dict[str, Any]:
    return {"email": world.accounts["officer_a"].email, "password": PASSWORD}


def member_body(world: World) -> dict[str, Any]:
    return {"email": world.accounts["user"].email, "role": "member"}


def assignment_body(world: World) -> dict[str, Any]:
    return {"region_code": BANDUNG, "assessor_id": world.accounts["assessor_b"].user_id,
            "lead": False}


def assign_form(world: World) -> dict[str, Any]:
    return {"region_code": BANDUNG, "assessor_id": str(world.accounts["assessor_b"].user_id)}


def survey_body(world: World) -> dict[str, Any]:
    return {"programme_id": world.ids["programme_a"]}


def survey_form(world: World) -> dict[str, Any]:
    return {"programme_id": str(world.ids["programme_a"])}


def image_body(_world: World) -> dict[str, Any]:
    return {"content_base64": b64(png())}


def evidence_body(_world: World) -> dict[str, Any]:
    return {"filename": "bukti.pdf", "content_base64": b64(b"%PDF-1.4\n%%EOF\n")}


def image_form(_world: World) -> dict[str, Any]:
    return {"image": (io.BytesIO(png()), "foto.png")}


def evidence_form(_world: World) -> dict[str, Any]:
    return {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "bukti.pdf")}


def finals_body(world: World) -> dict[str, Any]:
    return {"finals": [{"indicator_id": world.ids["indicator"], "score": 4, "reason": "Sepakat"}]}


ACHIEVEMENT = {"title": "Inovasi kedua", "caption": "Layanan cepat", "dimension": "living",
               "year": 2023}
PLAN_FORM = {"title": "Rencana Induk Baru", "period_start": "2031", "period_end": "2035",
             "vision": "Visi baru", "region_code": BANDUNG, "rows": "0"}
NEED_FORM = {k: (",".join(v) if isinstance(v, list) else str(v))
             for k, v in need_body().items()}
OFFER_FORM = {k: (",".join(v) if isinstance(v, list) else str(v))
              for k, v in offer_body().items()}

# ---------------------------------------------------------------- the table

WRITE = "allowed"
R = Row
TABLE: dict[tuple[str, str], Row] = {
    # ------------------------------------------------------------ core: platform, accounts
    ("GET", "/"): R(public()),
    ("GET", "/healthz"): R(public()),
    ("GET", "/login"): R(public()),
    ("POST", "/login"): R(policy("auth", anon="anon_write"), body={"email": "x@example.test",
                                                                    "password": "wrong"},
                          note="wrong credentials re-render the login form for everyone"),
    ("POST", "/logout"): R(policy("ok", anon="anon_write")),
    ("GET", "/dashboard"): R(login()),
    ("GET", "/api/docs"): R(public()),
    ("GET", "/api/openapi.json"): R(public()),
    ("POST", "/api/v1/auth/token"): R(policy("ok", anon="ok"), body=token_login,
                                      note="exchanging a password for a token is public"),
    ("GET", "/api/v1/me"): R(login()),
    ("GET", "/api/v1/tokens"): R(login()),
    ("POST", "/api/v1/tokens"): R(login(), body={"name": "cli"}),
    ("DELETE", "/api/v1/tokens/<int:token_id>"): R(
        only("officer_a", "admin", others="hide"), snapshot=True,
        note="a token is its owner's; admins may revoke any"),
    ("GET", "/account/password"): R(login()),
    ("POST", "/account/password"): R(
        policy(WRITE, anon="anon_write"),
        body={"current_password": "wrong", "new_password": "x", "confirm_password": "y"},
        note="one's own password only: a wrong current password is a form to correct"),
    ("GET", "/account/tokens"): R(login()),
    ("POST", "/account/tokens"): R(policy("ok", anon="anon_write"), body={"name": "cli"}),
    ("POST", "/account/tokens/<int:token_id>/revoke"): R(
        only("officer_a", "admin", others="hide", anon="anon_write"), snapshot=True),
    ("GET", "/api/v1/plugins"): R(admin_only()),
    # administration: the audit log and accounts (user B is officer B)
    ("GET", "/api/v1/admin/audit"): R(admin_only()),
    ("GET", "/api/v1/admin/users"): R(admin_only()),
    ("POST", "/api/v1/admin/users/<int:user_id>/disable"): R(admin_only(do=WRITE),
                                                             snapshot=True),
    ("POST", "/api/v1/admin/users/<int:user_id>/enable"): R(admin_only(do=WRITE),
                                                            snapshot=True),
    ("GET", "/admin/audit"): R(admin_only()),
    ("GET", "/admin/users"): R(admin_only()),
    ("POST", "/admin/users/<int:user_id>/disable"): R(admin_only(do=WRITE, anon="anon_write"),
                                                      snapshot=True),
    ("POST", "/admin/users/<int:user_id>/enable"): R(admin_only(do=WRITE, anon="anon_write"),
                                                     snapshot=True),
    ("GET", "/api/v1/events/status"): R(admin_only()),
    ("GET", "/api/v1/events/types"): R(public()),
    ("GET", "/api/v1/events/types/<string:event_type>"): R(public()),
    # ------------------------------------------------------------ regions, open data
    ("GET", "/api/v1/provinces"): R(public()),
    ("GET", "/api/v1/provinces/<string:code>"): R(public(), params={"code": "32"}),
    ("GET", "/api/v1/regions"): R(public()),
    ("GET", "/api/v1/regions/<string:code>"): R(public()),
    ("POST", "/api/v1/regions/<string:code>/participation"): R(
        admin_only(do=WRITE), params={"code": "32.04"},
        body={"cohort_year": 2019, "stage": "selected"}, snapshot=True),
    ("PATCH", "/api/v1/regions/<string:code>/participation"): R(
        admin_only(do=WRITE), body={"stage": "evaluated", "reason": "Selesai"}, snapshot=True),
    ("GET", "/regions"): R(public()),
    ("GET", "/regions/<code>"): R(public()),
    ("POST", "/regions/<code>/participation"): R(
        admin_only(do=WRITE, anon="anon_write"), params={"code": "32.04"},
        body={"cohort_year": "2019", "stage": "selected"}, snapshot=True),
    ("POST", "/regions/<code>/stage"): R(
        admin_only(do=WRITE, anon="anon_write"), body={"stage": "evaluated", "reason": "x"},
        snapshot=True),
    ("GET", "/api/v1/opendata/provinces"): R(public()),
    ("GET", "/api/v1/opendata/regions"): R(public()),
    ("GET", "/opendata/"): R(public()),
    ("GET", "/opendata/provinces.csv"): R(public()),
    ("GET", "/opendata/regions.csv"): R(public()),
    # ------------------------------------------------------------ organisations
    ("GET", "/api/v1/organisations"): R(public()),
    ("POST", "/api/v1/organisations"): R(policy(WRITE), body={"type": "community",
                                                              "name": "Komunitas Baru"},
                                         note="any user may found an organisation"),
    ("GET", "/api/v1/organisations/<string:ref>"): R(public()),
    ("PATCH", "/api/v1/organisations/<string:ref>"): R(
        only("partner_a", "admin", do=WRITE, others="deny"), body={"about": "Baru"},
        headers=ANY_VERSION, snapshot=True, note="the organisation's admins (and site admins)"),
    ("GET", "/api/v1/organisations/<string:ref>/members"): R(
        only("partner_a", "member_a", "admin", others="deny")),
    ("POST", "/api/v1/organisations/<string:ref>/members"): R(
        only("partner_a", "admin", do=WRITE, others="deny"), body=member_body, snapshot=True),
    ("PUT", "/api/v1/organisations/<string:ref>/verification"): R(
        admin_only(do=WRITE), body={"verified": True}, snapshot=True),
    ("GET", "/organisations"): R(public()),
    ("GET", "/organisations/<slug>"): R(public()),
    ("GET", "/organisations/new"): R(login()),
    ("POST", "/organisations/new"): R(policy(WRITE, anon="anon_write"),
                                      body={"type": "community", "name": "Komunitas Baru"}),
    ("GET", "/organisations/<slug>/edit"): R(only("partner_a", "admin", others="deny")),
    ("POST", "/organisations/<slug>/edit"): R(
        only("partner_a", "admin", do=WRITE, others="deny", anon="anon_write"),
        body={"name": "PT Sensor Nusantara", "about": "Diubah", "version": "1"}, snapshot=True),
    ("POST", "/organisations/<slug>/members"): R(
        only("partner_a", "admin", do=WRITE, others="deny", anon="anon_write"),
        body=member_body, snapshot=True),
    ("POST", "/organisations/<slug>/verification"): R(
        admin_only(do=WRITE, anon="anon_write"), body={"verified": "1"}, snapshot=True),
    # ------------------------------------------------------------ plans (draft plan of A)
    ("GET", "/api/v1/plans"): R(public(), note="lists filter by visibility (see the leak test)"),
    ("POST", "/api/v1/plans"): R(
        only("officer_a", "admin", do=WRITE, others="deny"),
        body={"region_code": BANDUNG, "title": "Rencana Baru", "period_start": 2031,
              "period_end": 2035, "vision": "Visi", "programmes": []}, snapshot=True),
    ("GET", "/api/v1/plans/<int:plan_id>"): R(only("officer_a", "admin", others="hide",
                                                   anon="hide"),
                                              note="a draft is hidden outside its region"),
    ("PATCH", "/api/v1/plans/<int:plan_id>"): R(
        only("officer_a", "admin", do=WRITE, others="hide"), body={"vision": "Baru"},
        headers=ANY_VERSION, snapshot=True),
    ("GET", "/api/v1/plans/<int:plan_id>/history"): R(
        only("officer_a", "admin", others="hide", anon="hide")),
    ("POST", "/api/v1/plans/<int:plan_id>/submit"): R(
        only("officer_a", "admin", do=WRITE, others="hide"), snapshot=True),
    ("POST", "/api/v1/plans/<int:plan_id>/approve"): R(
        only("admin", do=WRITE, others="hide", officer_a="deny"),
        snapshot=True, note="only reviewers; the draft's own officers see it but may not"),
    ("POST", "/api/v1/plans/<int:plan_id>/request-revision"): R(
        only("admin", do=WRITE, others="hide", officer_a="deny"), body={"reason": "Ulangi"},
        snapshot=True),
    ("GET", "/plans"): R(public()),
    ("GET", "/plans/new"): R(only("officer_a", "officer_b", "admin", others="deny")),
    ("POST", "/plans/new"): R(only("officer_a", "admin", do=WRITE, others="deny",
                                   anon="anon_write"), body=PLAN_FORM, snapshot=True),
    ("GET", "/plans/<int:plan_id>"): R(only("officer_a", "admin", others="hide", anon="hide")),
    ("GET", "/plans/<int:plan_id>/edit"): R(only("officer_a", "admin", others="hide")),
    ("POST", "/plans/<int:plan_id>/edit"): R(
        only("officer_a", "admin", do=WRITE, others="hide", anon="anon_write"),
        body={**PLAN_FORM, "version": "1"}, snapshot=True),
    ("GET", "/plans/<int:plan_id>/review"): R(only("admin", others="hide", officer_a="deny")),
    ("POST", "/plans/<int:plan_id>/submit"): R(
        only("officer_a", "admin", do=WRITE, others="hide", anon="anon_write"),
        body=versioned("officer_a", "/plans/{plan_a}", confirmed="1"), snapshot=True),
    ("POST", "/plans/<int:plan_id>/approve"): R(
        only("admin", do=WRITE, others="hide", officer_a="deny", anon="anon_write"),
        body={"note": "ok"}, snapshot=True),
    ("POST", "/plans/<int:plan_id>/request-revision"): R(
        only("admin", do=WRITE, others="hide", officer_a="deny", anon="anon_write"),
        body={"note": "Ulangi"}, snapshot=True),
}

MATCHMAKING: dict[tuple[str, str], Row] = {
    # need A (Bandung's, open), offer A (organisation A's), interest A (A on need A, open),
    # collaboration A (Bandung with A), saved search A (A's)
    ("GET", "/api/v1/needs"): R(public()),
    ("POST", "/api/v1/needs"): R(only("officer_a", do=WRITE, others="deny"), body=need_body(),
                                 snapshot=True, note="only the region's officers post needs"),
    ("GET", "/api/v1/needs/<int:need_id>"): R(public()),
    ("PATCH", "/api/v1/needs/<int:need_id>"): R(
        only("officer_a", do=WRITE, others="deny"), body={"title": "Judul kebutuhan baru"},
        headers=etag_as("officer_a", "/needs/{need_a}"), snapshot=True),
    ("GET", "/api/v1/needs/<int:need_id>/fit"): R(
        login(), note="answers only the caller's own organisations' matches"),
    ("GET", "/api/v1/needs/<int:need_id>/matches"): R(only("officer_a", others="deny")),
    ("GET", "/api/v1/needs/<int:need_id>/interests"): R(
        login(), note="filtered to interests the caller is a party to (leak test)"),
    ("POST", "/api/v1/needs/<int:need_id>/interests"): R(
        only("partner_a", "member_a", "partner_b", do=WRITE, others="deny"),
        params={"need_id": "need_b"}, body={"message": "Kami bisa membantu."}, snapshot=True,
        note="partner organisations' members express interest (need B: A has none yet)"),
    ("GET", "/api/v1/offers"): R(public()),
    ("POST", "/api/v1/offers"): R(only("partner_a", "member_a", "partner_b", do=WRITE,
                                       others="deny"), body=offer_body(), snapshot=True),
    ("GET", "/api/v1/offers/<int:offer_id>"): R(public()),
    ("PATCH", "/api/v1/offers/<int:offer_id>"): R(
        only("partner_a", "member_a", do=WRITE, others="deny"),
        body={"title": "Judul penawaran baru"},
        headers=etag_as("partner_a", "/offers/{offer_a}"), snapshot=True),
    ("POST", "/api/v1/offers/<int:offer_id>/withdraw"): R(
        only("partner_a", "member_a", do=WRITE, others="deny"), snapshot=True),
    ("GET", "/api/v1/opportunities"): R(only("partner_a", "member_a", "partner_b",
                                             others="deny")),
    ("GET", "/api/v1/interests"): R(login()),
    ("GET", "/api/v1/interests/<int:interest_id>"): R(
        only("officer_a", "partner_a", "member_a", others="hide"),
        note="only the two parties; not even admins"),
    ("POST", "/api/v1/interests/<int:interest_id>/accept"): R(
        only("officer_a", do=WRITE, others="hide", partner_a="deny", member_a="deny"),
        body={"reason": "Cocok"}, snapshot=True),
    ("POST", "/api/v1/interests/<int:interest_id>/decline"): R(
        only("officer_a", do=WRITE, others="hide", partner_a="deny", member_a="deny"),
        body={"reason": "Belum cocok"}, snapshot=True),
    ("POST", "/api/v1/interests/<int:interest_id>/withdraw"): R(
        only("partner_a", "member_a", do=WRITE, others="hide", officer_a="deny"),
        snapshot=True),
    ("GET", "/api/v1/collaborations"): R(login()),
    ("GET", "/api/v1/collaborations/<int:collaboration_id>"): R(
        only("officer_a", "partner_a", "member_a", "admin", others="hide", anon="hide")),
    ("POST", "/api/v1/collaborations/<int:collaboration_id>/stage"): R(
        only("officer_a", "partner_a", "member_a", do=WRITE, others="hide", admin="deny"),
        body={"stage": "meeting"}, snapshot=True),
    ("GET", "/api/v1/saved-searches"): R(login()),
    ("POST", "/api/v1/saved-searches"): R(
        only("partner_a", "member_a", "partner_b", do=WRITE, others="deny"),
        body={"name": "Sensor", "filters": {"q": "sensor"}}, snapshot=True),
    ("DELETE", "/api/v1/saved-searches/<int:search_id>"): R(
        only("partner_a", do=WRITE, others="hide"), snapshot=True,
        note="a saved search is its author's own, not the organisation's"),
    # pages
    ("GET", "/needs"): R(public()),
    ("GET", "/needs/mine"): R(only("officer_a", "officer_b", others="deny")),
    ("GET", "/needs/new"): R(only("officer_a", "officer_b", others="deny")),
    ("POST", "/needs/new"): R(only("officer_a", do=WRITE, others="deny", anon="anon_write",
                                   officer_b="not_done"), body=NEED_FORM, snapshot=True,
                              note="another region's officer: the region is not a choice"),
    ("GET", "/needs/<int:need_id>"): R(public()),
    ("GET", "/needs/<int:need_id>/edit"): R(only("officer_a", others="deny")),
    ("POST", "/needs/<int:need_id>/edit"): R(
        only("officer_a", do=WRITE, others="deny", anon="anon_write"),
        body={**NEED_FORM, "version": "1"}, snapshot=True),
    ("POST", "/needs/<int:need_id>/close"): R(
        only("officer_a", do=WRITE, others="deny", anon="anon_write"),
        body=versioned("officer_a", "/needs/{need_a}", confirmed="1"), snapshot=True),
    ("GET", "/needs/<int:need_id>/partners"): R(only("officer_a", others="deny")),
    ("POST", "/needs/<int:need_id>/interest"): R(
        only("partner_a", "member_a", "partner_b", do=WRITE, others="deny",
             anon="anon_write"), params={"need_id": "need_b"},
        body={"message": "Kami bisa membantu."}, snapshot=True),
    ("GET", "/offers"): R(public()),
    ("GET", "/offers/mine"): R(only("partner_a", "member_a", "partner_b", others="deny")),
    ("GET", "/offers/new"): R(only("partner_a", "member_a", "partner_b", others="deny")),
    ("POST", "/offers/new"): R(only("partner_a", "member_a", "partner_b", do=WRITE,
                                    others="deny", anon="anon_write"),
                               body=OFFER_FORM, snapshot=True),
    ("GET", "/offers/<int:offer_id>"): R(public()),
    ("GET", "/offers/<int:offer_id>/edit"): R(only("partner_a", "member_a", others="deny")),
    ("POST", "/offers/<int:offer_id>/edit"): R(
        only("partner_a", "member_a", do=WRITE, others="deny", anon="anon_write"),
        body={**OFFER_FORM, "version": "1"}, snapshot=True),
    ("POST", "/offers/<int:offer_id>/withdraw"): R(
        only("partner_a", "member_a", do=WRITE, others="deny", anon="anon_write"),
        body=versioned("partner_a", "/offers/{offer_a}", confirmed="1"), snapshot=True),
    ("GET", "/opportunities"): R(only("partner_a", "member_a", "partner_b", others="deny")),
    ("POST", "/opportunities/searches"): R(
        only("partner_a", "member_a", "partner_b", do=WRITE, others="deny",
             anon="anon_write"), body={"name": "Sensor", "q": "sensor"}, snapshot=True),
    ("POST", "/opportunities/searches/<int:search_id>/delete"): R(
        only("partner_a", do=WRITE, others="hide", anon="anon_write"),
        snapshot=True),
    ("GET", "/interests"): R(login()),
    ("GET", "/interests/<int:interest_id>"): R(
        only("officer_a", "partner_a", "member_a", others="hide")),
    ("POST", "/interests/<int:interest_id>/accept"): R(
        only("officer_a", do=WRITE, others="hide", partner_a="deny", member_a="deny",
             anon="anon_write"),
        body=versioned("officer_a", "/interests/{interest_a}", note="Cocok",
                       confirmed="1"), snapshot=True),
    ("POST", "/interests/<int:interest_id>/decline"): R(
        only("officer_a", do=WRITE, others="hide", partner_a="deny", member_a="deny",
             anon="anon_write"),
        body=versioned("officer_a", "/interests/{interest_a}", reason="Belum cocok",
                       confirmed="1"),
        snapshot=True),
    ("POST", "/interests/<int:interest_id>/withdraw"): R(
        only("partner_a", "member_a", do=WRITE, others="hide", officer_a="deny",
             anon="anon_write"),
        body=versioned("partner_a", "/interests/{interest_a}", confirmed="1"), snapshot=True),
    ("GET", "/collaborations"): R(login()),
    ("GET", "/collaborations/<int:collaboration_id>"): R(
        only("officer_a", "partner_a", "member_a", "admin", others="hide")),
    ("POST", "/collaborations/<int:collaboration_id>/stage"): R(
        only("officer_a", "partner_a", "member_a", do=WRITE, others="hide",
             anon="anon_write", admin="deny"),
        body=versioned("officer_a", "/collaborations/{collaboration_a}", stage="meeting"),
        snapshot=True,
        note="admins may read a collaboration but only its parties move it"),
}

Y = "/api/v1/evaluation/cycles/<int:year>"
YR = Y + "/regions/<code>"
EVALUATION: dict[tuple[str, str], Row] = {
    # the 2024 cycle is in assessment: self-assessments submitted, assessor A assigned (lead)
    # to Bandung with saved, unsubmitted scores, evidence and a survey in each region
    ("GET", "/api/v1/evaluation/cycles"): R(public()),
    ("POST", "/api/v1/evaluation/cycles"): R(admin_only(do=WRITE),
                                             body={"year": 2025, "title": "Evaluasi 2025"},
                                             snapshot=True),
    ("GET", Y): R(public()),
    ("PATCH", Y): R(admin_only(do=WRITE), body={"title": "Evaluasi baru"}, snapshot=True),
    ("POST", Y + "/open"): R(admin_only(do=WRITE), snapshot=True),
    ("POST", Y + "/start-assessment"): R(admin_only(do=WRITE), snapshot=True),
    ("POST", Y + "/complete"): R(admin_only(do=WRITE), snapshot=True),
    ("POST", Y + "/publish"): R(admin_only(do=WRITE), snapshot=True),
    ("GET", Y + "/indicators"): R(public()),
    ("POST", Y + "/indicators"): R(admin_only(do=WRITE), body={
        "code": "X9", "component": "output", "dimension": "governance", "name": "Baru"},
        snapshot=True),
    ("PATCH", "/api/v1/evaluation/indicators/<int:indicator_id>"): R(
        admin_only(do=WRITE), body={"name": "Nama baru"}, snapshot=True),
    ("DELETE", "/api/v1/evaluation/indicators/<int:indicator_id>"): R(
        admin_only(do=WRITE), snapshot=True),
    ("GET", Y + "/regions"): R(public()),
    ("POST", Y + "/assignments"): R(admin_only(do=WRITE), body=assignment_body, snapshot=True),
    ("GET", "/api/v1/evaluation/assignments"): R(login(), note="the caller's own only"),
    ("GET", "/api/v1/evaluation/assignments/<int:assignment_id>"): R(
        only("assessor_a", "admin", others="hide", anon="hide")),
    ("DELETE", "/api/v1/evaluation/assignments/<int:assignment_id>"): R(
        admin_only(do=WRITE), snapshot=True),
    ("POST", "/api/v1/evaluation/assignments/<int:assignment_id>/declaration"): R(
        only("assessor_a", do=WRITE, others="hide", admin="refused"),
        body={"conflict": False, "statement": "Tidak ada"}, snapshot=True),
    ("PUT", "/api/v1/evaluation/assignments/<int:assignment_id>/scores"): R(
        only("assessor_a", do=WRITE, others="hide", admin="refused"), body=scores_body,
        headers=etag_as("assessor_a", "/evaluation/assignments/{assignment_a}"),
        snapshot=True, note="only the assessor scores"),
    ("POST", "/api/v1/evaluation/assignments/<int:assignment_id>/submit"): R(
        only("assessor_a", do=WRITE, others="hide", admin="refused"), snapshot=True),
    ("GET", YR + "/self-assessment"): R(
        only("officer_a", "assessor_a", "admin", others="deny")),
    ("PUT", YR + "/self-assessment"): R(
        only("officer_a", "admin", do=WRITE, others="deny"), body={"values": []},
        headers=etag_as("officer_a", f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}"
                                     "/self-assessment"), snapshot=True),
    ("POST", YR + "/self-assessment/submit"): R(
        only("officer_a", "admin", do=WRITE, others="deny"), snapshot=True),
    ("POST", YR + "/evidence"): R(
        only("officer_a", "admin", do=WRITE, others="deny"), body=evidence_body,
        snapshot=True),
    ("GET", YR + "/evidence/<int:file_id>"): R(
        only("officer_a", "assessor_a", "admin", others="refused")),
    ("GET", YR + "/surveys"): R(only("officer_a", "admin", others="deny")),
    ("POST", YR + "/surveys"): R(only("officer_a", "admin", do=WRITE, others="deny"),
                                 body=survey_body, snapshot=True),
    ("POST", "/api/v1/evaluation/surveys/<int:survey_id>/tokens"): R(
        only("officer_a", "admin", do=WRITE, others="refused"), body={"count": 1},
        snapshot=True),
    ("GET", "/api/v1/evaluation/public-surveys/<token>"): R(
        public(), note="the token is the credential"),
    ("POST", "/api/v1/evaluation/public-surveys/<token>"): R(
        policy(WRITE, anon=WRITE), body={"rating": 4}),
    ("GET", YR + "/assessment"): R(
        admin_only(), note="assessor A has not submitted: blind until then"),
    ("PUT", YR + "/finals"): R(admin_only(do=WRITE),
                               body=finals_body, headers=etag_as(
                                   "admin", f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}"
                                            "/assessment"), snapshot=True,
                               note="the lead assessor only after submitting their scores"),
    ("POST", YR + "/finalise"): R(only("assessor_a", "admin", do=WRITE, others="deny"),
                                  snapshot=True),
    ("GET", Y + "/results"): R(policy("invalid", anon="invalid"),
                               note="the cycle is not published: nobody sees results yet"),
    ("GET", Y + "/results.csv"): R(policy("invalid", anon="invalid")),
    ("GET", Y + "/results.xlsx"): R(policy("invalid", anon="invalid")),
    ("GET", Y + "/results/<code>"): R(policy("invalid", anon="invalid")),
    ("GET", "/api/v1/evaluation/external-indicators"): R(public()),
    ("POST", "/api/v1/evaluation/external-indicators"): R(admin_only(do=WRITE),
                                                         body=csv_import, snapshot=True),
    # pages
    ("GET", "/evaluasi/"): R(public()),
    ("POST", "/evaluasi/"): R(admin_only(do=WRITE, anon="anon_write"),
                              body={"year": "2025", "title": "Evaluasi 2025"}, snapshot=True),
    ("GET", "/evaluasi/<int:year>"): R(public()),
    ("POST", "/evaluasi/<int:year>/<any('open','start-assessment','complete','publish'):action>"):
        R(admin_only(do=WRITE, anon="anon_write"), snapshot=True),
    ("POST", "/evaluasi/<int:year>/assessors"): R(admin_only(do=WRITE, anon="anon_write"),
                                                  body=assign_form, snapshot=True),
    ("GET", "/evaluasi/<int:year>/daerah/<code>"): R(
        only("officer_a", "assessor_a", "admin", others="deny")),
    ("POST", "/evaluasi/<int:year>/daerah/<code>"): R(
        only("officer_a", "admin", do=WRITE, others="deny", anon="anon_write"),
        body={"version": "1"}, snapshot=True),
    ("POST", "/evaluasi/<int:year>/daerah/<code>/bukti"): R(
        only("officer_a", "admin", do=WRITE, others="deny", anon="anon_write"),
        body=evidence_form, snapshot=True),
    ("GET", "/evaluasi/<int:year>/daerah/<code>/bukti/<int:file_id>"): R(
        only("officer_a", "assessor_a", "admin", others="refused")),
    ("GET", "/evaluasi/<int:year>/daerah/<code>/rekonsiliasi"): R(admin_only()),
    ("POST", "/evaluasi/<int:year>/daerah/<code>/rekonsiliasi"): R(
        admin_only(do=WRITE, anon="anon_write"),
        snapshot=True),
    ("POST", "/evaluasi/<int:year>/daerah/<code>/survei"): R(
        only("officer_a", "admin", do=WRITE, others="deny", anon="anon_write"),
        body=survey_form, snapshot=True),
    ("GET", "/evaluasi/<int:year>/hasil.<any(csv,xlsx):kind>"): R(
        policy("invalid", anon="invalid"), note="not published"),
    ("GET", "/evaluasi/<int:year>/laporan/<code>"): R(
        policy("invalid", anon="invalid"), note="not published"),
    ("GET", "/evaluasi/indikator-eksternal"): R(admin_only()),
    ("POST", "/evaluasi/indikator-eksternal"): R(admin_only(do=WRITE, anon="anon_write"),
                                                  body=csv_import, snapshot=True),
    ("GET", "/evaluasi/penilaian"): R(login()),
    ("GET", "/evaluasi/penilaian/<int:assignment_id>"): R(
        only("assessor_a", "admin", others="hide")),
    ("POST", "/evaluasi/penilaian/<int:assignment_id>"): R(
        only("assessor_a", do=WRITE, others="hide", admin="refused", anon="anon_write"),
        body=versioned("assessor_a", "/evaluasi/penilaian/{assignment_a}", notes="Catatan"),
        snapshot=True),
    ("GET", "/evaluasi/survei/<token>"): R(public()),
    ("POST", "/evaluasi/survei/<token>"): R(policy(WRITE, anon="anon_write"),
                                            body={"rating": "4"},
                                            note="a form: an anonymous visitor has a session "
                                                 "cookie from the GET in a real browser"),
}

B = "/api/v1/exhibition/booths/<string:code>"
EXHIBITION: dict[tuple[str, str], Row] = {
    # Bandung's booth is published (with one achievement and its image); Surabaya's is a draft
    ("GET", "/api/v1/exhibition/booths"): R(public()),
    ("POST", "/api/v1/exhibition/booths"): R(
        only("officer_a", "admin", do=WRITE, others="deny"),
        body={"region_code": BANDUNG, "tagline": "Baru"}, snapshot=True),
    ("GET", "/api/v1/exhibition/booths.csv"): R(public()),
    ("GET", B): R(public()),
    ("GET", B + "/draft"): R(only("officer_a", "admin", others="deny")),
    ("PATCH", B + "/draft"): R(only("officer_a", "admin", do=WRITE, others="deny"),
                               body={"tagline": "Tagline baru"},
                               headers=etag_as("officer_a", f"/exhibition/booths/{BANDUNG}/draft"),
                               snapshot=True),
    ("POST", B + "/achievements"): R(only("officer_a", "admin", do=WRITE, others="deny"),
                                     body=ACHIEVEMENT, snapshot=True),
    ("PATCH", "/api/v1/exhibition/achievements/<int:achievement_id>"): R(
        only("officer_a", "admin", do=WRITE, others="deny"), body={"title": "Judul baru"},
        snapshot=True),
    ("DELETE", "/api/v1/exhibition/achievements/<int:achievement_id>"): R(
        only("officer_a", "admin", do=WRITE, others="deny"), snapshot=True),
    ("PUT", "/api/v1/exhibition/achievements/<int:achievement_id>/image"): R(
        only("officer_a", "admin", do=WRITE, others="deny"), body=image_body, snapshot=True),
    ("POST", B + "/submit"): R(only("officer_a", "admin", do=WRITE, others="deny"),
                               snapshot=True),
    ("POST", B + "/approve"): R(admin_only(do=WRITE), body={}, snapshot=True),
    ("POST", B + "/reject"): R(admin_only(do=WRITE), body={"reason": "Kurang"}, snapshot=True),
    ("POST", B + "/unpublish"): R(only("officer_a", "admin", do=WRITE, others="deny"),
                                  body={}, snapshot=True),
    ("POST", B + "/publish"): R(admin_only(do=WRITE), snapshot=True),
    ("GET", "/api/v1/exhibition/moderation"): R(admin_only()),
    ("GET", "/api/v1/exhibition/statistics"): R(public()),
    ("GET", "/api/v1/exhibition/statistics.csv"): R(public()),
    # pages
    ("GET", "/pameran"): R(public()),
    ("GET", "/pameran/"): R(public()),
    ("GET", "/pameran/<code>"): R(public()),
    ("GET", "/pameran/<code>/kelola"): R(only("officer_a", "admin", others="deny")),
    ("POST", "/pameran/<code>/kelola"): R(
        only("officer_a", "admin", do=WRITE, others="deny", anon="anon_write"),
        body=versioned("officer_a", f"/pameran/{BANDUNG}/kelola", tagline="Baru"),
        snapshot=True),
    ("GET", "/pameran/<code>/pratinjau"): R(only("officer_a", "admin", others="deny")),
    ("POST", "/pameran/<code>/ajukan"): R(
        only("officer_a", "admin", do=WRITE, others="deny", anon="anon_write"), snapshot=True),
    ("POST", "/pameran/<code>/prestasi"): R(
        only("officer_a", "admin", do=WRITE, others="deny", anon="anon_write"),
        body={k: str(v) for k, v in ACHIEVEMENT.items()}, snapshot=True),
    ("POST", "/pameran/<code>/prestasi/<int:achievement_id>/gambar"): R(
        only("officer_a", "admin", do=WRITE, others="deny", anon="anon_write"),
        body=image_form, snapshot=True),
    ("POST", "/pameran/<code>/prestasi/<int:achievement_id>/hapus"): R(
        only("officer_a", "admin", do=WRITE, others="deny", anon="anon_write"), snapshot=True),
    ("POST", "/pameran/<code>/setujui"): R(admin_only(do=WRITE, anon="anon_write"),
                                           snapshot=True),
    ("POST", "/pameran/<code>/tolak"): R(admin_only(do=WRITE, anon="anon_write"),
                                         body={"reason": "Kurang"}, snapshot=True),
    ("POST", "/pameran/<code>/tarik"): R(
        only("officer_a", "admin", do=WRITE, others="deny", anon="anon_write"), snapshot=True),
    ("POST", "/pameran/<code>/terbitkan"): R(admin_only(do=WRITE, anon="anon_write"),
                                             snapshot=True),
    ("GET", "/pameran/moderasi"): R(admin_only()),
    ("GET", "/pameran/media/<int:image_id>/<variant>.jpg"): R(
        public(), note="image of the published booth"),
}

NOTIFICATIONS: dict[tuple[str, str], Row] = {
    # notification A is officer A's
    ("GET", "/api/v1/notifications"): R(login(), note="the caller's own (leak test)"),
    ("POST", "/api/v1/notifications/<int:notification_id>/read"): R(
        only("officer_a", do=WRITE, others="hide"), snapshot=True),
    ("POST", "/api/v1/notifications/read-all"): R(login()),
    ("GET", "/api/v1/notifications/preferences"): R(login()),
    ("PUT", "/api/v1/notifications/preferences"): R(
        login(), body={"kinds": ["collaboration"], "email_mode": "daily"}),
    ("GET", "/notifications/"): R(login()),
    ("POST", "/notifications/<int:notification_id>/read"): R(
        only("officer_a", do=WRITE, others="hide", anon="anon_write"), snapshot=True),
    ("POST", "/notifications/read-all"): R(policy("ok", anon="anon_write")),
    ("GET", "/notifications/preferences"): R(login()),
    ("POST", "/notifications/preferences"): R(policy(WRITE, anon="anon_write"),
                                              body={"email_mode": "daily"}),
}

W = "/api/v1/webhooks/<int:webhook_id>"
WEBHOOKS: dict[tuple[str, str], Row] = {
    # webhook A is organisation A's (managed by its admin, partner A); delivery A is its
    ("GET", "/api/v1/webhooks"): R(login(), note="the caller's organisations' (leak test)"),
    ("POST", "/api/v1/webhooks"): R(
        only("partner_a", "partner_b", "admin", do=WRITE, others="deny"), body=webhook_body,
        snapshot=True, note="organisation admins; admins must name the organisation"),
    ("GET", W): R(only("partner_a", "admin", others="hide")),
    ("PATCH", W): R(only("partner_a", "admin", do=WRITE, others="hide"),
                    body={"description": "Baru"},
                    headers=etag_as("partner_a", "/webhooks/{webhook_a}"), snapshot=True),
    ("DELETE", W): R(only("partner_a", "admin", do=WRITE, others="hide"), snapshot=True),
    ("GET", W + "/deliveries"): R(only("partner_a", "admin", others="hide")),
    ("POST", W + "/deliveries/<int:delivery_id>/redeliver"): R(
        only("partner_a", "admin", do=WRITE, others="hide"), snapshot=True),
    ("POST", W + "/ping"): R(only("partner_a", "admin", do=WRITE, others="hide"),
                             snapshot=True),
    ("POST", W + "/secret"): R(only("partner_a", "admin", do=WRITE, others="hide"),
                               body={}, snapshot=True),
    ("GET", "/webhooks/"): R(login()),
    ("GET", "/webhooks/new"): R(only("partner_a", "partner_b", "admin", others="deny")),
    ("POST", "/webhooks/new"): R(
        only("partner_a", "partner_b", "admin", do=WRITE, others="deny", anon="anon_write"),
        body={"url": "https://hooks.example.org/new", "event_types": "sinergi.plan.*"},
        snapshot=True),
    ("GET", "/webhooks/<int:webhook_id>"): R(only("partner_a", "admin", others="hide")),
    ("GET", "/webhooks/<int:webhook_id>/edit"): R(only("partner_a", "admin", others="hide")),
    ("POST", "/webhooks/<int:webhook_id>/edit"): R(
        only("partner_a", "admin", do=WRITE, others="hide", anon="anon_write"),
        body={"url": "https://hooks.example.org/x", "event_types": "sinergi.plan.*",
              "version": "1"}, snapshot=True),
    ("POST", "/webhooks/<int:webhook_id>/active"): R(
        only("partner_a", "admin", do=WRITE, others="hide", anon="anon_write"),
        body={"active": "0"}, snapshot=True),
    ("POST", "/webhooks/<int:webhook_id>/delete"): R(
        only("partner_a", "admin", do=WRITE, others="hide", anon="anon_write"),
        body={"confirm": "1"}, snapshot=True),
    ("POST", "/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver"): R(
        only("partner_a", "admin", do=WRITE, others="hide", anon="anon_write"), snapshot=True),
    ("POST", "/webhooks/<int:webhook_id>/ping"): R(
        only("partner_a", "admin", do=WRITE, others="hide", anon="anon_write"), snapshot=True),
    ("POST", "/webhooks/<int:webhook_id>/secret"): R(
        only("partner_a", "admin", do=WRITE, others="hide", anon="anon_write"), snapshot=True),
}

for _part in (MATCHMAKING, EVALUATION, EXHIBITION, NOTIFICATIONS, WEBHOOKS):
    assert not set(_part) & set(TABLE), set(_part) & set(TABLE)
    TABLE.update(_part)

PARAM_RE = re.compile(r"<(?:[^:<>]+:)?([a-z_]+)>")


def normalise(rule: str) -> str:
    """A rule without its converters (``<int(max=9999):year>`` → ``<year>``), so a row keeps
    matching when a converter's bounds change."""
    return PARAM_RE.sub(lambda m: f"<{m.group(1)}>", rule)


#: Endpoints deliberately left out: static files (served by Flask itself, no data).
SKIPPED_ENDPOINTS = frozenset({"static", "evaluation.static", "matchmaking.static",
                               "exhibition.static"})
__all__ = ["OUTCOMES", "SKIPPED_ENDPOINTS", "SURABAYA", "TABLE", "Row", "normalise"]
