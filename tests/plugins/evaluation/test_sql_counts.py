"""SQL statements per request: every list endpoint of the plugin stays within the API budget
whatever the page size (token-authenticated: the principal is one statement, the page with its
total one, SQLite's explicit BEGIN one), and the main pages within a small constant bound."""

from __future__ import annotations

import pytest

from tests.plugins.evaluation.conftest import BANDUNG, YEAR, ok, run_to_completion
from tests.web.conftest import WebUser

BUDGET = 3
PAGE_BUDGET = 12


@pytest.fixture
def completed(flow, app, api, world):
    """A published cycle of two regions (two assessors each, six surveys each), a draft cycle
    of the next year and a few external indicators."""
    run_to_completion(flow, app)
    flow.action("publish")
    ok(api.post("/evaluation/cycles", world.admin, {"year": YEAR + 1}), 201)
    ok(api.post("/evaluation/external-indicators", world.admin, {"csv": (
        "region_code,year,indicator,value\n32.73,2023,ipm,82.5\n32.73,2023,poverty_rate,3.8\n"
        "35.78,2023,ipm,83.1\n")}))
    return flow


def lists(world):
    lead = world.assessors[0]
    officer = world.officers[BANDUNG]
    return [
        ("/evaluation/cycles", world.admin),
        (f"/evaluation/cycles/{YEAR}/indicators", world.admin),
        (f"/evaluation/cycles/{YEAR}/indicators", officer),
        (f"/evaluation/cycles/{YEAR}/regions", world.admin),
        (f"/evaluation/cycles/{YEAR}/regions", None),
        ("/evaluation/assignments", lead),
        (f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/surveys", officer),
        (f"/evaluation/cycles/{YEAR}/results", world.admin),
        (f"/evaluation/cycles/{YEAR}/results", None),
        ("/evaluation/external-indicators", world.admin),
    ]


def test_list_endpoints_stay_within_budget(completed, api, world, sql_counter):
    for path, who in lists(world):
        counts, sizes = {}, {}
        for per_page in (1, 100):
            with sql_counter:
                response = api.get(f"{path}?per_page={per_page}", who)
            assert response.status_code == 200, (path, response.json)
            counts[per_page] = sql_counter.count
            sizes[per_page] = len(response.json["items"])
            assert sql_counter.count <= BUDGET, (path, sql_counter.statements)
        print(path, counts, sizes)
        assert sizes[1] == 1 and sizes[100] > 1, (path, sizes)  # the page size mattered
        assert counts[1] == counts[100], (path, counts)


def _login(app, account) -> WebUser:
    user = WebUser(app.test_client())
    if account is not None:
        assert user.login(account.email).status_code == 303
    return user


def test_main_pages_stay_within_a_constant_bound(completed, app, world, sql_counter):
    admin, officer, lead = (_login(app, a) for a in (world.admin, world.officers[BANDUNG],
                                                     world.assessors[0]))
    anonymous = _login(app, None)
    assignment = completed.assignments[BANDUNG][0]
    pages = [
        (anonymous, "/evaluasi/"), (admin, "/evaluasi/"),
        (anonymous, f"/evaluasi/{YEAR}"), (admin, f"/evaluasi/{YEAR}"),
        (admin, f"/evaluasi/{YEAR + 1}"), (lead, f"/evaluasi/{YEAR}"),
        (anonymous, f"/evaluasi/{YEAR}/laporan/{BANDUNG}"),
        (anonymous, f"/evaluasi/{YEAR}/hasil.csv"),
        (officer, f"/evaluasi/{YEAR}/daerah/{BANDUNG}"),
        (lead, f"/evaluasi/{YEAR}/daerah/{BANDUNG}/rekonsiliasi"),
        (lead, "/evaluasi/penilaian"), (lead, f"/evaluasi/penilaian/{assignment}"),
    ]
    for user, url in pages:
        with sql_counter:
            response = user.get(url)
        assert response.status_code == 200, (url, response.status_code)
        print(url, sql_counter.count)
        assert sql_counter.count <= PAGE_BUDGET, (url, sql_counter.statements)
