"""The virtual exhibition in a real browser: the hall loads with its figures and map, a filter
narrows the booths, a booth shows its radar chart, the language switch works; screenshots of
the hall and a booth (desktop and phone) go to ``test-artifacts/``.

Runs headless Chromium from ``/usr/bin/chromium`` (never downloads a browser); skipped when it
is not installed."""

from __future__ import annotations

import pytest

from core.plugin import DemoContext
from plugins.exhibition.demo import load_demo
from tests.browser.test_core_ui import ARTIFACTS, live_server, page  # noqa: F401

pytestmark = pytest.mark.browser

COHORTS = {"32.73": 2017, "35.78": 2017, "34.71": 2017, "73.71": 2017, "51.71": 2017,
           "15.71": 2017, "33.74": 2017, "32.01": 2018, "32.04": 2018, "35.01": 2018,
           "12.71": 2017, "64.72": 2018, "91.71": 2019, "53.71": 2021, "61.71": 2022}


@pytest.fixture
def exhibition(factory, app, tmp_path):
    """The exhibition's demo: published booths with drawn images, three evaluation cycles."""
    from core.regions import services as regions

    config = app.extensions["sinergi.plugins"].plugins["exhibition"].config
    saved = config.get("media_dir", "")
    config["media_dir"] = str(tmp_path / "media")
    with app.app_context(), factory.db.begin() as session:
        for code, year in COHORTS.items():
            regions.join_movement(session, factory.system, code, year, "implementation")
        load_demo(session, DemoContext(admin=factory.system, region_codes=sorted(COHORTS)))
    yield
    config["media_dir"] = saved


def _scroll_through(browser_page) -> None:
    """Scroll to the end and back so that lazy images load before a full-page screenshot."""
    browser_page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    browser_page.wait_for_load_state("networkidle")
    browser_page.evaluate("window.scrollTo(0, 0)")


def test_hall_filter_booth_radar_and_language(live_server, page, exhibition):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server}/pameran")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Prestasi daerah cerdas Indonesia"
    assert page.locator('[data-figure="participating"]').inner_text() == str(len(COHORTS))
    assert page.locator('[data-figure="booths"]').inner_text() == "6"
    assert page.locator(".tilemap .tile").count() == 38
    assert page.locator(".tilemap").is_visible()
    assert page.locator(".ex-leader").count() == 10
    _scroll_through(page)
    page.screenshot(path=str(ARTIFACTS / "exhibition-hall.png"), full_page=True)

    # A filter narrows the booths.
    assert page.locator(".ex-card").count() == 6
    page.select_option("#province", "35")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url("**/pameran?**province=35**")
    assert page.locator(".ex-card").count() == 1
    assert "Kota Surabaya" in page.locator(".ex-cards").inner_text()
    # The map colours by score, and a tile filters by province.
    page.get_by_role("link", name="Skor").click()
    page.locator('.tile[aria-label^="Jawa Barat"]').click()
    page.wait_for_url("**province=32**")
    assert "Kota Bandung" in page.locator(".ex-cards").inner_text()

    # A booth shows its radar chart, with a text alternative.
    page.locator(".ex-card-link", has_text="Kota Bandung").click()
    page.wait_for_url(f"{live_server}/pameran/32.73")
    radar = page.locator("svg.chart-radar").first
    assert radar.is_visible()
    assert "Smart Governance" in radar.locator("desc").text_content()
    assert page.locator(".ex-verified").first.inner_text().endswith("Terverifikasi asesor")
    assert page.locator(".ex-achievement").count() == 4
    _scroll_through(page)
    page.screenshot(path=str(ARTIFACTS / "exhibition-booth.png"), full_page=True)

    # The language switch: same booth, in English, remembered on the next page.
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server}/pameran/32.73?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#achievements-title").inner_text() == "Achievements"
    page.get_by_role("link", name="Exhibition").first.click()
    assert page.locator("h1").inner_text() == "The achievements of Indonesia's smart regions"
    page.screenshot(path=str(ARTIFACTS / "exhibition-hall-en.png"))

    # On a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/pameran/32.73?lang=id")
    _scroll_through(page)
    page.screenshot(path=str(ARTIFACTS / "exhibition-booth-phone.png"), full_page=True)
    page.goto(f"{live_server}/pameran")
    page.screenshot(path=str(ARTIFACTS / "exhibition-hall-phone.png"), full_page=True)
