"""Pages run a small, constant number of SQL statements, whatever the page size (no N+1)."""

from __future__ import annotations


def slot_allowance(app) -> int:
    """Each enabled plugin that fills page slots may spend one statement on a page."""
    host = app.extensions["sinergi.plugins"]
    return sum(1 for state in host.active() if "page_slot" in state.hooks)


def count(sql_counter, user, url: str) -> int:
    with sql_counter:
        response = user.get(url)
    assert response.status_code == 200
    return sql_counter.count


def test_region_list_statements_do_not_grow_with_the_page(browser, factory, sql_counter):
    anonymous = browser()
    small = count(sql_counter, anonymous, "/regions?per_page=20")
    large = count(sql_counter, anonymous, "/regions?per_page=100&participating=")
    assert small == large
    assert small <= 3  # the page of regions, the provinces for the filter
    officer = browser(factory.officer())
    assert count(sql_counter, officer, "/regions?per_page=100") <= small + 2  # + session, user


def test_plan_page_statements_do_not_grow_with_programmes_or_history(
    app, browser, factory, sql_counter
):
    officer = factory.officer("32.73")
    small = factory.plan(officer, complete=False)
    large = factory.plan(officer, status="resubmitted", period_start=2030)  # 18 programmes
    user = browser(officer)
    few = count(sql_counter, user, f"/plans/{small}")
    many = count(sql_counter, user, f"/plans/{large}")
    assert few == many
    slots = slot_allowance(app)
    assert many <= 6 + slots  # session, user, plan+region, programmes, history (+ plugin slots)
    anonymous = browser()
    approved = factory.plan(officer, status="approved", period_start=2040)
    assert count(sql_counter, anonymous, f"/plans/{approved}") <= 4 + slots


def test_list_and_dashboard_pages_stay_small(app, browser, factory, sql_counter):
    officer = factory.officer("32.73")
    for year in (2020, 2025, 2030, 2035):
        factory.plan(officer, status="submitted", period_start=year)
    admin = browser(factory.admin())
    assert count(sql_counter, admin, "/plans") <= 5
    slots = slot_allowance(app)
    assert count(sql_counter, admin, "/dashboard") <= 7 + slots
    assert count(sql_counter, browser(), "/organisations") <= 3
    assert count(sql_counter, browser(), "/") <= 4
    # Region page: region, its plans, its government organisation.
    assert count(sql_counter, browser(), "/regions/32.73") <= 4 + slots
