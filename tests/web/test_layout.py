"""The layout every page shares: navigation, skip link, language switch, no CDN, error pages."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import text_of

PUBLIC_PAGES = ["/", "/regions", "/regions/32.73", "/organisations", "/plans", "/login"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_render_for_anonymous_visitors(browser, url):
    response = browser().get(url)
    assert response.status_code == 200
    page = response.text
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert 'lang="id"' in page.split(">", 2)[1]  # <html lang="id">


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_pages_load_nothing_from_other_hosts_and_use_no_inline_styles(browser, url):
    page = browser().get(url).text
    assert not re.search(r'(src|href)="(https?:)?//', page), "external resource on the page"
    assert " style=" not in page, "inline styles are blocked by the Content-Security-Policy"
    assert "<script" not in page


def test_anonymous_visitors_create_no_session(browser):
    """Public pages carry no form, so they need no CSRF token and set no session cookie."""
    user = browser()
    for url in ("/", "/regions", "/regions/32.73", "/organisations", "/plans"):
        response = user.get(url)
        assert "session" not in response.headers.get("Set-Cookie", "")


def test_navigation_marks_the_current_section(browser):
    page = browser().get("/regions/32.73").text
    assert re.search(r'<a href="/regions" aria-current="true">', page)
    page = browser().get("/regions").text
    assert re.search(r'<a href="/regions" aria-current="page">', page)
    assert 'href="/dashboard"' not in page  # anonymous: no dashboard link


def test_home_shows_key_figures_from_the_services(browser, factory):
    officer = factory.officer("32.73")
    factory.plan(officer, status="approved")
    factory.plan(officer, status="draft", period_start=2030)
    admin = factory.admin()
    with factory.db.begin() as session:
        from core.regions.services import join_movement

        join_movement(session, admin.principal, "32.73", 2017)
        join_movement(session, admin.principal, "35.78", 2017)
        join_movement(session, admin.principal, "73.71", 2019)
    text = text_of(browser().get("/"))
    # Two regions in 2017, one in 2019, and one approved plan (the draft is not counted).
    assert re.search(r"2017 2 ", text)
    assert re.search(r"2019 1 ", text)
    assert re.search(r"\b1 (approved master plans|rencana induk disetujui)", text)


def test_language_switch_sets_a_cookie_and_keeps_the_page(browser):
    user = browser()
    page = user.get("/regions?province=32").text
    assert 'href="/regions?province=32&amp;lang=en"' in page
    response = user.get("/regions?province=32&lang=en")
    assert "sinergi_lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in response.text
    assert '<html lang="en">' in user.get("/plans").text  # the choice sticks
    assert '<html lang="id">' in user.get("/plans?lang=id").text


def test_error_page_uses_the_layout(browser):
    response = browser().get("/regions/99.99")
    assert response.status_code == 404
    assert '<a class="skip-link"' in response.text
    assert "99.99" in response.text
    response = browser().get("/no/such/page?lang=en")
    assert response.status_code == 404
    assert "Not found" in response.text
    assert "Back to the home page" in response.text


def test_stylesheet_and_logo_are_served_locally(client):
    css = client.get("/static/css/sinergi.css")
    assert css.status_code == 200
    assert ":focus-visible" in css.get_data(as_text=True)
    assert client.get("/static/img/logo.svg").status_code == 200


def test_nul_characters_are_refused_not_crashing_the_database(browser, factory):
    """PostgreSQL cannot store or compare U+0000: pages answer 404/400, never 500."""
    anonymous = browser()
    for url in ("/organisations/a%00b", "/regions/3%002", "/plans/1%00"):
        assert anonymous.get(url).status_code == 404, url
    for url in ("/regions?q=a%00b", "/plans?q=%00", "/organisations?q=%00&type=x"):
        assert anonymous.get(url).status_code == 400, url
    user = browser(factory.officer())
    response = user.post("/plans/new?lang=en", {"region_code": "32.73", "title": "a\x00b",
                                                "period_start": "2026", "period_end": "2027"})
    assert response.status_code == 400
    assert "Text must not contain NUL characters." in response.text
