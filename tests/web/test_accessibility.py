"""Structural accessibility checks on every page: each form control has a label, ids are
unique, error-summary links lead to a field, one h1, aria-current on the navigation."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.web.conftest import text_of

HIDDEN_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageStructure(HTMLParser):
    """Collects what the checks need from one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.summary_links: list[str] = []
        self.h1 = 0
        self._in_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type", "") not in HIDDEN_TYPES:
            self.controls.append(a)
        if tag == "h1":
            self.h1 += 1
        if tag == "div" and "error-summary" in a.get("class", ""):
            self._in_summary += 1
        if tag == "a" and self._in_summary and a.get("href", "").startswith("#"):
            self.summary_links.append(a["href"][1:])

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._in_summary:
            self._in_summary -= 1


def check(html: str) -> PageStructure:
    page = PageStructure()
    page.feed(html)
    unlabelled = [c for c in page.controls
                  if c.get("id") not in page.label_for and not c.get("aria-label")]
    assert not unlabelled, f"controls without a label: {unlabelled}"
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    missing = [target for target in page.summary_links if target not in page.ids]
    assert not missing, f"error summary links to nothing: {missing}"
    assert page.h1 == 1
    return page


@pytest.fixture
def world(factory):
    officer = factory.officer("32.73")
    admin = factory.admin()
    partner, _org = factory.partner(name="Mitra Aksesibel")
    return {
        "officer": officer, "admin": admin, "partner": partner,
        "draft": factory.plan(officer, period_start=2030),
        "submitted": factory.plan(officer, status="submitted"),
    }


def test_every_page_is_labelled_and_well_formed(browser, world):
    officer, admin = browser(world["officer"]), browser(world["admin"])
    draft, submitted = world["draft"], world["submitted"]
    pages = [
        (browser(), "/"), (browser(), "/regions"), (browser(), "/regions/32.73"),
        (browser(), "/organisations"), (browser(), "/organisations/mitra-aksesibel"),
        (browser(), "/plans"), (browser(), "/login"), (browser(), "/missing"),
        (officer, "/dashboard"), (officer, "/plans/new"), (officer, f"/plans/{draft}"),
        (officer, f"/plans/{draft}/edit"), (officer, "/account/tokens"),
        (officer, "/organisations/new"),
        (admin, "/dashboard"), (admin, f"/plans/{submitted}/review"),
        (admin, "/regions/35.78"), (admin, "/regions/32.73"),
        (admin, "/organisations/mitra-aksesibel"), (admin, "/organisations/mitra-aksesibel/edit"),
        (browser(world["partner"]), "/dashboard"),
    ]
    for user, url in pages:
        response = user.get(url)
        assert response.status_code in (200, 404), url
        check(response.text)


def test_error_summaries_link_to_their_fields(browser, world):
    officer = browser(world["officer"])
    draft = world["draft"]
    bad_row = {"rows": "1", "p-0-title": "", "p-0-description": "x", "p-0-sub_dimension": "x",
               "p-0-budget_idr": "x", "p-0-horizon": "x", "p-0-status": "x"}
    responses = [
        officer.post("/plans/new", {"region_code": "", "period_start": "x"}),
        officer.post(f"/plans/{draft}/edit", {"title": "", "period_start": "x", "version": "1",
                                              **bad_row}),
        officer.post("/organisations/new", {"type": "business", "name": "", "website": "x"}),
        officer.post("/account/tokens", {"name": ""}),
        browser(world["admin"]).post(f"/plans/{world['submitted']}/request-revision",
                                     {"reason": ""}),
    ]
    for response in responses:
        assert response.status_code == 422
        page = check(response.text)
        assert page.summary_links, text_of(response)[:300]
