"""The authorisation matrix: every route of the application (``app.url_map``) called as every
actor, compared with the one table in ``authz_table.py``; a refused write changes nothing.
Lists never show another region's or organisation's private items.

One world per module (``authz_world.py``), every request in a savepoint rolled back after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.security import authz_world
from tests.security.authz_calls import call, classify
from tests.security.authz_table import OUTCOMES, SKIPPED_ENDPOINTS, TABLE, normalise
from tests.security.authz_world import ACTORS, World

world = authz_world.world

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(autouse=True)
def _sinergi_clean_database() -> Iterator[None]:
    """The module's world lives in one transaction rolled back at the end (see
    ``authz_world``): nothing to empty after each test."""
    yield


def routes(app: Flask) -> set[tuple[str, str]]:
    """(method, rule without converters) of every route."""
    return {(method, normalise(rule.rule))
            for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED_ENDPOINTS
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_a_row(sinergi_app: Flask) -> None:
    have = routes(sinergi_app)
    rows = {(m, normalise(r)) for m, r in TABLE}
    missing = sorted(have - rows)
    stale = sorted(rows - have)
    assert not missing, "routes without a row in tests/security/authz_table.py:\n" + "\n".join(
        f"    ({m!r}, {r!r})" for m, r in missing)
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize(("method", "rule"), sorted(TABLE), ids=lambda v: v)
def test_route(world: World, method: str, rule: str) -> None:
    row = TABLE[(method, rule)]
    if (method, normalise(rule)) not in routes(world.app):
        pytest.skip("route not in this application")
    page = not rule.startswith("/api/")
    watch = method in WRITE_METHODS and row.snapshot
    refused = [a for a in ACTORS if row.expect[a] not in ("ok", "allowed")]
    wrong: list[str] = []

    def check(actor: str) -> None:
        expected = row.expect[actor]
        response = call(world, method, rule, row, actor)
        if classify(response, page) not in OUTCOMES[expected]:
            wrong.append(f"{actor}: expected {expected}, got {response.status_code} "
                         f"{response.get_data(as_text=True)[:160]!r}")

    for actor in ACTORS:
        if not (watch and actor in refused):
            with world.isolated():
                check(actor)
    if watch:
        # The refused writes one after the other in one savepoint: together they must
        # change nothing (the culprit is looked for only when something changed).
        with world.isolated():
            before = world.snapshot()
            for actor in refused:
                check(actor)
            changed = [t for t, rows in world.snapshot().items() if before.get(t) != rows]
        if changed:
            for actor in refused:
                with world.isolated():
                    call(world, method, rule, row, actor)
                    if [t for t, rows in world.snapshot().items() if before.get(t) != rows]:
                        wrong.append(f"{actor}: refused but changed {changed}")
    assert not wrong, f"{method} {rule}:\n" + "\n".join(wrong)


# ---------------------------------------------------------------- no leaks in lists


def _api_ids(world: World, actor: str, url: str) -> set[Any]:
    response = world.api(actor, "GET", url)
    if response.status_code in (403, 404):
        return set()  # a list refused as a whole shows nothing
    assert response.status_code == 200, (actor, url, response.status_code)
    body = response.get_json()
    items = body["items"] if isinstance(body, dict) and "items" in body else body
    return {item.get("id", item.get("region_code")) for item in items}


#: (list URL, the private item (a world id key or a literal), the actors allowed to see it).
#: Everyone else must not find it in the list.
API_LISTS: list[tuple[str, str, set[str]]] = [
    ("/plans?per_page=100", "plan_b", {"officer_b", "admin"}),
    ("/plans?per_page=100", "plan_a", {"officer_a", "admin"}),
    ("/plans?per_page=100&status=draft", "plan_b", {"officer_b", "admin"}),
    ("/interests?per_page=100", "interest_b", {"officer_b", "partner_b"}),
    ("/interests?per_page=100", "interest_a", {"officer_a", "partner_a", "member_a"}),
    ("/needs/{need_b}/interests?per_page=100", "interest_b", {"officer_b", "partner_b"}),
    ("/collaborations?per_page=100", "collaboration_a",
     {"officer_a", "partner_a", "member_a", "admin"}),
    ("/evaluation/assignments?per_page=100", "assignment_b", {"assessor_b", "admin"}),
    ("/evaluation/assignments?per_page=100", "assignment_a", {"assessor_a", "admin"}),
    ("/exhibition/booths?per_page=100", "35.78", set()),
    ("/webhooks?per_page=100", "webhook_b", {"partner_b", "admin"}),
    ("/webhooks?per_page=100", "webhook_a", {"partner_a", "admin"}),
    ("/notifications?per_page=100", "notification_b", {"officer_b"}),
    ("/notifications?per_page=100", "notification_a", {"officer_a"}),
    ("/saved-searches?per_page=100", "search_b", {"partner_b"}),
    ("/tokens", "token_b", {"officer_b"}),
    ("/evaluation/cycles", "cycle_draft", {"admin"}),
    ("/webhooks?per_page=100&organisation_id={org_b}", "webhook_b", {"partner_b", "admin"}),
    ("/saved-searches?organisation_id={org_b}", "search_b", {"partner_b"}),
    ("/interests?per_page=100&need_id={need_b}", "interest_b", {"officer_b", "partner_b"}),
]


@pytest.mark.parametrize(("url", "item", "allowed"), API_LISTS,
                         ids=[f"{u}-{i}" for u, i, _ in API_LISTS])
def test_api_lists_show_no_private_items(world: World, url: str, item: str,
                                         allowed: set[str]) -> None:
    wanted = world.ids.get(item, item)
    path = url.format(**world.ids)
    leaks = []
    seen_by_owner = False
    for actor in ACTORS:
        if actor == "anon" and not _public_list(path):
            continue
        with world.isolated():
            ids = _api_ids(world, actor, path)
        if actor in allowed:
            seen_by_owner = seen_by_owner or wanted in ids
        elif wanted in ids:
            leaks.append(actor)
    assert not leaks, f"{path} shows {item} to {leaks}"
    assert seen_by_owner or not allowed, f"{path}: no allowed actor sees {item} (bad probe)"


def _public_list(path: str) -> bool:
    return path.startswith(("/plans", "/exhibition/booths", "/needs?", "/offers",
                            "/evaluation/cycles"))


#: (page, the text that would show the private item, the actors allowed to see it).
PAGE_LISTS: list[tuple[str, str, set[str]]] = [
    ("/plans", '/plans/{plan_b}"', {"officer_b", "admin"}),
    ("/plans?status=draft", '/plans/{plan_b}"', {"officer_b", "admin"}),
    ("/interests", '/interests/{interest_b}"', {"officer_b", "partner_b"}),
    ("/collaborations", '/collaborations/{collaboration_a}"',
     {"officer_a", "partner_a", "member_a", "admin"}),
    ("/evaluasi/penilaian", '/evaluasi/penilaian/{assignment_b}"', {"assessor_b", "admin"}),
    ("/pameran", "Kota layanan digital 35.78", set()),
    ("/api/v1/exhibition/booths.csv", "35.78", set()),
    ("/webhooks/", '/webhooks/{webhook_b}"', {"partner_b", "admin"}),
    ("/notifications/", "Rencana disetujui (officer_b)", {"officer_b"}),
    ("/opportunities", "Kajian", {"partner_b"}),
    ("/account/tokens", "/account/tokens/{token_b}/revoke", {"officer_b"}),
]


@pytest.mark.parametrize(("url", "marker", "allowed"), PAGE_LISTS,
                         ids=[u for u, _m, _a in PAGE_LISTS])
def test_pages_show_no_private_items(world: World, url: str, marker: str,
                                     allowed: set[str]) -> None:
    text = marker.format(**world.ids)
    leaks = []
    seen_by_owner = False
    for actor in ACTORS:
        with world.isolated():
            response = world.page(actor, "GET", url)
        if response.status_code != 200:
            continue
        shown = text in response.get_data(as_text=True)
        if actor in allowed:
            seen_by_owner = seen_by_owner or shown
        elif shown:
            leaks.append(actor)
    assert not leaks, f"{url} shows {text!r} to {leaks}"
    assert seen_by_owner or not allowed, f"{url}: no allowed actor sees {text!r} (bad probe)"


def test_unsubmitted_scores_stay_with_their_assessor(world: World) -> None:
    """Assessor B cannot read assessor A's saved scores, through any door."""
    a, b = world.ids["assignment_a"], world.ids["assignment_b"]
    with world.isolated():
        assert world.api("assessor_b", "GET", f"/evaluation/assignments/{a}").status_code == 404
        assert world.api("assessor_a", "GET", f"/evaluation/assignments/{b}").status_code == 404
        for actor in ("assessor_a", "officer_a", "partner_a"):
            response = world.api(actor, "GET",
                                 "/evaluation/cycles/2024/regions/32.73/assessment")
            assert response.status_code == 403, actor
        assert world.page("assessor_b", "GET", f"/evaluasi/penilaian/{a}").status_code == 404


