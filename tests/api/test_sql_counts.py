"""SQL statements per request: every list endpoint stays within a fixed budget whatever the
page size (no N+1), anonymous or with a token.

Budget: loading the principal is one statement, the page with its total is one statement; on
SQLite the explicit ``BEGIN`` is a statement too. So at most 3. (A token's first request in a
minute adds the ``last_used_at`` update; the fixture uses each token once first.)
"""

from __future__ import annotations

import pytest

from tests.api.helpers import ApiClient
from tests.conftest import Factory

BUDGET = 3
LISTS = ("/regions", "/organisations", "/plans", "/provinces")


@pytest.fixture
def populated(factory: Factory, api: ApiClient):
    """More than a page of organisations and (visible) plans; returns an admin and officer."""
    admin = factory.admin()
    officer = factory.officer("32.73")
    for n in range(6):
        factory.partner(name=f"Mitra {n}", dimensions=["economy"], provinces_served=["32"])
    for n in range(6):  # approved plans of other regions: visible to everyone
        code = f"32.0{n + 1}"
        factory.plan(factory.officer(code), code, status="approved", reviewer=admin)
    for n in range(4):  # drafts of the officer's region: visible to them and admins
        factory.plan(officer, period_start=2030 + n)
    for code in ("32.73", "32.04", "31.71"):
        assert api.post(f"/regions/{code}/participation", admin,
                        {"cohort_year": 2017}).status_code == 201
    # A token's first use in a minute also writes its last_used_at (a short transaction after
    # the request, at most once a minute per token): use both once so that the counts below
    # are those of every other request.
    for account in (admin, officer):
        assert api.get("/me", account).status_code == 200
    return admin, officer


@pytest.mark.parametrize("path", LISTS)
def test_list_endpoints_stay_within_budget(api: ApiClient, populated, sql_counter,
                                           path: str) -> None:
    admin, officer = populated
    for who, account in (("anonymous", None), ("officer", officer), ("admin", admin)):
        counts, sizes = {}, {}
        for per_page in (5, 100):
            url = f"{path}?per_page={per_page}" if path != "/provinces" else path
            with sql_counter:
                response = api.get(url, account)
            assert response.status_code == 200, response.json
            counts[per_page] = sql_counter.count
            body = response.json
            sizes[per_page] = len(body if path == "/provinces" else body["items"])
            assert sql_counter.count <= BUDGET, (url, who, sql_counter.statements)
        print(f"SQL {path} {who}: {counts}")
        if path != "/provinces":
            assert sizes[5] == 5 and sizes[100] > 5, (who, sizes)  # the page size mattered
        assert counts[5] == counts[100], (who, counts)


@pytest.mark.parametrize(
    "url",
    ["/regions?participating=true&sort=-population", "/regions?q=bandung&kind=kota",
     "/organisations?dimension=economy&province=32", "/plans?province=32&sort=title",
     "/plans?status=approved&period=2026"],
)
def test_filtered_lists_stay_within_budget(api: ApiClient, populated, sql_counter,
                                           url: str) -> None:
    _admin, officer = populated
    with sql_counter:
        response = api.get(url + "&per_page=100", officer)
    assert response.status_code == 200 and response.json["total"] > 0, (url, response.json)
    assert sql_counter.count <= BUDGET, sql_counter.statements


def test_principal_is_loaded_in_one_statement(api: ApiClient, factory: Factory,
                                              sql_counter) -> None:
    officer = factory.officer("32.73")
    with sql_counter:
        response = api.get("/me", officer)
    assert response.status_code == 200
    assert response.json["memberships"][0]["region_code"] == "32.73"
    selects = [s for s in sql_counter.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, sql_counter.statements
