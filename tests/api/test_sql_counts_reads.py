"""SQL statements of the fast read paths: the region list (read-only rows) and a plan's detail
(a light stamp query, then the plan and its programmes only when the body is not cached).

Counts are of ``SELECT`` statements (SQLite sends an explicit ``BEGIN``, PostgreSQL does not;
a token's first use in a while also records ``last_used_at``), so that both stacks share the
figures. Anonymous reads write nothing.
"""

from __future__ import annotations

import pytest

from tests.api.helpers import ApiClient
from tests.conftest import Factory


def _queries(statements: list[str]) -> list[str]:
    """The SELECTs; anything else but transaction control is a write (for anonymous reads)."""
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE",
                                                                      "DELETE"))]


@pytest.mark.parametrize("url", ["/regions?per_page=20", "/regions?per_page=100&page=3",
                                 "/regions?participating=true&sort=-population",
                                 "/regions?q=bandung&kind=kota"])
def test_region_list_is_one_statement_anonymous(api: ApiClient, factory: Factory, sql_counter,
                                                url: str) -> None:
    factory.join("32.73", 2017)
    for _ in range(2):  # the statement is built once and reused: same count both times
        with sql_counter:
            response = api.get(url)
        assert response.status_code == 200 and response.json["total"] > 0
        assert len(_queries(sql_counter.statements)) == 1, sql_counter.statements
        assert not _writes(sql_counter.statements), sql_counter.statements
    with sql_counter:  # past the last page: the total needs its own count
        response = api.get("/regions?per_page=100&page=50")
    assert response.status_code == 200 and response.json["items"] == []
    assert response.json["total"] > 500
    assert len(_queries(sql_counter.statements)) == 2, sql_counter.statements


def test_region_list_with_a_token_adds_the_principal(api: ApiClient, factory: Factory,
                                                     sql_counter) -> None:
    officer = factory.officer("32.73")
    # A token's first use in a minute also records last_used_at (its own write transaction).
    assert api.get("/me", officer).status_code == 200
    with sql_counter:
        assert api.get("/regions?per_page=20", officer).status_code == 200
    assert len(_queries(sql_counter.statements)) == 2, sql_counter.statements
    # Both in the request's one transaction (SQLite sends BEGIN once; PostgreSQL never).
    begins = [s for s in sql_counter.statements if s.strip().upper().startswith("BEGIN")]
    assert len(begins) <= 1, sql_counter.statements


def test_approved_plan_detail_statements(api: ApiClient, factory: Factory,
                                         sql_counter) -> None:
    plan_id = factory.plan(factory.officer("32.73"), status="approved")
    with sql_counter:  # not cached yet: stamp, plan with region, programmes
        first = api.get(f"/plans/{plan_id}")
    assert first.status_code == 200 and len(first.json["programmes"]) > 0
    assert len(_queries(sql_counter.statements)) == 3, sql_counter.statements
    with sql_counter:  # cached: the stamp only
        assert api.get(f"/plans/{plan_id}").data == first.data
    assert len(_queries(sql_counter.statements)) == 1, sql_counter.statements
    assert not _writes(sql_counter.statements), sql_counter.statements
    with sql_counter:  # revalidated: the stamp only, no body
        response = api.get(f"/plans/{plan_id}", headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 304
    assert len(_queries(sql_counter.statements)) == 1, sql_counter.statements


def test_private_plan_detail_statements(api: ApiClient, factory: Factory, sql_counter) -> None:
    officer = factory.officer("32.73")
    draft = factory.plan(officer)
    for _ in range(2):  # never cached: principal, stamp, plan with region, programmes
        with sql_counter:
            assert api.get(f"/plans/{draft}", officer).status_code == 200
        assert len(_queries(sql_counter.statements)) == 4, sql_counter.statements
    with sql_counter:  # anonymous: stamp, then the plan for the access check (404)
        assert api.get(f"/plans/{draft}").status_code == 404
    assert len(_queries(sql_counter.statements)) == 2, sql_counter.statements
