"""End to end in a real browser: an officer completes and submits a master plan in the editor,
sees its status, switches language. Screenshots go to ``test-artifacts/``.

Runs headless Chromium from ``/usr/bin/chromium`` (never downloads a browser); skipped when it
is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, full_programmes

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by a real HTTP server on a free local port, in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(5000)
        yield context.new_page()
        context.close()
        browser.close()


def _incomplete_plan(factory, officer) -> int:
    """A draft without the environment dimension (so two quick wins instead of three)."""
    from core.plans import services as plans

    programmes = [p for p in full_programmes() if p["dimension"] != "environment"]
    with factory.db.begin() as session:
        plan = plans.create_plan(
            session, officer.principal, "32.73",
            {"title": "Masterplan Smart City Kota Bandung 2026–2030", "period_start": 2026,
             "period_end": 2030, "vision": "Bandung kota cerdas untuk semua."},
            programmes,
        )
        return plan.id


def test_officer_completes_and_submits_a_plan(live_server, page, factory):
    ARTIFACTS.mkdir(exist_ok=True)
    officer = factory.officer("32.73")
    plan_id = _incomplete_plan(factory, officer)

    # Keyboard users reach the skip link first.
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    # Log in through the form (Indonesian by default).
    page.fill("#email", officer.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Masuk").last.click()
    page.wait_for_url(f"{live_server}/dashboard")

    # The editor says what is missing.
    page.goto(f"{live_server}/plans/{plan_id}/edit")
    readiness = page.locator(".readiness")
    assert "Quick win: 2 dari 3" in readiness.inner_text()
    page.screenshot(path=str(ARTIFACTS / "editor-before.png"), full_page=True)

    # Fill in the first blank row: the missing environment programme, a quick win.
    row = len(full_programmes()) - 3  # index of the first blank row
    page.fill(f"#p-{row}-title", "Bank sampah digital")
    page.fill(f"#p-{row}-description", "Aplikasi bank sampah untuk warga.")
    page.select_option(f"#p-{row}-sub_dimension", "waste")
    page.check(f"#p-{row}-quick_win")
    page.fill(f"#p-{row}-budget_idr", "700.000.000")
    page.get_by_role("button", name="Simpan dan ajukan untuk dinilai").click()
    page.wait_for_url(f"{live_server}/plans/{plan_id}")

    # Submitted, with its programme and the audit trail.
    assert page.locator(".status-line .badge").inner_text() == "Diajukan"
    assert page.locator("#dim-environment").is_visible()
    assert "Rp 700.000.000" in page.locator(".dimension-group.dim-environment").inner_text()
    assert page.locator(".timeline-item").count() == 2
    page.screenshot(path=str(ARTIFACTS / "plan-submitted-id.png"), full_page=True)

    # Switch to English: same page, English labels, remembered on the next page.
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server}/plans/{plan_id}?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".status-line .badge").inner_text() == "Submitted"
    page.screenshot(path=str(ARTIFACTS / "plan-submitted-en.png"), full_page=True)
    page.get_by_role("link", name="Dashboard").click()
    assert "Waiting for the ministry's review." in page.locator("main").inner_text()

    # The pages also work on a phone-sized screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/plans")
    page.screenshot(path=str(ARTIFACTS / "plans-phone.png"), full_page=True)
