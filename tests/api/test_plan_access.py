"""Who may see and change which master plans. A plan you may not see is 404 (its existence does
not leak); one you may see but not change is 403; anonymous writes are 401."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.api.helpers import ApiClient, assert_problem, plan_body
from tests.conftest import Account, Factory

STATUSES = ("draft", "submitted", "revision_requested", "resubmitted", "approved")
ROLES = ("anonymous", "officer", "other_officer", "partner", "evaluator", "admin")

# Which statuses of a Kota Bandung (32.73) plan each role may read.
VISIBLE = {
    "anonymous": {"approved"},
    "officer": set(STATUSES),
    "other_officer": {"approved"},
    "partner": {"approved"},
    "evaluator": {"submitted", "revision_requested", "resubmitted", "approved"},
    "admin": set(STATUSES),
}


@dataclass
class Cast:
    accounts: dict[str, Account | None]
    plans: dict[str, int]  # status -> id, all of Kota Bandung
    bogor_draft: int

    def who(self, role: str) -> Account | None:
        return self.accounts[role]


@pytest.fixture
def cast(factory: Factory) -> Cast:
    admin = factory.admin()
    officer = factory.officer("32.73")
    other = factory.officer("32.01")
    partner, _org = factory.partner()
    evaluator = factory.evaluator()
    plans = {
        status: factory.plan(officer, status=status, period_start=2020 + i, reviewer=admin)
        for i, status in enumerate(STATUSES)
    }
    bogor_draft = factory.plan(other, "32.01")
    accounts = {"anonymous": None, "officer": officer, "other_officer": other,
                "partner": partner, "evaluator": evaluator, "admin": admin}
    return Cast(accounts, plans, bogor_draft)


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_which_plan(api: ApiClient, cast: Cast, role: str) -> None:
    who = cast.who(role)
    for status, plan_id in cast.plans.items():
        for path in (f"/plans/{plan_id}", f"/plans/{plan_id}/history"):
            response = api.get(path, who)
            if status in VISIBLE[role]:
                assert response.status_code == 200, (role, status, path)
            else:
                problem = assert_problem(response, 404, "not-found")
                assert problem["detail"] == "The master plan was not found."
    # The same answer as for a plan that does not exist at all.
    missing = api.get(f"/plans/{max(cast.plans.values()) + 1000}", who)
    assert missing.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_lists_never_leak_drafts(api: ApiClient, cast: Cast, role: str) -> None:
    who = cast.who(role)
    listed = {item["id"] for item in api.get("/plans?per_page=100", who).json["items"]}
    expected = {cast.plans[s] for s in VISIBLE[role]}
    if role in ("other_officer", "admin"):
        expected.add(cast.bogor_draft)
    assert listed == expected
    body = api.get("/plans?status=draft", who).json
    drafts = {item["id"] for item in body["items"]}
    assert body["total"] == len(drafts)
    assert drafts == {i for i in expected if i in (cast.plans["draft"], cast.bogor_draft)}


def test_filters_do_not_widen_visibility(api: ApiClient, cast: Cast) -> None:
    partner = cast.who("partner")
    for query in ("region=32.73", "province=32", "q=Rencana", "sort=title", "period=2020"):
        ids = {i["id"] for i in api.get(f"/plans?{query}&per_page=100", partner).json["items"]}
        assert ids <= {cast.plans["approved"]}, query
    assert api.get("/plans?region=32.73", partner).json["total"] == 1


@pytest.mark.parametrize("role", ["other_officer", "partner", "evaluator"])
def test_others_cannot_change_a_regions_plan(api: ApiClient, cast: Cast, unchanged,
                                             role: str) -> None:
    who = cast.who(role)
    with unchanged():
        for status, plan_id in cast.plans.items():
            path = f"/plans/{plan_id}"
            expected = 403 if status in VISIBLE[role] else 404
            etag = f'"plan-{plan_id}-v1"'
            assert_problem(api.patch(path, who, {"title": "Diambil alih"}, etag=etag),
                           expected)
            # Refusals come before preconditions: no If-Match, or a stale one, changes nothing.
            assert_problem(api.patch(path, who, {"title": "Diambil alih"}), expected)
            assert_problem(api.patch(path, who, {"title": "x"}, etag=f'"plan-{plan_id}-v9"'),
                           expected)
            assert_problem(api.post(f"{path}/submit", who,
                                    headers={"If-Match": f'"plan-{plan_id}-v9"'}), expected)
            assert_problem(api.post(f"{path}/submit", who), expected)
            assert_problem(api.post(f"{path}/approve", who, {}), expected)
            assert_problem(api.post(f"{path}/request-revision", who, {"reason": "x"}),
                           expected)
        problem = assert_problem(api.post("/plans", who, plan_body("32.73")), 403, "forbidden")
        assert "officers" in problem["detail"]


def test_anonymous_writes_are_401(api: ApiClient, cast: Cast, unchanged) -> None:
    with unchanged():
        assert_problem(api.post("/plans", None, plan_body()), 401, "unauthorized")
        for plan_id in cast.plans.values():
            path = f"/plans/{plan_id}"
            response = api.patch(path, None, {"title": "x"}, etag=f'"plan-{plan_id}-v1"')
            assert_problem(response, 401)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert_problem(api.post(f"{path}/submit"), 401)
            assert_problem(api.post(f"{path}/approve", None, {}), 401)
            assert_problem(api.post(f"{path}/request-revision", None, {"reason": "x"}), 401)


def test_officer_edits_only_own_region(api: ApiClient, cast: Cast) -> None:
    officer = cast.who("officer")
    draft = cast.plans["draft"]
    etag = api.etag(f"/plans/{draft}", officer)
    assert api.patch(f"/plans/{draft}", officer, {"title": "Milik kami"}, etag=etag) \
        .status_code == 200
    assert api.post("/plans", officer, plan_body("32.73", period_start=2040,
                                                 period_end=2044)).status_code == 201
    assert_problem(api.post("/plans", officer, plan_body("32.01")), 403)
    assert_problem(api.get(f"/plans/{cast.bogor_draft}", officer), 404)


def test_member_role_is_enough_for_officers(api: ApiClient, factory: Factory) -> None:
    """Any member of the region's government organisation is an officer of that region."""
    member = factory.officer("32.73", role="member")
    admin_member = factory.officer("32.73", role="admin")
    for who in (member, admin_member):
        assert api.post("/plans", who, plan_body()).status_code == 201