def test_draft_booth_is_hidden_outside_its_region(world: World) -> None:
    with world.isolated():
        hall = world.page("anon", "GET", "/pameran").get_data(as_text=True)
    assert "Kota layanan digital 32.73" in hall and "Kota layanan digital 35.78" not in hall
    for actor in ACTORS:
        if actor in ("officer_b", "admin"):
            continue
        with world.isolated():
            assert world.api(actor, "GET", "/exhibition/booths/35.78").status_code == 404, actor
            assert world.page(actor, "GET", "/pameran/35.78").status_code == 404, actor


# ---------------------------------------------------------------- mixed-up ids

#: An owner's URL with another owner's item inside it (the parent is theirs, the child is
#: not): (actor, method, url, body). Each must be refused and change nothing.
MIXED: list[tuple[str, str, str, Any]] = [
    ("officer_a", "GET", "/api/v1/evaluation/cycles/2024/regions/32.73/evidence/{evidence_b}",
     None),
    ("officer_a", "GET", "/evaluasi/2024/daerah/32.73/bukti/{evidence_b}", None),
    ("assessor_a", "GET", "/api/v1/evaluation/cycles/2024/regions/32.73/evidence/{evidence_b}",
     None),
    ("officer_a", "POST", "/api/v1/evaluation/surveys/{survey_b}/tokens", {"count": 1}),
    ("partner_a", "POST", "/api/v1/webhooks/{webhook_a}/deliveries/{delivery_b}/redeliver", {}),
    ("partner_a", "POST", "/webhooks/{webhook_a}/deliveries/{delivery_b}/redeliver", {}),
    ("officer_a", "POST", "/pameran/32.73/prestasi/{achievement_b}/hapus", {}),
    ("officer_a", "PATCH", "/api/v1/exhibition/achievements/{achievement_b}",
     {"title": "Bukan milik kami"}),
    ("officer_a", "DELETE", "/api/v1/exhibition/achievements/{achievement_b}", None),
    ("anon", "GET", "/pameran/media/{image_b}/thumb.jpg", None),
    ("officer_a", "GET", "/pameran/media/{image_b}/large.jpg", None),
    ("partner_a", "POST", "/api/v1/needs/{need_b}/interests",
     {"message": "Atas nama B", "organisation_id": "{org_b}"}),
    ("partner_a", "POST", "/api/v1/needs/{need_b}/interests",
     {"message": "Dengan penawaran B", "offer_id": "{offer_b}"}),
    ("officer_a", "POST", "/api/v1/interests/{interest_b}/accept", {"reason": "x"}),
    ("officer_a", "POST", "/notifications/{notification_b}/read", {}),
    ("user", "GET", "/api/v1/evaluation/cycles/2025", None),
    ("officer_a", "GET", "/evaluasi/2025", None),
    ("assessor_a", "GET", "/api/v1/evaluation/cycles/2025/indicators", None),
    ("partner_a", "GET", "/api/v1/opportunities?organisation_id={org_b}", None),
]


@pytest.mark.parametrize(("actor", "method", "url", "body"), MIXED,
                         ids=[f"{a}-{m}-{u}" for a, m, u, _b in MIXED])
def test_mixed_up_ids_are_refused(world: World, actor: str, method: str, url: str,
                                  body: Any) -> None:
    path = url.format(**world.ids)
    if isinstance(body, dict):
        body = {k: int(v.format(**world.ids)) if isinstance(v, str) and v.startswith("{")
                else v for k, v in body.items()}
    with world.isolated():
        before = world.snapshot()
        if path.startswith("/api/"):
            response = world.api(actor, method, path, body)
        else:
            response = world.page(actor, method, path, body)
        assert response.status_code in (403, 404, 422), (response.status_code,
                                                         response.get_data(as_text=True)[:300])
        assert world.snapshot() == before
