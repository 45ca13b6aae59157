"""The dashboard shows each role what needs its attention."""

from __future__ import annotations

from tests.web.conftest import text_of


def test_admin_dashboard_lists_what_awaits_review_and_verification(browser, factory):
    officer = factory.officer("32.73")
    submitted = factory.plan(officer, status="submitted")
    resubmitted = factory.plan(officer, status="resubmitted", period_start=2030)
    draft = factory.plan(officer, period_start=2035)
    factory.partner(name="Mitra Belum Terverifikasi")
    page = browser(factory.admin()).get("/dashboard?lang=en")
    assert page.status_code == 200
    assert f'href="/plans/{submitted}/review"' in page.text
    assert f'href="/plans/{resubmitted}/review"' in page.text
    assert f'href="/plans/{draft}"' not in page.text
    text = text_of(page)
    assert "Mitra Belum Terverifikasi" in text
    assert "2 plans awaiting review" in text
    assert "1 drafts in progress" in text


def test_officer_dashboard_shows_regions_and_next_steps(browser, factory):
    officer = factory.officer("32.73")
    draft = factory.plan(officer)
    page = browser(officer).get("/dashboard?lang=en")
    text = text_of(page)
    assert "Kota Bandung" in text
    assert "Complete the plan and submit it for review." in text
    assert f'href="/plans/{draft}/edit"' in page.text
    assert 'href="/plans/new"' in page.text


def test_partner_dashboard_shows_profile_completeness(browser, factory):
    partner, _org = factory.partner(name="Mitra Setengah", about="Tentang kami.")
    text = text_of(browser(partner).get("/dashboard?lang=en"))
    assert "Mitra Setengah" in text
    assert "Profile complete: 20" in text
    assert "Still missing: Capabilities, Smart city dimensions, Provinces served, Website" in text


def test_evaluator_dashboard_lists_plans_under_review(browser, factory):
    officer = factory.officer("32.73")
    submitted = factory.plan(officer, status="submitted")
    page = browser(factory.evaluator()).get("/dashboard")
    assert f'href="/plans/{submitted}"' in page.text
    assert f'href="/plans/{submitted}/review"' not in page.text


def test_user_without_role_is_told_how_to_start(browser, factory):
    text = text_of(browser(factory.user()).get("/dashboard?lang=en"))
    assert "You are not a member of any organisation yet." in text
