"""Region pages: the public list with filters, sorting and pages; a region's page; the admin's
participation forms."""

from __future__ import annotations

import re

from tests.web.conftest import text_of


def region_links(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/regions/([\d.]+)">', page)


def test_list_paginates_and_sorts(browser):
    anon = browser()
    page = anon.get("/regions?lang=en").text
    assert "Showing 1–20 of 514 regions" in text_of(anon.get("/regions?lang=en"))
    assert len(region_links(page)) == 20
    page = anon.get("/regions?page=26").text
    assert len(region_links(page)) == 514 - 25 * 20
    assert 'aria-current="page">26<' in page
    biggest = region_links(anon.get("/regions?sort=-population&per_page=50").text)
    assert len(biggest) == 50
    assert biggest[0] == "32.01"  # Kabupaten Bogor, the most populous


def test_filters_keep_their_values_in_page_links(browser):
    page = browser().get("/regions?province=32&kind=kota").text
    codes = region_links(page)
    assert codes and all(code.startswith("32.7") for code in codes)
    assert '<option value="32" selected>' in page
    page = browser().get("/regions?province=11&per_page=20").text
    assert 'href="/regions?province=11&amp;per_page=20&amp;page=2"' in page


def test_participation_filters(browser, factory):
    admin = factory.admin()
    with factory.db.begin() as session:
        from core.regions.services import join_movement

        join_movement(session, admin.principal, "32.73", 2017, "implementation")
        join_movement(session, admin.principal, "35.78", 2018, "selected")
    anon = browser()
    assert region_links(anon.get("/regions?cohort=2017").text) == ["32.73"]
    assert region_links(anon.get("/regions?stage=selected").text) == ["35.78"]
    assert sorted(region_links(anon.get("/regions?participating=1").text)) == ["32.73", "35.78"]
    assert region_links(anon.get("/regions?q=surabaya").text) == ["35.78"]


def test_a_page_past_the_end_says_so(browser):
    response = browser().get("/regions?page=999&lang=en")
    assert response.status_code == 200
    assert "This page is past the end of the results." in text_of(response)
    assert 'href="/regions?page=1"' in response.text


def test_garbage_query_strings_are_ignored(browser):
    anon = browser()
    for query in ("page=abc", "page=-1", "per_page=100000", "sort=;drop", "cohort=1999",
                  "stage=<script>", "province=zz", "page=999999"):
        response = anon.get(f"/regions?{query}")
        assert response.status_code == 200, query
        assert "<script>" not in response.text


def test_region_page_shows_facts_participation_and_government(browser, factory):
    officer = factory.officer("32.73")  # creates the government organisation
    admin = factory.admin()
    with factory.db.begin() as session:
        from core.regions.services import join_movement

        join_movement(session, admin.principal, "32.73", 2017, "implementation")
    response = browser().get("/regions/32.73?lang=en")
    assert response.status_code == 200
    text = text_of(response)
    assert "Kota Bandung" in text and "Jawa Barat" in text
    assert "Joined with the 2017 cohort." in text
    assert 'aria-current="step"' in response.text
    assert "Pemerintah Kota Bandung" in text
    assert officer  # (their organisation is the one shown)
    assert "Administration" not in text


def test_admin_joins_a_region_and_changes_its_stage(browser, factory):
    admin = browser(factory.admin())
    page = admin.get("/regions/35.78").text
    assert 'action="/regions/35.78/participation"' in page
    response = admin.post("/regions/35.78/participation?lang=en",
                          {"cohort_year": "2020", "stage": "selected"})
    assert response.status_code == 422
    assert "Choose the cohort year." in text_of(response)
    response = admin.post("/regions/35.78/participation",
                          {"cohort_year": "2018", "stage": "selected"})
    assert response.status_code == 303
    page = admin.get("/regions/35.78").text
    assert 'action="/regions/35.78/stage"' in page
    response = admin.post("/regions/35.78/stage",
                          {"stage": "mou_signed", "reason": "MoU ditandatangani."})
    assert response.status_code == 303
    assert 'class="current" aria-current="step"' in admin.get("/regions/35.78").text
    assert admin.post("/regions/35.78/participation",
                      {"cohort_year": "2018", "stage": "selected"}).status_code == 409


def test_others_cannot_change_participation(browser, factory):
    officer = browser(factory.officer("32.73"))
    assert officer.post("/regions/32.73/participation",
                        {"cohort_year": "2018", "stage": "selected"}).status_code == 403
    assert browser().post("/regions/32.73/stage", {"stage": "selected"}).status_code in (302, 403)
